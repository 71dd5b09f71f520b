//! Overdue detection: a sent, viewed or partial invoice past its due date with a balance
//! becomes overdue, recording `invoice.overdue` the first time (in the same transaction).
//! An invoice paid in part after that and still past due goes back to overdue with an
//! `invoice.updated`. Drafts and void invoices never become overdue.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::billing::events::{self, Render, Resource};

/// At most this many invoices per sweep; the next sweep takes the rest.
const PER_SWEEP: usize = 1_000;

/// Marks every invoice that is due; answers how many. Each invoice is claimed with
/// `FOR UPDATE SKIP LOCKED` in a transaction of its own, so two workers sweeping at once
/// never mark (or announce) one invoice twice.
pub async fn sweep(pool: &PgPool, render: &dyn Render, now: DateTime<Utc>) -> sqlx::Result<usize> {
    let mut marked = 0;
    while marked < PER_SWEEP {
        let mut tx = pool.begin().await?;
        let due: Option<(i64, i64, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, business_id, overdue_at FROM invoices
             WHERE status IN ('sent', 'viewed', 'partial') AND discarded_at IS NULL
               AND due_at < $1 AND balance_cents > 0
             ORDER BY due_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, business_id, overdue_at)) = due else {
            break;
        };
        sqlx::query(
            "UPDATE invoices SET status = 'overdue', overdue_at = coalesce(overdue_at, $2),
                 updated_at = $2
             WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let event = if overdue_at.is_none() {
            "invoice.overdue"
        } else {
            "invoice.updated"
        };
        events::emit(
            &mut tx,
            render,
            Resource::Invoice,
            business_id,
            id,
            event,
            now,
        )
        .await?;
        tx.commit().await?;
        marked += 1;
    }
    Ok(marked)
}
