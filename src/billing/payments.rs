//! Payments and their effect on an invoice's balance and status.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub business_id: i64,
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub amount_cents: i64,
    pub currency: String,
    pub paid_at: DateTime<Utc>,
    pub payment_method: String,
    pub reference: Option<String>,
    pub notes: Option<String>,
}

/// Inserts a payment; answers its id. The caller settles the invoice in the same
/// transaction.
pub async fn record(
    conn: &mut PgConnection,
    p: &NewPayment,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO payments (business_id, invoice_id, customer_id, amount_cents, currency,
             paid_at, payment_method, reference, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         RETURNING id",
    )
    .bind(p.business_id)
    .bind(p.invoice_id)
    .bind(p.customer_id)
    .bind(p.amount_cents)
    .bind(&p.currency)
    .bind(p.paid_at)
    .bind(&p.payment_method)
    .bind(&p.reference)
    .bind(&p.notes)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Recomputes an invoice's paid amount, `paid` flag and status from its live payments.
/// The caller holds the invoice row lock. Partial and paid follow from the amounts; an
/// invoice whose payments are all removed goes back to sent.
pub async fn settle(
    conn: &mut PgConnection,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH p AS (
             SELECT coalesce(sum(amount_cents), 0)::bigint AS paid, max(paid_at) AS last_paid_at
             FROM payments WHERE invoice_id = $1 AND discarded_at IS NULL
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
         FROM p WHERE i.id = $1",
    )
    .bind(invoice_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
