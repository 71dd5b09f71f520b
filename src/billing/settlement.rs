//! An invoice's paid amount and status recomputed from its payments (what each live
//! payment brought in, less what was refunded of it), and the events that announces.
//! Every payment and refund write calls it with the invoice row locked.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::events::{EventType, Outcome};
use crate::billing::status::InvoiceStatus;

/// What settling changed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Settlement {
    pub status_before: InvoiceStatus,
    pub status_after: InvoiceStatus,
    pub paid_before: i64,
    pub paid_after: i64,
}

impl Settlement {
    pub fn became_paid(&self) -> bool {
        self.status_after == InvoiceStatus::Paid && self.status_before != InvoiceStatus::Paid
    }

    /// More was paid on the invoice than before (a payment made, or raised).
    pub fn applied(&self) -> bool {
        self.paid_after > self.paid_before
    }

    pub fn changed(&self) -> bool {
        self.status_before != self.status_after || self.paid_before != self.paid_after
    }
}

/// Recomputes an invoice's paid amount, `paid` flag and status from its live payments
/// (each one's amount less its refunds).
/// The caller holds the invoice row lock. Partial and paid follow from the amounts; an
/// invoice whose payments are all removed goes back to sent.
pub async fn settle(
    conn: &mut PgConnection,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Settlement> {
    sqlx::query_as(
        "WITH p AS (
             SELECT coalesce(sum(amount_cents - refunded_cents), 0)::bigint AS paid, max(paid_at) AS last_paid_at
             FROM payments WHERE invoice_id = $1 AND discarded_at IS NULL
         ), old AS (
             SELECT status, paid_cents FROM invoices WHERE id = $1
         )
         UPDATE invoices i SET
             paid_cents = p.paid,
             status = CASE
                 WHEN i.status = 'void' THEN i.status
                 WHEN p.paid > 0 AND p.paid >= i.total_cents THEN 'paid'
                 WHEN p.paid > 0 THEN 'partial'
                 WHEN i.status IN ('partial', 'paid') THEN 'sent'
                 ELSE i.status END,
             paid = (i.status <> 'void' AND p.paid > 0 AND p.paid >= i.total_cents),
             paid_at = CASE WHEN p.paid > 0 AND p.paid >= i.total_cents
                            THEN coalesce(p.last_paid_at, $2) ELSE NULL END,
             updated_at = CASE WHEN i.paid_cents IS DISTINCT FROM p.paid THEN $2
                               ELSE i.updated_at END
         FROM p, old WHERE i.id = $1
         RETURNING old.status AS status_before, i.status AS status_after,
                   old.paid_cents AS paid_before, i.paid_cents AS paid_after",
    )
    .bind(invoice_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Settles a locked invoice and answers what that changed: `invoice.paid` when money
/// was applied to it (Koteshen's meaning: a new payment, full or partial; the invoice's
/// `status` says which), else `invoice.updated` when its paid amount went down or its
/// status moved.
pub async fn resettle(
    conn: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let settlement = settle(&mut *conn, invoice_id, now).await?;
    let mut outcome = Outcome::none();
    if settlement.applied() {
        outcome.push(EventType::InvoicePaid, business_id, invoice_id);
    } else if settlement.changed() {
        outcome.push(EventType::InvoiceUpdated, business_id, invoice_id);
    }
    Ok(outcome)
}
