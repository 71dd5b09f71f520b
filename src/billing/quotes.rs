//! Quotes (estimates): the same items, taxes and pricing as invoices (billing/documents),
//! their own lifecycle, and conversion into an invoice.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};

use crate::actor::Actor;
use crate::billing::documents::content::{self, ContentChanges, Current};
use crate::billing::documents::locked::Locked;
use crate::billing::documents::read::{self, Find, FullRow, ListFilter};
use crate::billing::documents::{QUOTE, document_row};
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::events::{EventType, Outcome};
use crate::billing::links::{self, DocKind, LinkKey};
use crate::billing::search::Conditions;
use crate::billing::status::{QuoteStatus, transition_refused};
use crate::billing::sweeping::{Due, Source};
use crate::money::Currency;
use crate::paging::{Page, PageRequest, Sort};
use sqlx::types::Json;

pub use crate::billing::quote_copies::{convert, duplicate};

pub const STATUSES: [&str; 7] = QuoteStatus::NAMES;

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 5] = [
    ("issued_at", "q.issued_at"),
    ("expires_at", "q.expires_at"),
    ("created_at", "q.created_at"),
    ("number", "q.number"),
    ("total", "q.total_cents"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Quote {
    pub id: i64,
    pub business_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub status: QuoteStatus,
    pub currency: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub summary: Option<String>,
    pub notes: Option<String>,
    pub discount_type: Option<String>,
    pub discount_value: Option<Decimal>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_total_cents: i64,
    pub total_cents: i64,
    pub emailed_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
    pub invoiced_at: Option<DateTime<Utc>>,
    pub invoice_id: Option<i64>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who created and first sent it (stamped by the database, `crate::actor`).
    pub created_by: Option<Json<Actor>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Json<Actor>>,
}

document_row!(Quote, QUOTE);

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub q: Option<String>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_before: Option<DateTime<Utc>>,
    pub expires_from: Option<DateTime<Utc>>,
    pub expires_before: Option<DateTime<Utc>>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::QUOTES`).
    pub conditions: Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE q.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND q.discarded_at IS NULL");
    }
    if let Some(status) = &f.status {
        qb.push(" AND q.status = ").push_bind(status.clone());
    }
    if let Some(customer_id) = f.customer_id {
        qb.push(" AND q.customer_id = ").push_bind(customer_id);
    }
    if let Some(term) = &f.q {
        let pattern = crate::billing::customers::like_pattern(term);
        qb.push(" AND (q.number ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR q.summary ILIKE ")
            .push_bind(pattern.clone())
            .push(
                " OR EXISTS (SELECT 1 FROM customers c WHERE c.id = q.customer_id \
                 AND c.name ILIKE ",
            )
            .push_bind(pattern)
            .push("))");
    }
    for (column, op, value) in [
        ("q.issued_at", ">=", f.issued_from),
        ("q.issued_at", "<", f.issued_before),
        ("q.expires_at", ">=", f.expires_from),
        ("q.expires_at", "<", f.expires_before),
    ] {
        if let Some(value) = value {
            qb.push(format!(" AND {column} {op} ")).push_bind(value);
        }
    }
    f.conditions.push(qb);
}

impl ListFilter for Filter {
    fn push_where(&self, qb: &mut QueryBuilder<Postgres>, business_id: i64) {
        push_where(qb, business_id, self);
    }
}

/// A page of quotes with everything their answers show, in two queries for any page
/// size (`read::list`).
pub(crate) async fn list(
    pool: &PgPool,
    business_id: i64,
    filter: &Filter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<FullRow<Quote>>> {
    read::list(pool, business_id, filter, sort, page).await
}

/// What a create or update request gives. `None` keeps; `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub number: Option<String>,
    pub customer_id: Option<i64>,
    pub currency: Option<Currency>,
    pub issued_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub summary: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub content: ContentChanges,
}

/// Creates a quote with its items and taxes (`quote.created`).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let mut errors = FieldErrors::new();
    let customer_id = changes.customer_id.unwrap_or_default();
    content::check_customer(&mut *tx, business_id, customer_id, &mut errors).await?;
    let (Some(issued_at), Some(expires_at)) = (changes.issued_at, changes.expires_at) else {
        return Err(BillingError::field("issued_at", "can't be blank"));
    };
    if expires_at < issued_at {
        errors.add("expires_at", "must not be before issued_at");
    }
    let (prepared, number) = content::prepare_new(
        &mut *tx,
        QUOTE,
        business_id,
        &changes.content,
        changes.currency,
        changes.number.as_deref(),
        errors,
    )
    .await?;
    let query = sqlx::query(
        "INSERT INTO quotes (business_id, customer_id, number, status, currency, issued_at,
             expires_at, summary, notes, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, created_at, updated_at)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         RETURNING id",
    )
    .bind(business_id)
    .bind(customer_id)
    .bind(&number)
    .bind(prepared.currency.code())
    .bind(issued_at)
    .bind(expires_at)
    .bind(changes.summary.clone().flatten())
    .bind(changes.notes.clone().flatten());
    let id: i64 = prepared
        .bind_totals(query)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    prepared.save(&mut *tx, QUOTE, id, now).await?;
    Ok(Outcome::of(EventType::QuoteCreated, business_id, id))
}

/// Why an accepted or invoiced quote refuses a change to what was agreed (each field
/// named beside it).
pub const AGREED_RULE: &str =
    "accepted or invoiced quotes cannot change; duplicate the quote to offer new terms";

/// Applies a PATCH (no event: Koteshen announces no quote update).
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let quote = read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if quote.status.content_locked() {
        return update_agreed(tx, &quote, changes, now).await;
    }
    let mut errors = FieldErrors::new();
    if let Some(customer_id) = changes.customer_id {
        content::check_customer(&mut *tx, business_id, customer_id, &mut errors).await?;
    }
    let issued_at = changes.issued_at.unwrap_or(quote.issued_at);
    let expires_at = changes.expires_at.unwrap_or(quote.expires_at);
    if expires_at < issued_at {
        errors.add("expires_at", "must not be before issued_at");
    }
    let prepared = content::prepare_update(
        &mut *tx,
        business_id,
        &quote,
        &changes.content,
        changes.currency,
        errors,
    )
    .await?;
    let query = sqlx::query(
        "UPDATE quotes SET number = $2, customer_id = $3, currency = $4, issued_at = $5,
             expires_at = $6, summary = $7, notes = $8, discount_type = $9,
             discount_value = $10, subtotal_cents = $11, discount_cents = $12,
             tax_total_cents = $13, total_cents = $14, updated_at = $15
         WHERE id = $1",
    )
    .bind(id)
    .bind(changes.number.clone().unwrap_or(quote.number.clone()))
    .bind(changes.customer_id.unwrap_or(quote.customer_id))
    .bind(prepared.currency.code())
    .bind(issued_at)
    .bind(expires_at)
    .bind(changes.summary.clone().unwrap_or(quote.summary.clone()))
    .bind(changes.notes.clone().unwrap_or(quote.notes.clone()));
    prepared
        .bind_totals(query)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    prepared.save(&mut *tx, QUOTE, id, now).await?;
    Ok(())
}

/// A PATCH of an accepted or invoiced quote (`QuoteStatus::content_locked`): its
/// customer, number, currency, dates, lines, taxes and discount sent with other values
/// than it has are refused by name (`AGREED_RULE`), the same values accepted; only the
/// summary and the notes change, and nothing is repriced.
async fn update_agreed(
    tx: &mut PgConnection,
    quote: &Quote,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let mut locked = Locked::new();
    locked.check("number", changes.number.as_ref(), &quote.number);
    locked.check(
        "customer_id",
        changes.customer_id.as_ref(),
        &quote.customer_id,
    );
    let currency = changes.currency.map(|c| c.code().to_string());
    locked.check("currency", currency.as_ref(), &quote.currency);
    locked.check_time("issued_at", changes.issued_at, quote.issued_at);
    locked.check_time("expires_at", changes.expires_at, quote.expires_at);
    if changes.content.touches_amounts() {
        let (discount_type, discount_value) = (quote.discount_type.clone(), quote.discount_value);
        let current =
            Current::load(&mut *tx, QUOTE, quote.id, discount_type, discount_value).await?;
        locked.check_content(QUOTE, &current, &changes.content);
    }
    locked.into_result(AGREED_RULE)?;
    sqlx::query("UPDATE quotes SET summary = $2, notes = $3, updated_at = $4 WHERE id = $1")
        .bind(quote.id)
        .bind(changes.summary.clone().unwrap_or(quote.summary.clone()))
        .bind(changes.notes.clone().unwrap_or(quote.notes.clone()))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A sent or viewed quote past its expiry date is expired (drafts never expire).
fn is_past_expiry(quote: &Quote, now: DateTime<Utc>) -> bool {
    quote.status.expires() && quote.expires_at < now
}

/// Marks a quote expired if its date has passed; answers whether it did.
async fn expire_if_due(
    conn: &mut PgConnection,
    quote: &Quote,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    if !is_past_expiry(quote, now) {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE quotes SET status = 'expired', expired_at = $2, updated_at = $2 WHERE id = $1",
    )
    .bind(quote.id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(true)
}

/// What a status request did.
#[derive(Debug)]
pub enum StatusChange {
    /// Moved (or already there: no events).
    Moved(Outcome),
    /// The quote's date had passed: it is now expired, which the caller commits before
    /// refusing the request with [`expired_error`].
    Expired,
}

pub fn expired_error() -> BillingError {
    BillingError::field("status", "cannot change: the quote expired (allowed: none)")
}

/// Moves a quote along its lifecycle (`QuoteStatus::allowed_transitions`: expired
/// follows from the date, invoiced from conversion); accepted, rejected and viewed are
/// stamped.
pub async fn set_status(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<StatusChange, BillingError> {
    let quote = read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    let to = QuoteStatus::parse(status);
    if to == Some(quote.status) {
        return Ok(StatusChange::Moved(Outcome::none()));
    }
    if expire_if_due(&mut *tx, &quote, now).await? {
        return Ok(StatusChange::Expired);
    }
    let Some(to) = to.filter(|to| quote.status.can_become(*to)) else {
        let from = quote.status;
        return Err(transition_refused(from, status, from.allowed_transitions()));
    };
    sqlx::query(
        "UPDATE quotes SET status = $2, updated_at = $3,
             viewed_at = CASE WHEN $2 = 'viewed' THEN $3 ELSE viewed_at END,
             accepted_at = CASE WHEN $2 = 'accepted' THEN $3 ELSE accepted_at END,
             rejected_at = CASE WHEN $2 = 'rejected' THEN $3 ELSE rejected_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(to.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if to == QuoteStatus::Sent {
        links::ensure(&mut *tx, key, business_id, DocKind::Quote, id, now).await?;
    }
    Ok(StatusChange::Moved(match to.transition_event() {
        Some(event) => Outcome::of(event, business_id, id),
        None => Outcome::none(),
    }))
}

/// Deletes a draft (soft), with its `quote.deleted` event; a quote that went out stays,
/// as Koteshen's page says.
pub async fn discard(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let status: QuoteStatus = sqlx::query_scalar(
        "SELECT status FROM quotes
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL FOR UPDATE",
    )
    .bind(id)
    .bind(business_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(BillingError::NotFound)?;
    if !status.can_be_deleted() {
        return Err(BillingError::refused(
            "Cannot delete a sent or accepted quote",
        ));
    }
    sqlx::query(
        "UPDATE quotes SET discarded_at = $3, updated_at = $3 WHERE id = $1 AND business_id = $2",
    )
    .bind(id)
    .bind(business_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(Outcome::of(EventType::QuoteDeleted, business_id, id))
}

/// At most this many quotes expire per sweep; the next sweep takes the rest.
pub const EXPIRE_PER_SWEEP: usize = 1_000;

/// The sent or viewed quotes whose date has passed, for `billing::sweeping::take` (the
/// partial index `quotes_open_expiry_idx` holds the range).
pub const EXPIRING: Source = Source {
    name: "expire quotes",
    sql: "SELECT id, business_id, expires_at AS at FROM quotes
         WHERE status IN ('sent', 'viewed') AND expires_at < $1 AND discarded_at IS NULL",
};

/// Expires `due` in the caller's transaction if it still is due (the scheduled sweep);
/// `None` when it is not, or another worker holds it. Records no event.
pub async fn expire_due(
    tx: &mut PgConnection,
    due: Due,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Outcome>> {
    let done = sqlx::query(
        "UPDATE quotes SET status = 'expired', expired_at = $1, updated_at = $1
         WHERE id = (SELECT id FROM quotes
                     WHERE id = $2 AND business_id = $3 AND status IN ('sent', 'viewed')
                       AND expires_at < $1 AND discarded_at IS NULL
                     FOR UPDATE SKIP LOCKED)",
    )
    .bind(now)
    .bind(due.id)
    .bind(due.business_id)
    .execute(tx)
    .await?;
    Ok((done.rows_affected() > 0).then(Outcome::none))
}
