//! Overdue detection: a sent, viewed or partial invoice past its due date with a balance
//! becomes overdue, recording `invoice.overdue` the first time (in the same transaction).
//! An invoice paid in part after that and still past due goes back to overdue with an
//! `invoice.updated`. Drafts and void invoices never become overdue.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::events::{EventType, Outcome};

/// At most this many invoices per sweep; the next sweep takes the rest.
pub const PER_SWEEP: usize = 1_000;

/// The next invoice to mark: its statuses are `InvoiceStatus::can_become_overdue` (a
/// literal list, which the partial index `invoices_overdue_candidates_idx` matches).
const NEXT_DUE: &str = "SELECT id, business_id, overdue_at FROM invoices
         WHERE status IN ('sent', 'viewed', 'partial') AND discarded_at IS NULL
           AND due_at < $1 AND balance_cents > 0
         ORDER BY due_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED";

/// Marks the next due invoice in the caller's transaction; `None` when none is due.
/// Each is claimed with `FOR UPDATE SKIP LOCKED`, one per transaction (the sweep in
/// `jobs::sweeps` commits each), so two workers sweeping at once never mark (or
/// announce) one invoice twice.
pub async fn mark_next(tx: &mut PgConnection, now: DateTime<Utc>) -> sqlx::Result<Option<Outcome>> {
    let due: Option<(i64, i64, Option<DateTime<Utc>>)> = sqlx::query_as(NEXT_DUE)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((id, business_id, overdue_at)) = due else {
        return Ok(None);
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
        EventType::InvoiceOverdue
    } else {
        EventType::InvoiceUpdated
    };
    Ok(Some(Outcome::of(event, business_id, id)))
}

#[cfg(test)]
mod tests {
    use super::NEXT_DUE;
    use crate::billing::status::InvoiceStatus;

    #[test]
    fn the_query_takes_the_statuses_that_can_become_overdue() {
        let listed: Vec<String> = InvoiceStatus::ALL
            .into_iter()
            .filter(|s| s.can_become_overdue())
            .map(|s| format!("'{s}'"))
            .collect();
        assert!(NEXT_DUE.contains(&format!("status IN ({})", listed.join(", "))));
    }
}
