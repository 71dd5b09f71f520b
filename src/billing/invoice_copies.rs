//! Copies of an invoice: `duplicate` (a new draft from an existing invoice) and the copy
//! recurring invoices issue each period (`copy_as_draft`). The copy's lines and taxes
//! come through `documents::content::copy`, its number from the invoice series.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::documents::INVOICE;
use crate::billing::documents::content;
use crate::billing::documents::read::{self, Find};
use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::Invoice;
use crate::billing::numbering;

/// A new draft copying the invoice (`invoice.created`): new number, today's dates (the
/// due date keeps its distance from the issue date), same customer, items, taxes,
/// discount, notes, term and the buyer's references (BT-10 routes to the same buyer; a
/// standing purchase order covers every period of a recurring invoice).
pub async fn duplicate(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let new_id = copy_as_draft(&mut *tx, business_id, id, now, now).await?;
    Ok(Outcome::of(EventType::InvoiceCreated, business_id, new_id))
}

/// The copy `duplicate` makes, on the caller's transaction and issued at `issued_at`
/// (recurring invoices issue each copy at its period's date); answers the new id, whose
/// `invoice.created` the caller announces.
pub async fn copy_as_draft(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
    issued_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, BillingError> {
    let source = read::find_row::<Invoice>(&mut *conn, business_id, id, Find::LIVE)
        .await?
        .ok_or(BillingError::NotFound)?;
    let number = numbering::next_number(&mut *conn, business_id, INVOICE.numbering).await?;
    let due_at = issued_at + (source.due_at - source.issued_at);
    let new_id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at,
             due_at, payment_term_id, notes, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, buyer_reference, purchase_order,
             created_at, updated_at)
         SELECT business_id, customer_id, $2, 'draft', currency, $3, $4, payment_term_id,
             notes, discount_type, discount_value, subtotal_cents, discount_cents,
             tax_total_cents, total_cents, buyer_reference, purchase_order, $5, $5
         FROM invoices WHERE id = $1
         RETURNING id",
    )
    .bind(id)
    .bind(&number)
    .bind(issued_at)
    .bind(due_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    content::copy(&mut *conn, (INVOICE, id), (INVOICE, new_id), now).await?;
    Ok(new_id)
}
