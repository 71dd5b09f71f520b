//! Refunds: money given back on a payment, all of what is left of it or a part.
//!
//! A refund locks the payment, then its invoice (the order every payment write takes,
//! `billing::payments`), checks the amount against what is left of the payment
//! (`amount_cents - refunded_cents`, read under the lock), records the refund, adds it to
//! the payment's `refunded_cents` and re-settles the invoice (`billing::settlement`: its
//! paid amount counts each payment less its refunds, so paid → partial → sent follow,
//! and the overdue sweep picks up a reopened invoice past its due date). Concurrent
//! refunds of one payment queue on its row lock and each sees the last one's total; the
//! CHECK `payments_refunded_within_amount` is the last line.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices;
use crate::billing::payments::{self, Payment};
use crate::billing::settlement::resettle;
use crate::money::{Currency, cents_to_decimal};
use crate::paging::{self, Page, PageRequest, Sort};

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 3] = [
    ("refunded_at", "r.refunded_at"),
    ("amount", "r.amount_cents"),
    ("created_at", "r.created_at"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Refund {
    pub id: i64,
    pub business_id: i64,
    pub payment_id: i64,
    pub amount_cents: i64,
    pub currency: String,
    pub refunded_at: DateTime<Utc>,
    pub payment_method: String,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT r.id, r.business_id, r.payment_id, r.amount_cents, r.currency,
        r.refunded_at, r.payment_method, r.reference, r.created_at, r.updated_at
    FROM payment_refunds r";

/// What a refund request gives; `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct NewRefund {
    /// Major units of the payment's currency; default: all that is left of the payment.
    pub amount: Option<Decimal>,
    /// Default: the payment's.
    pub payment_method: Option<String>,
    pub reference: Option<String>,
    /// Default: now.
    pub refunded_at: Option<DateTime<Utc>>,
}

/// Refunds a live payment of the business (`payment.refunded`, then what re-settling its
/// invoice changed). The payment row is locked first, then its invoice.
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    payment_id: i64,
    new: &NewRefund,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let payment = payments::lock(&mut *tx, business_id, payment_id)
        .await?
        .ok_or(BillingError::NotFound)?;
    if let Some(invoice_id) = payment.invoice_id {
        invoices::lock(&mut *tx, business_id, invoice_id).await?;
    }
    let mut errors = FieldErrors::new();
    let amount_cents = amount_of(&payment, new.amount, &mut errors);
    let refunded_at = new.refunded_at.unwrap_or(now);
    if refunded_at < payment.paid_at {
        errors.add("refunded_at", "must not be before the payment's paid_at");
    }
    let Some(amount_cents) = amount_cents.filter(|_| errors.is_empty()) else {
        return Err(BillingError::Invalid(errors));
    };
    let id: i64 = sqlx::query_scalar(
        "WITH paid AS (
             UPDATE payments SET refunded_cents = refunded_cents + $3, updated_at = $7
             WHERE id = $2
         )
         INSERT INTO payment_refunds (business_id, payment_id, amount_cents, currency,
             refunded_at, payment_method, reference, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $7)
         RETURNING id",
    )
    .bind(business_id)
    .bind(payment.id)
    .bind(amount_cents)
    .bind(&payment.currency)
    .bind(refunded_at)
    .bind(
        new.payment_method
            .as_deref()
            .unwrap_or(&payment.payment_method),
    )
    .bind(now)
    .bind(&new.reference)
    .fetch_one(&mut *tx)
    .await?;
    let mut outcome = Outcome::of(EventType::PaymentRefunded, business_id, id);
    if let Some(invoice_id) = payment.invoice_id {
        outcome = outcome.and(resettle(&mut *tx, business_id, invoice_id, now).await?);
    }
    Ok(outcome)
}

/// The refund's amount in minor units: the one asked for, at most what is left of the
/// payment, or all that is left.
fn amount_of(payment: &Payment, asked: Option<Decimal>, errors: &mut FieldErrors) -> Option<i64> {
    let Ok(currency) = Currency::parse(&payment.currency) else {
        errors.add("amount", "the payment's currency is unknown");
        return None;
    };
    let left = payment.amount_cents - payment.refunded_cents;
    if left <= 0 {
        errors.add("amount", "the payment is already refunded in full");
        return None;
    }
    let Some(asked) = asked else {
        return Some(left);
    };
    let cents = payments::to_cents(asked, currency, errors)?;
    if cents > left {
        let shown = cents_to_decimal(left, currency);
        errors.add(
            "amount",
            format!(
                "must be less than or equal to what is left of the payment ({shown} {})",
                currency.code()
            ),
        );
        return None;
    }
    Some(cents)
}

/// One refund of the business, whatever its payment's state.
pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<Refund>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE r.id = ")
        .push_bind(id)
        .push(" AND r.business_id = ")
        .push_bind(business_id);
    qb.build_query_as().fetch_optional(executor).await
}

/// One page of a payment's refunds and their count: two queries whatever the page size.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    payment_id: i64,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<Refund>> {
    let push_where = move |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE r.business_id = ")
            .push_bind(business_id)
            .push(" AND r.payment_id = ")
            .push_bind(payment_id);
    };
    paging::fetch(
        pool,
        "SELECT count(*) FROM payment_refunds r",
        SELECT,
        push_where,
        sort,
        "r.id",
        page,
    )
    .await
}
