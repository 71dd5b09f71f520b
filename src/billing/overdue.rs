//! Overdue detection: a sent, viewed or partial invoice past its due date with a balance
//! becomes overdue, recording `invoice.overdue` the first time (in the same transaction).
//! An invoice paid in part after that and still past due goes back to overdue with an
//! `invoice.updated`. Drafts and void invoices never become overdue.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::events::{EventType, Outcome};
use crate::billing::sweeping::{Due, Source};

/// At most this many invoices per sweep; the next sweep takes the rest.
pub const PER_SWEEP: usize = 1_000;

/// What makes an invoice due to be marked, `$1` being now: its statuses are
/// `InvoiceStatus::can_become_overdue` (a literal list, which the partial index
/// `invoices_overdue_candidates_idx` matches, so the range on `due_at` is an index scan).
const DUE_WHERE: &str = "status IN ('sent', 'viewed', 'partial') AND discarded_at IS NULL
           AND due_at < $1 AND balance_cents > 0";

/// The invoices due to be marked, for `billing::sweeping::take`.
pub const DUE: Source = Source {
    name: "overdue",
    sql: "SELECT id, business_id, due_at AS at FROM invoices
         WHERE status IN ('sent', 'viewed', 'partial') AND discarded_at IS NULL
           AND due_at < $1 AND balance_cents > 0",
};

/// Marks `due` overdue in the caller's transaction if it still is due; `None` when it
/// is not (any more), or another worker holds it (`FOR UPDATE SKIP LOCKED`). The sweep
/// in `jobs::sweeps` commits each invoice on its own, so two workers sweeping at once
/// never mark (or announce) one invoice twice.
pub async fn mark(
    tx: &mut PgConnection,
    due: Due,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Outcome>> {
    let sql = format!(
        "SELECT overdue_at FROM invoices
         WHERE id = $2 AND business_id = $3 AND {DUE_WHERE}
         FOR UPDATE SKIP LOCKED"
    );
    let claimed: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(due.id)
        .bind(due.business_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(overdue_at) = claimed else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE invoices SET status = 'overdue', overdue_at = coalesce(overdue_at, $2),
             updated_at = $2
         WHERE id = $1",
    )
    .bind(due.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let event = if overdue_at.is_none() {
        EventType::InvoiceOverdue
    } else {
        EventType::InvoiceUpdated
    };
    Ok(Some(Outcome::of(event, due.business_id, due.id)))
}

#[cfg(test)]
mod tests {
    use super::{DUE, DUE_WHERE};
    use crate::billing::status::InvoiceStatus;

    #[test]
    fn the_query_takes_the_statuses_that_can_become_overdue() {
        let listed: Vec<String> = InvoiceStatus::ALL
            .into_iter()
            .filter(|s| s.can_become_overdue())
            .map(|s| format!("'{s}'"))
            .collect();
        let statuses = format!("status IN ({})", listed.join(", "));
        assert!(DUE_WHERE.contains(&statuses));
        assert!(DUE.sql.contains(&statuses));
        let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squash(DUE.sql).ends_with(&squash(DUE_WHERE)),
            "the sweep's list and its claim ask the same"
        );
    }
}
