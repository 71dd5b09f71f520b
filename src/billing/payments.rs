//! Payments and their effect on an invoice's balance and status.
//!
//! A payment is standalone or linked to an invoice. Every change to a linked payment
//! (receiving, changing, deleting, and `mark_as_paid`) runs with the invoice row locked
//! (`invoices::lock`, `SELECT … FOR UPDATE`) and re-settles the invoice in the same
//! transaction, so concurrent payments are applied one after the other against the
//! balance each one sees, and can never over-apply. Each change records its events.
//! The lock order is the payment, then its invoice(s) (refunds take the same order).
//! What a payment counts for on its invoice is its amount less its refunds
//! (`billing::refunds`): an update may not lower the amount below what was refunded, nor
//! change the currency of a payment with refunds; a delete takes its refunds with it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::documents::content;
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::{self, Invoice};
use crate::billing::search::Conditions;
pub use crate::billing::settlement::{Settlement, resettle, settle};
use crate::money::{Currency, cents_to_decimal, decimal_to_cents};
use crate::paging::{self, Page, PageRequest, Sort};

pub const METHODS: [&str; 5] = ["cash", "bank_transfer", "card", "check", "other"];

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 3] = [
    ("paid_at", "p.paid_at"),
    ("amount", "p.amount_cents"),
    ("created_at", "p.created_at"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub business_id: i64,
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub amount_cents: i64,
    /// What was refunded of it (`billing::refunds`), at most `amount_cents`.
    pub refunded_cents: i64,
    pub currency: String,
    pub paid_at: DateTime<Utc>,
    pub payment_method: String,
    pub reference: Option<String>,
    pub notes: Option<String>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT p.id, p.business_id, p.invoice_id, p.customer_id, p.amount_cents,
        p.refunded_cents, p.currency, p.paid_at, p.payment_method, p.reference, p.notes,
        p.discarded_at, p.created_at, p.updated_at
    FROM payments p";

/// Filters of the list; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub payment_method: Option<String>,
    pub paid_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub paid_before: Option<DateTime<Utc>>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::PAYMENTS`).
    pub conditions: Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE p.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND p.discarded_at IS NULL");
    }
    if let Some(invoice_id) = f.invoice_id {
        qb.push(" AND p.invoice_id = ").push_bind(invoice_id);
    }
    if let Some(customer_id) = f.customer_id {
        qb.push(" AND p.customer_id = ").push_bind(customer_id);
    }
    if let Some(method) = &f.payment_method {
        qb.push(" AND p.payment_method = ")
            .push_bind(method.clone());
    }
    if let Some(from) = f.paid_from {
        qb.push(" AND p.paid_at >= ").push_bind(from);
    }
    if let Some(before) = f.paid_before {
        qb.push(" AND p.paid_at < ").push_bind(before);
    }
    f.conditions.push(qb);
}

/// One page and the total count: two queries whatever the page size.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    filter: &Filter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<Payment>> {
    paging::fetch(
        pool,
        "SELECT count(*) FROM payments p",
        SELECT,
        |qb| push_where(qb, business_id, filter),
        sort,
        "p.id",
        page,
    )
    .await
}

pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<Payment>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE p.id = ")
        .push_bind(id)
        .push(" AND p.business_id = ")
        .push_bind(business_id);
    if !include_deleted {
        qb.push(" AND p.discarded_at IS NULL");
    }
    qb.build_query_as().fetch_optional(executor).await
}

/// A live payment, locked for the rest of the transaction (before its invoice).
pub(crate) async fn lock(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<Payment>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE p.id = ")
        .push_bind(id)
        .push(" AND p.business_id = ")
        .push_bind(business_id)
        .push(" AND p.discarded_at IS NULL FOR UPDATE");
    qb.build_query_as().fetch_optional(conn).await
}

/// What a create or update request gives: `None` keeps (on create: defaults),
/// `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub invoice_id: Option<Option<i64>>,
    pub customer_id: Option<Option<i64>>,
    /// Major units; converted with the payment's currency.
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub paid_at: Option<DateTime<Utc>>,
    pub payment_method: Option<String>,
    pub reference: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

/// A payment ready to insert, every field resolved.
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

/// Where a create names its invoice: in the body (`invoice_id`: a missing one is a field
/// error) or in the path (`/invoices/{id}/payments`: a missing one is a 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceFrom {
    Body,
    Path,
}

/// Creates a payment from a request (`payment.received`, then what settling its invoice
/// changed).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    changes: &Changes,
    from: InvoiceFrom,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let mut errors = FieldErrors::new();
    let invoice = match changes.invoice_id.flatten() {
        Some(invoice_id) => {
            let invoice = invoices::lock(&mut *tx, business_id, invoice_id).await?;
            if from == InvoiceFrom::Path
                && invoice.as_ref().is_none_or(|i| i.discarded_at.is_some())
            {
                return Err(BillingError::NotFound);
            }
            if invoice.is_none() {
                errors.add("invoice_id", "does not exist");
            }
            invoice
        }
        None => None,
    };
    let currency = match (changes.currency, &invoice) {
        (Some(c), _) => Some(c),
        (None, Some(i)) => Currency::parse(&i.currency).ok(),
        (None, None) => {
            if changes.invoice_id.flatten().is_none() {
                errors.add(
                    "currency",
                    "can't be blank (a payment without an invoice needs one)",
                );
            }
            None
        }
    };
    let amount_cents = match (changes.amount, currency) {
        (Some(amount), Some(currency)) => to_cents(amount, currency, &mut errors),
        (None, _) => {
            errors.add("amount", "can't be blank");
            None
        }
        _ => None,
    };
    let customer_id = resolve_customer(
        &mut *tx,
        business_id,
        invoice.as_ref(),
        changes.customer_id.flatten(),
        &mut errors,
    )
    .await?;
    let (Some(currency), Some(amount_cents)) = (currency, amount_cents) else {
        return Err(BillingError::Invalid(errors));
    };
    let new = NewPayment {
        business_id,
        invoice_id: invoice.as_ref().map(|i| i.id),
        customer_id,
        amount_cents,
        currency: currency.code().to_string(),
        paid_at: changes.paid_at.unwrap_or(now),
        payment_method: changes
            .payment_method
            .clone()
            .unwrap_or_else(|| "other".into()),
        reference: changes.reference.clone().flatten(),
        notes: changes.notes.clone().flatten(),
    };
    let (_, outcome) = receive(&mut *tx, invoice.as_ref(), &new, errors, now).await?;
    Ok(outcome)
}

/// The one path by which a payment reaches the books (answering its id and what it
/// changed, `payment.received` first), shared by `create` and
/// `invoices::mark_as_paid`: checks it against its invoice (which the caller has locked
/// with `invoices::lock`), inserts it, settles the invoice and records the events.
/// `errors` are those the caller already found; all are answered together.
pub async fn receive(
    conn: &mut PgConnection,
    invoice: Option<&Invoice>,
    new: &NewPayment,
    mut errors: FieldErrors,
    now: DateTime<Utc>,
) -> Result<(i64, Outcome), BillingError> {
    check_against(invoice, &new.currency, new.amount_cents, 0, 0, &mut errors);
    if !errors.is_empty() {
        return Err(BillingError::Invalid(errors));
    }
    let id = record(&mut *conn, new, now).await?;
    let mut outcome = Outcome::of(EventType::PaymentReceived, new.business_id, id);
    if let Some(invoice) = invoice {
        outcome = outcome.and(resettle(conn, new.business_id, invoice.id, now).await?);
    }
    Ok((id, outcome))
}

/// Applies a PATCH. Moving a payment to another invoice, or changing its amount,
/// re-settles every invoice involved, each locked (in id order, so two such changes
/// cannot deadlock).
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let old = lock(&mut *tx, business_id, id)
        .await?
        .ok_or(BillingError::NotFound)?;
    let new_invoice_id = changes.invoice_id.unwrap_or(old.invoice_id);
    let locked = lock_invoices(&mut *tx, business_id, old.invoice_id, new_invoice_id).await?;
    let invoice = new_invoice_id.and_then(|iid| locked.iter().find(|i| i.id == iid));

    let mut errors = FieldErrors::new();
    if new_invoice_id.is_some() && invoice.is_none() {
        errors.add("invoice_id", "does not exist");
    }
    let currency = match changes.currency {
        Some(c) => Some(c),
        None => Currency::parse(&old.currency).ok(),
    };
    let currency_changed = currency.is_some_and(|c| c.code() != old.currency);
    let amount_cents = match (changes.amount, currency) {
        (Some(amount), Some(currency)) => to_cents(amount, currency, &mut errors),
        (None, _) if currency_changed => {
            errors.add("amount", "must be given when the currency changes");
            None
        }
        (None, _) => Some(old.amount_cents),
        (Some(_), None) => None,
    };
    let customer_id = match (invoice, changes.customer_id) {
        (Some(_), given) => {
            resolve_customer(&mut *tx, business_id, invoice, given.flatten(), &mut errors).await?
        }
        (None, Some(given)) => {
            resolve_customer(&mut *tx, business_id, None, given, &mut errors).await?
        }
        (None, None) => old.customer_id,
    };
    let (Some(currency), Some(amount_cents)) = (currency, amount_cents) else {
        return Err(BillingError::Invalid(errors));
    };
    check_refunds(&old, currency, amount_cents, &mut errors);
    // The payment's own net amount is in its invoice's paid amount until it moves away.
    let credit = if new_invoice_id == old.invoice_id {
        old.amount_cents - old.refunded_cents
    } else {
        0
    };
    let refunded = old.refunded_cents;
    check_against(
        invoice,
        currency.code(),
        amount_cents,
        refunded,
        credit,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(BillingError::Invalid(errors));
    }
    sqlx::query(
        "UPDATE payments SET invoice_id = $2, customer_id = $3, amount_cents = $4,
             currency = $5, paid_at = $6, payment_method = $7, reference = $8, notes = $9,
             updated_at = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(new_invoice_id)
    .bind(customer_id)
    .bind(amount_cents)
    .bind(currency.code())
    .bind(changes.paid_at.unwrap_or(old.paid_at))
    .bind(changes.payment_method.clone().unwrap_or(old.payment_method))
    .bind(changes.reference.clone().unwrap_or(old.reference))
    .bind(changes.notes.clone().unwrap_or(old.notes))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut outcome = Outcome::of(EventType::PaymentUpdated, business_id, id);
    for invoice in &locked {
        outcome = outcome.and(resettle(&mut *tx, business_id, invoice.id, now).await?);
    }
    Ok(outcome)
}

/// Locks the invoice a payment leaves and the one it joins, in id order (so two moves
/// cannot deadlock); answers those that exist.
async fn lock_invoices(
    conn: &mut PgConnection,
    business_id: i64,
    from: Option<i64>,
    to: Option<i64>,
) -> sqlx::Result<Vec<Invoice>> {
    let mut invoice_ids: Vec<i64> = from.into_iter().chain(to).collect();
    invoice_ids.sort_unstable();
    invoice_ids.dedup();
    let mut locked = Vec::with_capacity(invoice_ids.len());
    for invoice_id in &invoice_ids {
        if let Some(invoice) = invoices::lock(&mut *conn, business_id, *invoice_id).await? {
            locked.push(invoice);
        }
    }
    Ok(locked)
}

/// A payment with refunds keeps its currency and at least the amount refunded.
fn check_refunds(old: &Payment, currency: Currency, amount_cents: i64, errors: &mut FieldErrors) {
    if old.refunded_cents == 0 {
        return;
    }
    if currency.code() != old.currency {
        errors.add("currency", "cannot change once the payment has refunds");
    } else if amount_cents < old.refunded_cents {
        let shown = cents_to_decimal(old.refunded_cents, currency);
        errors.add(
            "amount",
            format!(
                "must be at least what was refunded ({shown} {})",
                currency.code()
            ),
        );
    }
}

/// Soft delete; the invoice it paid is re-settled (back to partial, or to sent when no
/// payment remains). Its refunds go with it: a deleted payment counts for nothing.
pub async fn discard(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let payment = lock(&mut *tx, business_id, id)
        .await?
        .ok_or(BillingError::NotFound)?;
    if let Some(invoice_id) = payment.invoice_id {
        invoices::lock(&mut *tx, business_id, invoice_id).await?;
    }
    sqlx::query("UPDATE payments SET discarded_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let mut outcome = Outcome::of(EventType::PaymentDeleted, business_id, id);
    if let Some(invoice_id) = payment.invoice_id {
        outcome = outcome.and(resettle(&mut *tx, business_id, invoice_id, now).await?);
    }
    Ok(outcome)
}

/// An amount in major units as minor units of `currency`: positive, with no more
/// decimals than the currency has.
pub(crate) fn to_cents(
    amount: Decimal,
    currency: Currency,
    errors: &mut FieldErrors,
) -> Option<i64> {
    if amount <= Decimal::ZERO {
        errors.add("amount", "must be greater than 0");
        return None;
    }
    if amount.normalize().scale() > currency.exponent() {
        errors.add(
            "amount",
            format!(
                "must have at most {} decimal places in {}",
                currency.exponent(),
                currency.code()
            ),
        );
        return None;
    }
    match decimal_to_cents(amount, currency) {
        Ok(cents) => Some(cents),
        Err(err) => {
            errors.add("amount", err.to_string());
            None
        }
    }
}

/// The payment's customer: the invoice's when linked (naming another is an error), else
/// the one given, which must be a live customer of the business.
async fn resolve_customer(
    conn: &mut PgConnection,
    business_id: i64,
    invoice: Option<&Invoice>,
    given: Option<i64>,
    errors: &mut FieldErrors,
) -> sqlx::Result<Option<i64>> {
    match (invoice, given) {
        (Some(invoice), Some(given)) if given != invoice.customer_id => {
            errors.add("customer_id", "must be the invoice's customer");
            Ok(None)
        }
        (Some(invoice), _) => Ok(Some(invoice.customer_id)),
        (None, Some(given)) => {
            content::check_customer(conn, business_id, given, errors).await?;
            Ok(Some(given))
        }
        (None, None) => Ok(None),
    }
}

/// The rules a linked payment must meet: a live, non-void invoice of the same currency,
/// and no more than its balance (plus `credit`, what this payment already counts for)
/// for its amount less `refunded`.
fn check_against(
    invoice: Option<&Invoice>,
    currency: &str,
    amount_cents: i64,
    refunded: i64,
    credit: i64,
    errors: &mut FieldErrors,
) {
    if amount_cents <= 0 {
        errors.add("amount", "must be greater than 0");
    }
    let Some(invoice) = invoice else {
        return;
    };
    if invoice.discarded_at.is_some() {
        errors.add("invoice_id", "is deleted and cannot take payments");
        return;
    }
    if !invoice.status.can_be_paid() {
        errors.add("invoice_id", "is void and cannot take payments");
        return;
    }
    if currency != invoice.currency {
        errors.add(
            "currency",
            format!("must be the invoice's currency ({})", invoice.currency),
        );
        return;
    }
    let available = invoice.balance_cents.saturating_add(credit);
    if amount_cents.saturating_sub(refunded) > available {
        let shown = Currency::parse(&invoice.currency)
            .map(|c| format!("{} {}", cents_to_decimal(available, c), c.code()))
            .unwrap_or_else(|_| available.to_string());
        errors.add(
            "amount",
            format!("must be less than or equal to the invoice's balance ({shown})"),
        );
    }
}

/// Inserts a payment; answers its id. `receive` is the path callers take: it settles the
/// invoice and records the events.
async fn record(conn: &mut PgConnection, p: &NewPayment, now: DateTime<Utc>) -> sqlx::Result<i64> {
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
