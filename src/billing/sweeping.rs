//! What the sweeps (overdue, recurring, reminders, quote expiry) share: taking due rows
//! fairly across businesses, and backing off a row that failed.
//!
//! Fair: every business's oldest due row comes first, so no backlog delays another
//! business's single row to a later sweep (unless more businesses than a sweep takes
//! rows have rows due; each still gets one a sweep); then the rest in turns of
//! `SWEEP_PER_BUSINESS` rows per business, oldest first within a turn, every business's
//! turn before anyone's next. A business with 10,000 due rows gets 25 before the next
//! business's 26th, not 10,000, and alone it is not slowed down: a turn is an order,
//! not a cap. The list is only an order: each row is then claimed on its own
//! (`FOR UPDATE SKIP LOCKED`, still due) by the sweep's step, so two processes sweeping
//! at once never take one row twice.
//!
//! Backed off: a row whose step failed gets a `sweep_failures` row (attempts, error,
//! `retry_at` 1, 2, 4 … minutes later, at most 6 hours); until then no sweep takes it.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

/// A sweep's due rows: `sql` selects `id, business_id, at` (the time it fell due) of
/// every due row, given `$1` = now; `name` names the sweep in `sweep_failures`.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub name: &'static str,
    pub sql: &'static str,
}

/// A due row as the sweep takes it.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub business_id: i64,
    /// It has failed before (its `sweep_failures` row goes once it succeeds).
    pub failed: bool,
}

/// The longest back-off of a row that keeps failing.
const MAX_BACKOFF_MINUTES: i64 = 6 * 60;

/// A failure record this much older than its `retry_at` belongs to a row that stopped
/// being due some other way (paid, deleted…).
const FORGET_AFTER_DAYS: i64 = 7;

/// Up to `limit` due rows of `source` in fair order (each business's first, then turns
/// of `per_business` rows per business), without those backed off.
pub async fn take(
    conn: &mut PgConnection,
    source: Source,
    now: DateTime<Utc>,
    per_business: u32,
    limit: usize,
) -> sqlx::Result<Vec<Due>> {
    // The sort covers only the due rows (the source's range on its partial index).
    let sql = format!(
        "SELECT id, business_id, failed FROM (
             SELECT d.id, d.business_id, d.at, f.row_id IS NOT NULL AS failed,
                    row_number() OVER (PARTITION BY d.business_id ORDER BY d.at, d.id) AS rank
             FROM ({}) d
             LEFT JOIN sweep_failures f ON f.sweep = $2 AND f.row_id = d.id
             WHERE f.retry_at IS NULL OR f.retry_at <= $1
         ) due
         ORDER BY rank > 1, (rank - 1) / $3, at, id
         LIMIT $4",
        source.sql
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(source.name)
        .bind(i64::from(per_business.max(1)))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await
}

/// Records that `due`'s step failed (outside its rolled-back transaction); answers how
/// many times it has failed in a row.
pub async fn failed(
    conn: &mut PgConnection,
    source: Source,
    due: Due,
    now: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "INSERT INTO sweep_failures (sweep, row_id, business_id, attempts, last_error,
             failed_at, retry_at)
         VALUES ($1, $2, $3, 1, $4, $5, $5 + interval '1 minute')
         ON CONFLICT (sweep, row_id) DO UPDATE SET
             attempts = sweep_failures.attempts + 1,
             last_error = EXCLUDED.last_error,
             failed_at = EXCLUDED.failed_at,
             retry_at = EXCLUDED.failed_at + least(
                 interval '1 minute' * power(2, least(sweep_failures.attempts, 30)),
                 interval '1 minute' * $6)
         RETURNING attempts",
    )
    .bind(source.name)
    .bind(due.id)
    .bind(due.business_id)
    .bind(error)
    .bind(now)
    .bind(MAX_BACKOFF_MINUTES)
    .fetch_one(conn)
    .await
}

/// Forgets `due`'s earlier failures, in the transaction of its success.
pub async fn succeeded(conn: &mut PgConnection, source: Source, due: Due) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sweep_failures WHERE sweep = $1 AND row_id = $2")
        .bind(source.name)
        .bind(due.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the failure records of rows no sweep has wanted for a week.
pub async fn forget_stale(
    conn: &mut PgConnection,
    source: Source,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sweep_failures WHERE sweep = $1 AND retry_at < $2")
        .bind(source.name)
        .bind(now - Duration::days(FORGET_AFTER_DAYS))
        .execute(conn)
        .await?;
    Ok(())
}
