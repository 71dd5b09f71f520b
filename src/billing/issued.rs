//! An issued invoice's PATCH: what it may still change (due date, payment term, notes)
//! and the 422 naming each locked field a request would change (`documents::locked`).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::documents::INVOICE;
use crate::billing::documents::content::Current;
use crate::billing::documents::locked::Locked;
use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::{self, Changes, Invoice};
use crate::billing::reminders;

/// Why an issued invoice refuses a change to its number, customer, currency, issue date,
/// buyer reference, purchase order, lines, taxes or discount (each field named beside it).
pub const ISSUED_RULE: &str = "issued invoices cannot change; issue a credit note";

/// A PATCH of an issued invoice (`InvoiceStatus::content_locked`): a field of what it
/// charges or whom it bills, sent with another value than it has, is refused by name
/// (`ISSUED_RULE`); the same value is accepted. Only the due date, the payment term and
/// the notes change; nothing is repriced, so its amounts stay exactly as issued.
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    invoice: &Invoice,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let mut locked = Locked::new();
    locked.check("number", changes.number.as_ref(), &invoice.number);
    locked.check(
        "customer_id",
        changes.customer_id.as_ref(),
        &invoice.customer_id,
    );
    let currency = changes.currency.map(|c| c.code().to_string());
    locked.check("currency", currency.as_ref(), &invoice.currency);
    locked.check_time("issued_at", changes.issued_at, invoice.issued_at);
    locked.check(
        "buyer_reference",
        changes.buyer_reference.as_ref(),
        &invoice.buyer_reference,
    );
    locked.check(
        "purchase_order",
        changes.purchase_order.as_ref(),
        &invoice.purchase_order,
    );
    if changes.content.touches_amounts() {
        let (discount_type, discount_value) =
            (invoice.discount_type.clone(), invoice.discount_value);
        let current =
            Current::load(&mut *tx, INVOICE, invoice.id, discount_type, discount_value).await?;
        locked.check_content(INVOICE, &current, &changes.content);
    }
    locked.into_result(ISSUED_RULE)?;
    let due_at = changes.due_at.unwrap_or(invoice.due_at);
    let mut errors = FieldErrors::new();
    invoices::check_term_and_dates(
        &mut *tx,
        business_id,
        changes,
        invoice.issued_at,
        due_at,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() {
        return Err(BillingError::Invalid(errors));
    }
    sqlx::query(
        "UPDATE invoices SET due_at = $2, payment_term_id = $3, notes = $4, updated_at = $5
         WHERE id = $1",
    )
    .bind(invoice.id)
    .bind(due_at)
    .bind(changes.payment_term_id.unwrap_or(invoice.payment_term_id))
    .bind(changes.notes.clone().unwrap_or(invoice.notes.clone()))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if due_at != invoice.due_at {
        reminders::reschedule(&mut *tx, business_id, invoice.id, due_at, now).await?;
    }
    Ok(Outcome::of(
        EventType::InvoiceUpdated,
        business_id,
        invoice.id,
    ))
}
