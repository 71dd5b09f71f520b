//! An invoice's paid amount and status recomputed from its payments (what each live
//! payment brought in, less what was refunded of it), its credit notes and the customer
//! credit applied to it, and the events that announces. Every payment, refund and credit
//! write calls it with the invoice row locked.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::events::{EventType, Outcome};
use crate::billing::status::InvoiceStatus;

/// What settling changed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Settlement {
    pub status_before: InvoiceStatus,
    pub status_after: InvoiceStatus,
    /// What was settled on it: paid (payments less refunds) plus customer credit applied
    /// (before: as stored when settling began, so a write that applied credit first
    /// announces it itself).
    pub paid_before: i64,
    pub paid_after: i64,
    /// What went to the customer's credit balance from this invoice now: the change in
    /// what was settled on it beyond its total less its credit notes (`overpaid_cents`;
    /// negative: what came back from the balance, a refund paying it out).
    pub credit_moved: i64,
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
/// (each one's amount less its refunds), its credit notes (`credited_cents`) and the
/// customer credit applied to it (`credit_applied_cents`), and moves to or from the
/// customer's credit balance what is settled on it beyond what it still asks
/// (total − credited): a credit note on a paid invoice becomes customer credit, a refund
/// of such an invoice's payment pays that credit out.
///
/// The caller holds the invoice row lock; the customer's credit row is locked after it
/// (the order every credit write takes). Partial and paid follow from the amounts (an
/// invoice credited in full is paid: nothing is left to pay, Stripe's rule); an invoice
/// whose payments are all removed goes back to sent. Spending customer credit that
/// another invoice already used breaks `customer_credits_not_negative`, a 422.
pub async fn settle(
    conn: &mut PgConnection,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Settlement> {
    sqlx::query_as(
        "WITH p AS (
             SELECT coalesce(sum(amount_cents - refunded_cents), 0)::bigint AS paid,
                    max(paid_at) AS last_paid_at
             FROM payments WHERE invoice_id = $1 AND discarded_at IS NULL
         ), old AS (
             SELECT status, paid_cents + credit_applied_cents AS settled,
                    overpaid_cents AS over
             FROM invoices WHERE id = $1
         ), s AS (
             SELECT i.id, p.paid, p.last_paid_at, p.paid + i.credit_applied_cents AS settled,
                    i.total_cents - i.credited_cents AS due,
                    (p.paid + i.credit_applied_cents > 0 OR i.credited_cents > 0)
                        AND p.paid + i.credit_applied_cents >= i.total_cents - i.credited_cents
                        AS settled_in_full
             FROM invoices i, p WHERE i.id = $1
         ), upd AS (
             UPDATE invoices i SET
                 paid_cents = s.paid,
                 overpaid_cents = greatest(s.settled - s.due, 0),
                 status = CASE
                     WHEN i.status = 'void' THEN i.status
                     WHEN s.settled_in_full THEN 'paid'
                     WHEN s.settled > 0 THEN 'partial'
                     WHEN i.status IN ('partial', 'paid') THEN 'sent'
                     ELSE i.status END,
                 paid = (i.status <> 'void' AND s.settled_in_full),
                 paid_at = CASE WHEN s.settled_in_full
                                THEN coalesce(s.last_paid_at, i.paid_at, $2) ELSE NULL END,
                 updated_at = CASE WHEN i.paid_cents IS DISTINCT FROM s.paid THEN $2
                                   ELSE i.updated_at END
             FROM s WHERE i.id = s.id
             RETURNING i.business_id, i.customer_id, i.currency, i.status,
                       s.settled, greatest(s.settled - s.due, 0) AS over
         ), credit_up AS (
             INSERT INTO customer_credits AS c
                 (business_id, customer_id, currency, balance_cents, updated_at)
             SELECT upd.business_id, upd.customer_id, upd.currency, upd.over - old.over, $2
             FROM upd, old WHERE upd.over > old.over
             ON CONFLICT (customer_id, currency) DO UPDATE
                 SET balance_cents = c.balance_cents + EXCLUDED.balance_cents,
                     updated_at = EXCLUDED.updated_at
         ), credit_down AS (
             -- Separate from the insert: PostgreSQL checks a row's CHECKs before it
             -- looks for a conflict, so a negative insert would fail even over a row.
             UPDATE customer_credits c
                 SET balance_cents = c.balance_cents - (old.over - upd.over), updated_at = $2
             FROM upd, old
             WHERE upd.over < old.over
               AND c.customer_id = upd.customer_id AND c.currency = upd.currency
         )
         SELECT old.status AS status_before, upd.status AS status_after,
                old.settled AS paid_before, upd.settled AS paid_after,
                upd.over - old.over AS credit_moved
         FROM old, upd",
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
