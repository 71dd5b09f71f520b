//! Invoices: creating and changing them with their items and taxes, the status
//! lifecycle, duplicating, marking paid, deleting. Every query is scoped to a business.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};

use crate::billing::documents::content::{self, ContentChanges};
use crate::billing::documents::read::{self, Deleted, Find, FullRow, ListFilter, Lock};
use crate::billing::documents::{INVOICE, Kind, document_row};
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::events::{EventType, Outcome};
use crate::billing::links::{self, DocKind, LinkKey};
use crate::billing::search::Conditions;
use crate::billing::status::{InvoiceStatus, transition_refused};
use crate::billing::{issued, payment_terms, payments, reminders};

use crate::actor::Actor;
pub use crate::billing::issued::ISSUED_RULE;
use crate::money::Currency;
use crate::paging::{Page, PageRequest, Sort};
use sqlx::types::Json;

pub const STATUSES: [&str; 7] = InvoiceStatus::NAMES;

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 5] = [
    ("issued_at", "i.issued_at"),
    ("due_at", "i.due_at"),
    ("created_at", "i.created_at"),
    ("number", "i.number"),
    ("total", "i.total_cents"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    pub id: i64,
    pub business_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub status: InvoiceStatus,
    pub currency: String,
    pub issued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub payment_term_id: Option<i64>,
    pub notes: Option<String>,
    pub discount_type: Option<String>,
    pub discount_value: Option<Decimal>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_total_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    /// What its credit notes took off (`billing::credit_notes`).
    pub credited_cents: i64,
    /// What was applied to it from the customer's credit balance.
    pub credit_applied_cents: i64,
    /// total − paid − credited − credit applied, never below 0.
    pub balance_cents: i64,
    pub paid: bool,
    pub emailed_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who created, first sent and voided it (stamped by the database, `crate::actor`).
    pub created_by: Option<Json<Actor>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Json<Actor>>,
    pub voided_by: Option<Json<Actor>>,
    /// The buyer's reference (BT-10) and purchase order (BT-13) an e-invoice carries.
    pub buyer_reference: Option<String>,
    pub purchase_order: Option<String>,
    #[sqlx(flatten)]
    pub term: JoinedTerm,
}

/// The payment term, joined (it shows even if deleted since).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JoinedTerm {
    pub term_name: Option<String>,
    pub term_value: Option<i32>,
    pub term_created_at: Option<DateTime<Utc>>,
    pub term_updated_at: Option<DateTime<Utc>>,
}

document_row!(Invoice, INVOICE);

/// Filters of the list; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub paid: Option<bool>,
    pub q: Option<String>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_before: Option<DateTime<Utc>>,
    pub due_from: Option<DateTime<Utc>>,
    pub due_before: Option<DateTime<Utc>>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::INVOICES`).
    pub conditions: Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE i.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND i.discarded_at IS NULL");
    }
    if let Some(status) = &f.status {
        qb.push(" AND i.status = ").push_bind(status.clone());
    }
    if let Some(customer_id) = f.customer_id {
        qb.push(" AND i.customer_id = ").push_bind(customer_id);
    }
    if let Some(paid) = f.paid {
        qb.push(" AND i.paid = ").push_bind(paid);
    }
    if let Some(q) = &f.q {
        let pattern = crate::billing::customers::like_pattern(q);
        qb.push(" AND (i.number ILIKE ")
            .push_bind(pattern.clone())
            .push(
                " OR EXISTS (SELECT 1 FROM customers c WHERE c.id = i.customer_id \
                 AND c.name ILIKE ",
            )
            .push_bind(pattern)
            .push("))");
    }
    for (column, op, value) in [
        ("i.issued_at", ">=", f.issued_from),
        ("i.issued_at", "<", f.issued_before),
        ("i.due_at", ">=", f.due_from),
        ("i.due_at", "<", f.due_before),
    ] {
        if let Some(value) = value {
            qb.push(format!(" AND {column} {op} ")).push_bind(value);
        }
    }
    f.conditions.push(qb);
}

/// Pushes an expression for how many invoices the filter selects. Unfiltered, it is the
/// business's row of `invoice_counts`, kept by triggers in every invoice change's
/// transaction (so as exact as a count, at the cost of one row read instead of the whole
/// table); filtered, a count.
fn push_count(qb: &mut QueryBuilder<Postgres>, business_id: i64, filter: &Filter) {
    let unfiltered = filter.status.is_none()
        && filter.customer_id.is_none()
        && filter.paid.is_none()
        && filter.q.is_none()
        && filter.issued_from.is_none()
        && filter.issued_before.is_none()
        && filter.due_from.is_none()
        && filter.due_before.is_none()
        && filter.conditions.is_empty();
    if unfiltered {
        let column = if filter.include_deleted {
            "total"
        } else {
            "live"
        };
        qb.push(format!(
            "coalesce((SELECT {column} FROM invoice_counts WHERE business_id = "
        ))
        .push_bind(business_id)
        .push("), 0)");
    } else {
        qb.push("(SELECT count(*) FROM invoices i");
        push_where(qb, business_id, filter);
        qb.push(")");
    }
}

impl ListFilter for Filter {
    fn push_where(&self, qb: &mut QueryBuilder<Postgres>, business_id: i64) {
        push_where(qb, business_id, self);
    }

    fn push_total(&self, _: Kind, qb: &mut QueryBuilder<Postgres>, business_id: i64) {
        push_count(qb, business_id, self);
    }
}

/// A page of invoices with everything their answers show, in two queries for any page
/// size (`read::list`).
pub(crate) async fn list(
    pool: &PgPool,
    business_id: i64,
    filter: &Filter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<FullRow<Invoice>>> {
    read::list(pool, business_id, filter, sort, page).await
}

/// Locks an invoice row (deleted ones too) for the rest of the transaction: what every
/// change to its payments and balance does first.
pub async fn lock(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<Invoice>> {
    let find = Find {
        deleted: Deleted::Included,
        lock: Lock::ForUpdate,
    };
    read::find_row(conn, business_id, id, find).await
}

/// Is there a live invoice with this id in the business?
pub async fn exists(pool: &PgPool, business_id: i64, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoices
                        WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL)",
    )
    .bind(id)
    .bind(business_id)
    .fetch_one(pool)
    .await
}

/// What a create or update request gives. `None` keeps (or, on create, defaults);
/// `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub number: Option<String>,
    pub customer_id: Option<i64>,
    pub currency: Option<Currency>,
    pub issued_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub payment_term_id: Option<Option<i64>>,
    pub notes: Option<Option<String>>,
    pub content: ContentChanges,
    pub buyer_reference: Option<Option<String>>,
    pub purchase_order: Option<Option<String>>,
}

/// Creates an invoice with its items and taxes (`invoice.created`).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let mut errors = FieldErrors::new();
    let customer_id = changes.customer_id.unwrap_or_default();
    content::check_customer(&mut *tx, business_id, customer_id, &mut errors).await?;
    let term = match changes.payment_term_id.flatten() {
        Some(id) => {
            let term = payment_terms::find_live(&mut *tx, business_id, id).await?;
            if term.is_none() {
                errors.add("payment_term_id", "does not exist");
            }
            term
        }
        None => None,
    };
    let issued_at = changes.issued_at.unwrap_or(now);
    let due_at = changes.due_at.unwrap_or_else(|| {
        issued_at + Duration::days(term.as_ref().map_or(0, |t| i64::from(t.value)))
    });
    if due_at < issued_at {
        errors.add("due_at", "must not be before issued_at");
    }
    let (prepared, number) = content::prepare_new(
        &mut *tx,
        INVOICE,
        business_id,
        &changes.content,
        changes.currency,
        changes.number.as_deref(),
        errors,
    )
    .await?;
    let query = sqlx::query(
        "INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at,
             due_at, payment_term_id, notes, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, created_at, updated_at,
             buyer_reference, purchase_order)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15,
             $16, $17)
         RETURNING id",
    )
    .bind(business_id)
    .bind(customer_id)
    .bind(&number)
    .bind(prepared.currency.code())
    .bind(issued_at)
    .bind(due_at)
    .bind(term.as_ref().map(|t| t.id))
    .bind(changes.notes.clone().flatten());
    let id: i64 = prepared
        .bind_totals(query)
        .bind(now)
        .bind(changes.buyer_reference.clone().flatten())
        .bind(changes.purchase_order.clone().flatten())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    prepared.save(&mut *tx, INVOICE, id, now).await?;
    Ok(Outcome::of(EventType::InvoiceCreated, business_id, id))
}

/// Applies a PATCH: fields, nested items and taxes; totals recomputed
/// (`invoice.updated`, and `invoice.paid` when the new total is covered).
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice = read::find_row::<Invoice>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if invoice.status.content_locked() {
        return issued::update(tx, business_id, &invoice, changes, now).await;
    }
    let term_id = changes.payment_term_id.unwrap_or(invoice.payment_term_id);
    let issued_at = changes.issued_at.unwrap_or(invoice.issued_at);
    let due_at = changes.due_at.unwrap_or(invoice.due_at);
    let errors = check_changes(&mut *tx, business_id, &invoice, changes, issued_at, due_at).await?;
    let prepared = content::prepare_update(
        &mut *tx,
        business_id,
        &invoice,
        &changes.content,
        changes.currency,
        errors,
    )
    .await?;
    if prepared.repriced.priced.totals.total_cents < invoice.paid_cents {
        return Err(BillingError::field(
            "total",
            "would be less than the amount already paid",
        ));
    }
    let query = sqlx::query(
        "UPDATE invoices SET number = $2, customer_id = $3, currency = $4, issued_at = $5,
             due_at = $6, payment_term_id = $7, notes = $8, discount_type = $9,
             discount_value = $10, subtotal_cents = $11, discount_cents = $12,
             tax_total_cents = $13, total_cents = $14, updated_at = $15,
             buyer_reference = $16, purchase_order = $17
         WHERE id = $1",
    )
    .bind(id)
    .bind(changes.number.clone().unwrap_or(invoice.number.clone()))
    .bind(changes.customer_id.unwrap_or(invoice.customer_id))
    .bind(prepared.currency.code())
    .bind(issued_at)
    .bind(due_at)
    .bind(term_id)
    .bind(changes.notes.clone().unwrap_or(invoice.notes.clone()));
    prepared
        .bind_totals(query)
        .bind(now)
        .bind(
            changes
                .buyer_reference
                .clone()
                .unwrap_or(invoice.buyer_reference.clone()),
        )
        .bind(
            changes
                .purchase_order
                .clone()
                .unwrap_or(invoice.purchase_order.clone()),
        )
        .execute(&mut *tx)
        .await?;
    prepared.save(&mut *tx, INVOICE, id, now).await?;
    if due_at != invoice.due_at {
        reminders::reschedule(&mut *tx, business_id, id, due_at, now).await?;
    }
    let settlement = payments::settle(&mut *tx, id, now).await?;
    let mut outcome = Outcome::of(EventType::InvoiceUpdated, business_id, id);
    if settlement.became_paid() {
        outcome.push(EventType::InvoicePaid, business_id, id);
    }
    Ok(outcome)
}

/// The field errors of a draft's changes other than the content's, which
/// `content::prepare_update` adds to.
async fn check_changes(
    conn: &mut PgConnection,
    business_id: i64,
    invoice: &Invoice,
    changes: &Changes,
    issued_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
) -> Result<FieldErrors, BillingError> {
    let mut errors = FieldErrors::new();
    if let Some(customer_id) = changes.customer_id {
        content::check_customer(&mut *conn, business_id, customer_id, &mut errors).await?;
    }
    if changes
        .currency
        .is_some_and(|c| c.code() != invoice.currency)
        && invoice.paid_cents > 0
    {
        errors.add("currency", "cannot change once payments are recorded");
    }
    check_term_and_dates(conn, business_id, changes, issued_at, due_at, &mut errors).await?;
    Ok(errors)
}

/// A new payment term must exist; the due date may not come before the issue date.
pub(crate) async fn check_term_and_dates(
    conn: &mut PgConnection,
    business_id: i64,
    changes: &Changes,
    issued_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    errors: &mut FieldErrors,
) -> sqlx::Result<()> {
    if let Some(Some(new_term)) = changes.payment_term_id
        && payment_terms::find_live(&mut *conn, business_id, new_term)
            .await?
            .is_none()
    {
        errors.add("payment_term_id", "does not exist");
    }
    if due_at < issued_at {
        errors.add("due_at", "must not be before issued_at");
    }
    Ok(())
}

/// Moves an invoice along its lifecycle (`InvoiceStatus::allowed_transitions`; partial,
/// paid and overdue follow from payments and dates instead). Asking for the status it
/// already has changes nothing.
pub async fn set_status(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice = read::find_row::<Invoice>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    let to = InvoiceStatus::parse(status);
    if to == Some(invoice.status) {
        return Ok(Outcome::none());
    }
    // Before the lifecycle's answer: a partial or paid invoice is told what to do.
    if to == Some(InvoiceStatus::Void) && unsettled_paid_cents(&invoice) > 0 {
        return Err(BillingError::field(
            "status",
            "cannot be void while it has payments; refund them or credit the invoice first",
        ));
    }
    let Some(to) = to.filter(|to| invoice.status.can_become(*to)) else {
        let from = invoice.status;
        return Err(transition_refused(from, status, from.allowed_transitions()));
    };
    sqlx::query(
        "UPDATE invoices SET status = $2, updated_at = $3,
             viewed_at = CASE WHEN $2 = 'viewed' THEN $3 ELSE viewed_at END,
             voided_at = CASE WHEN $2 = 'void' THEN $3 ELSE voided_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(to.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if to == InvoiceStatus::Sent {
        links::ensure(&mut *tx, key, business_id, DocKind::Invoice, id, now).await?;
    }
    Ok(Outcome::of(to.transition_event(), business_id, id))
}

/// What the customer paid on the invoice that is still held against it: its payments
/// less their refunds plus the customer credit applied to it, except what its credit
/// notes turned into customer credit (`billing::settlement`). Voiding waits until this
/// is zero: the payments refunded, or the invoice credited in full.
fn unsettled_paid_cents(invoice: &Invoice) -> i64 {
    let settled = invoice.paid_cents + invoice.credit_applied_cents;
    settled.min(invoice.total_cents - invoice.credited_cents)
}

/// Records a payment for the whole balance, through the same path as any payment
/// (`payments::receive`); an invoice already paid is left as it is.
pub async fn mark_as_paid(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice = read::find_row::<Invoice>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if !invoice.status.can_be_paid() {
        return Err(BillingError::refused("A void invoice cannot be paid"));
    }
    // Koteshen's page: nothing to mark is a refusal, not a silent success.
    if invoice.status == InvoiceStatus::Paid || invoice.balance_cents <= 0 {
        return Err(BillingError::refused(
            "Invoice already paid or balance is zero",
        ));
    }
    let payment = payments::NewPayment {
        business_id,
        invoice_id: Some(id),
        customer_id: Some(invoice.customer_id),
        amount_cents: invoice.balance_cents,
        currency: invoice.currency.clone(),
        paid_at: now,
        payment_method: "other".into(),
        reference: None,
        notes: Some("Marked as paid".into()),
    };
    let (_, outcome) =
        payments::receive(&mut *tx, Some(&invoice), &payment, FieldErrors::new(), now).await?;
    Ok(outcome)
}

/// Soft delete. An invoice with payments cannot be deleted: void it instead.
pub async fn discard(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice = read::find_row::<Invoice>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if invoice.paid_cents > 0 || invoice.credit_applied_cents > 0 {
        return Err(BillingError::refused(
            "An invoice with payments cannot be deleted; void it instead",
        ));
    }
    if invoice.credited_cents > 0 {
        return Err(BillingError::refused(
            "An invoice with credit notes cannot be deleted: it is a legal record",
        ));
    }
    sqlx::query("UPDATE invoices SET discarded_at = $2, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(Outcome::of(EventType::InvoiceDeleted, business_id, id))
}
