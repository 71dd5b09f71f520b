//! Applying a customer's credit balance to an invoice (`POST /invoices/{id}/apply_credit`):
//! the invoice row is locked first, then the customer's credit row of the invoice's
//! currency (the order settling takes too, so the two never wait on each other in a
//! cycle); the amount, at most the credit and the invoice's balance, comes off the
//! credit and onto the invoice's `credit_applied_cents`, recorded with its actor in
//! `credit_applications`, and the invoice is re-settled. Concurrent applications of one
//! customer's credit queue on the credit row and each sees what the last one left; the
//! CHECK `customer_credits_not_negative` is the last line.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use crate::billing::documents::read::{self, Find};
use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::Invoice;
use crate::billing::payments;
use crate::billing::settlement::settle;
use crate::billing::status::InvoiceStatus;
use crate::money::{Currency, cents_to_decimal};

/// Applies `amount` (major units; default: as much as the credit and the balance allow)
/// of the customer's credit to the invoice: `invoice.paid` (credit applied to it, as a
/// payment is).
pub async fn apply_credit(
    tx: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    amount: Option<Decimal>,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice =
        read::find_row::<Invoice>(&mut *tx, business_id, invoice_id, Find::LIVE_FOR_UPDATE)
            .await?
            .ok_or(BillingError::NotFound)?;
    if matches!(invoice.status, InvoiceStatus::Draft | InvoiceStatus::Void) {
        return Err(BillingError::refused(format!(
            "A {} invoice cannot take credit",
            invoice.status
        )));
    }
    let currency = Currency::parse(&invoice.currency)
        .map_err(|_| BillingError::refused("The invoice's currency is unknown"))?;
    let credit: i64 = sqlx::query_scalar(
        "SELECT balance_cents FROM customer_credits
         WHERE customer_id = $1 AND currency = $2 FOR UPDATE",
    )
    .bind(invoice.customer_id)
    .bind(&invoice.currency)
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(0);
    let shown = |cents| format!("{} {}", cents_to_decimal(cents, currency), currency.code());
    let mut errors = FieldErrors::new();
    let cents = match amount {
        Some(amount) => payments::to_cents(amount, currency, &mut errors),
        None => Some(credit.min(invoice.balance_cents)),
    };
    if let Some(cents) = cents {
        if invoice.balance_cents <= 0 {
            errors.add("amount", "the invoice has no balance left to pay");
        } else if credit <= 0 {
            errors.add(
                "amount",
                format!("the customer has no credit in {}", currency.code()),
            );
        } else if cents > credit {
            errors.add(
                "amount",
                format!(
                    "must be less than or equal to the customer's credit balance ({})",
                    shown(credit)
                ),
            );
        } else if cents > invoice.balance_cents {
            errors.add(
                "amount",
                format!(
                    "must be less than or equal to the invoice's balance ({})",
                    shown(invoice.balance_cents)
                ),
            );
        }
    }
    let Some(cents) = cents.filter(|_| errors.is_empty()) else {
        return Err(BillingError::Invalid(errors));
    };
    sqlx::query(
        "WITH spent AS (
             UPDATE customer_credits SET balance_cents = balance_cents - $4, updated_at = $5
             WHERE customer_id = $2 AND currency = $6
         ), applied AS (
             UPDATE invoices SET credit_applied_cents = credit_applied_cents + $4,
                                 updated_at = $5
             WHERE id = $3
         )
         INSERT INTO credit_applications (business_id, customer_id, invoice_id, amount_cents,
                                          currency, created_at)
         VALUES ($1, $2, $3, $4, $6, $5)",
    )
    .bind(business_id)
    .bind(invoice.customer_id)
    .bind(invoice.id)
    .bind(cents)
    .bind(now)
    .bind(&invoice.currency)
    .execute(&mut *tx)
    .await?;
    settle(&mut *tx, invoice.id, now).await?;
    Ok(Outcome::of(EventType::InvoicePaid, business_id, invoice.id))
}
