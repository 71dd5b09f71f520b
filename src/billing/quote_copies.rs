//! What a quote is copied into: an invoice (conversion) or a new draft quote.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::documents::content;
use crate::billing::documents::read::{self, Find};
use crate::billing::documents::{INVOICE, QUOTE};
use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};
use crate::billing::numbering;
use crate::billing::quotes::Quote;

/// Turns a quote into a new draft invoice with the same customer, currency, items,
/// taxes (at the rates quoted), discount and notes; the quote becomes invoiced
/// (`invoice.created`, then `quote.converted`).
pub async fn convert(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let quote = read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if !quote.status.can_be_converted() {
        return Err(BillingError::refused(format!(
            "A {} quote cannot be converted",
            quote.status
        )));
    }
    let number = numbering::next_number(&mut *tx, business_id, INVOICE.numbering).await?;
    let invoice_id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at,
             due_at, notes, discount_type, discount_value, subtotal_cents, discount_cents,
             tax_total_cents, total_cents, created_at, updated_at)
         SELECT business_id, customer_id, $2, 'draft', currency, $3, $3, notes,
             discount_type, discount_value, subtotal_cents, discount_cents, tax_total_cents,
             total_cents, $3, $3
         FROM quotes WHERE id = $1
         RETURNING id",
    )
    .bind(id)
    .bind(&number)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    content::copy(&mut *tx, (QUOTE, id), (INVOICE, invoice_id), now).await?;
    sqlx::query(
        "UPDATE quotes SET status = 'invoiced', invoiced_at = $2, invoice_id = $3,
             updated_at = $2
         WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .bind(invoice_id)
    .execute(&mut *tx)
    .await?;
    let mut outcome = Outcome::of(EventType::InvoiceCreated, business_id, invoice_id);
    outcome.push(EventType::QuoteConverted, business_id, id);
    Ok(outcome)
}

/// A new draft copying the quote: new number, issued today, valid for as long as the
/// original was. Answers its id (no event: Koteshen announces no copied quote).
pub async fn duplicate(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<i64, BillingError> {
    let source = read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE)
        .await?
        .ok_or(BillingError::NotFound)?;
    let number = numbering::next_number(&mut *tx, business_id, QUOTE.numbering).await?;
    let expires_at = now + (source.expires_at - source.issued_at);
    let new_id: i64 = sqlx::query_scalar(
        "INSERT INTO quotes (business_id, customer_id, number, status, currency, issued_at,
             expires_at, summary, notes, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, created_at, updated_at)
         SELECT business_id, customer_id, $2, 'draft', currency, $3, $4, summary, notes,
             discount_type, discount_value, subtotal_cents, discount_cents,
             tax_total_cents, total_cents, $3, $3
         FROM quotes WHERE id = $1
         RETURNING id",
    )
    .bind(id)
    .bind(&number)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await?;
    content::copy(&mut *tx, (QUOTE, id), (QUOTE, new_id), now).await?;
    Ok(new_id)
}
