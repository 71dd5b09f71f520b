//! `/api/v1/invoices`: every documented invoice endpoint but payments, reminders and
//! recurring (which live with those resources).

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;
use utoipa::ToSchema;

use crate::api::aliases;
use crate::api::business::BusinessView;
use crate::api::customers::CustomerView;
use crate::api::docs::ShowParams;
use crate::api::docs::{ErrorResponse, ListMeta};
use crate::api::documents::{
    ItemView, MoneyView, TaxLineView, item_views, money, read_discount, read_items, read_taxes,
    tax_views,
};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj, Patch};
pub use crate::api::invoice_docs::{DocumentTaxInput, InvoiceInput, InvoiceListParams, ItemInput};
use crate::api::pagination::Paginated;
use crate::api::params::{DOCUMENTS_PER_PAGE, ListQuery};
use crate::api::render::Views;
use crate::api::response::{created, data, no_content, resource_url};
use crate::app::AppState;
use crate::auth::Auth;
use crate::billing::customers::Customer;
use crate::billing::documents::INVOICE;
use crate::billing::documents::content::ContentChanges;
use crate::billing::documents::items::Item;
use crate::billing::documents::tax_lines::TaxLine;
use crate::billing::invoices::{self, Changes, Filter, FullRow, Invoice, STATUSES};
use crate::billing::search;
use crate::error::ApiResult;
use crate::http::Json;
use crate::http::timestamp;
use crate::money::format_decimal;
use crate::paging::Page;

/// The payment term as the documents embed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmbeddedTermView {
    #[schema(example = 89)]
    pub id: i64,
    #[schema(example = "Due on Receipt")]
    pub name: String,
    /// Days until due.
    #[schema(example = 0)]
    pub value: i32,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// An invoice as the documents show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceView {
    #[schema(example = 150)]
    pub id: i64,
    #[schema(example = "INV-0001")]
    pub number: String,
    #[schema(example = 13)]
    pub customer_id: i64,
    #[schema(example = 1)]
    pub business_id: i64,
    #[schema(example = "USD")]
    pub currency: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T00:00:00.000Z")]
    pub due_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T00:00:00.000Z")]
    pub issued_at: DateTime<Utc>,
    #[schema(example = "")]
    pub notes: String,
    /// `percent`, `fixed` or null.
    #[schema(example = "percent")]
    pub discount_type: Option<String>,
    /// Decimal as a string.
    #[schema(example = "5.0")]
    pub discount_value: Option<String>,
    /// draft, sent, viewed, partial, paid, overdue or void.
    #[schema(example = "draft")]
    pub status: String,
    pub paid: bool,
    #[schema(example = 89)]
    pub payment_term_id: Option<i64>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub emailed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub viewed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub voided_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paid_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.913Z")]
    pub updated_at: DateTime<Utc>,
    pub subtotal: MoneyView,
    pub discount: MoneyView,
    pub tax_total: MoneyView,
    pub total: MoneyView,
    pub balance: MoneyView,
    pub payment_term: Option<EmbeddedTermView>,
    #[schema(example = "http://localhost:3000/api/v1/invoices/150.json")]
    pub url: String,
    pub items: Vec<ItemView>,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
    pub taxes: Vec<TaxLineView>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceEnvelope {
    data: InvoiceView,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceList {
    data: Vec<InvoiceView>,
    meta: ListMeta,
}

/// Renders invoices read with everything they embed (`invoices::FullRow`); no query.
fn render(public_url: &str, rows: Vec<FullRow>) -> sqlx::Result<Vec<InvoiceView>> {
    rows.into_iter()
        .map(|row| {
            let business = row.business.ok_or(sqlx::Error::RowNotFound)?.0;
            let customer = row
                .customer
                .map(|c| CustomerView::new(Customer::from(c.0), public_url));
            Ok(view(
                public_url,
                row.invoice,
                row.items.0,
                row.taxes.0,
                BusinessView::from(business),
                customer,
            ))
        })
        .collect()
}

fn view(
    public_url: &str,
    i: Invoice,
    items: Vec<Item>,
    taxes: Vec<TaxLine>,
    business: BusinessView,
    customer: Option<CustomerView>,
) -> InvoiceView {
    let payment_term = match (i.payment_term_id, i.term.term_name, i.term.term_value) {
        (Some(id), Some(name), Some(value)) => Some(EmbeddedTermView {
            id,
            name,
            value,
            created_at: i.term.term_created_at.unwrap_or(i.created_at),
            updated_at: i.term.term_updated_at.unwrap_or(i.created_at),
        }),
        _ => None,
    };
    InvoiceView {
        url: resource_url(public_url, "invoices", i.id),
        id: i.id,
        number: i.number,
        customer_id: i.customer_id,
        business_id: i.business_id,
        due_at: i.due_at,
        issued_at: i.issued_at,
        notes: i.notes.unwrap_or_default(),
        discount_type: i.discount_type,
        discount_value: i.discount_value.map(format_decimal),
        status: i.status,
        paid: i.paid,
        payment_term_id: i.payment_term_id,
        emailed_at: i.emailed_at,
        viewed_at: i.viewed_at,
        voided_at: i.voided_at,
        paid_at: i.paid_at,
        discarded_at: i.discarded_at,
        created_at: i.created_at,
        updated_at: i.updated_at,
        subtotal: money(i.subtotal_cents, &i.currency),
        discount: money(i.discount_cents, &i.currency),
        tax_total: money(i.tax_total_cents, &i.currency),
        total: money(i.total_cents, &i.currency),
        balance: money(i.balance_cents, &i.currency),
        payment_term,
        items: item_views(items, &i.currency),
        business,
        customer,
        taxes: tax_views(taxes, &i.currency),
        currency: i.currency,
    }
}

/// One invoice as the API shows it, deleted or not, on any connection (so that an event
/// can show the invoice inside the transaction that changes it): one query.
pub async fn show_one(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<InvoiceView>> {
    find_view(conn, public_url, business_id, id, true).await
}

async fn find_view(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<InvoiceView>> {
    let Some(row) = invoices::find_full(conn, business_id, id, include_deleted).await? else {
        return Ok(None);
    };
    Ok(render(public_url, vec![row])?.pop())
}

/// The 201 answer for an invoice just made (by create, duplicate or a quote's
/// conversion).
pub async fn created_invoice(state: &AppState, business_id: i64, id: i64) -> ApiResult<Response> {
    let view = written(state, business_id, id).await?;
    Ok(created(&view.url.clone(), view))
}

/// The invoice a write just made or changed, for its answer.
async fn written(state: &AppState, business_id: i64, id: i64) -> ApiResult<InvoiceView> {
    let mut conn = state.pool.acquire().await?;
    show_one(&mut conn, &state.config.public_url, business_id, id)
        .await?
        .ok_or_else(record_not_found)
}

/// The fields of a create or update body; `creating` makes customer and currency
/// required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let required = |form: &mut Form, field: &str, present: bool| {
        if creating && !present && !form.has_error(obj, field) {
            form.error(obj, field, "can't be blank");
        }
    };
    let customer_id = form.integer(obj, "customer_id").set();
    required(form, "customer_id", customer_id.is_some());
    let currency = form.currency(obj, "currency").set();
    required(form, "currency", currency.is_some());
    let (discount_type, discount_value) = read_discount(form, obj);
    let number = match form.string(obj, "number", 64) {
        Patch::Set(n) => Some(n),
        Patch::Null if !creating => {
            form.error(obj, "number", "can't be blank");
            None
        }
        _ => None,
    };
    let payment_term_id = form.integer(obj, "payment_term_id").change();
    let issued_at = form.timestamp(obj, "issued_at").set();
    let due_at = form.timestamp(obj, "due_at").set();
    Changes {
        number,
        customer_id,
        currency,
        issued_at,
        due_at,
        payment_term_id,
        notes: form.string(obj, "notes", 10_000).change(),
        content: ContentChanges {
            discount_type,
            discount_value,
            items: read_items(form, obj),
            taxes: read_taxes(form, obj, INVOICE.taxes_field),
        },
    }
}

#[utoipa::path(
    get, path = "/invoices", tag = "Invoices",
    summary = "List invoices (paginated)",
    params(InvoiceListParams),
    responses(
        (status = 200, description = "A page of invoices", body = InvoiceList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<InvoiceView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page_of(DOCUMENTS_PER_PAGE);
    let sort = query.sort(&invoices::SORTS, ("created_at", false));
    let filter = Filter {
        status: aliases::status_filter(&mut query, &STATUSES, &aliases::INVOICE_STATUSES),
        customer_id: query.id("customer_id"),
        paid: query.boolean("paid"),
        q: query.string("q"),
        issued_from: query.from_bound("issued_from"),
        issued_before: query.to_bound_exclusive("issued_to"),
        due_from: query.from_bound("due_from"),
        due_before: query.to_bound_exclusive("due_to"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(search::INVOICES),
    };
    query.finish()?;
    let found = invoices::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let views = Page {
        items: render(&state.config.public_url, found.items)?,
        total: found.total,
    };
    Ok(Paginated::new(page, views, &state.config.public_url, uri))
}

#[utoipa::path(
    post, path = "/invoices", tag = "Invoices",
    summary = "Create an invoice (starts as a draft)",
    request_body(content = InvoiceInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = InvoiceEnvelope,
         headers(("Location" = String, description = "The new invoice's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "invoice")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    // The invoice as its event recorded it, inside the transaction: what a GET answers.
    let (id, view) = invoices::create(
        &state.pool,
        &Views::of(&state),
        auth.business_id,
        &changes,
        state.clock.now(),
    )
    .await?;
    let url = resource_url(&state.config.public_url, "invoices", id);
    Ok(created(&url, view))
}

#[utoipa::path(
    get, path = "/invoices/{id}", tag = "Invoices",
    summary = "Show an invoice",
    params(("id" = i64, Path, description = "Invoice id (`150` or `150.json`)"), ShowParams),
    responses(
        (status = 200, description = "The invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let include_deleted = query.include_deleted();
    query.finish()?;
    let mut conn = state.pool.acquire().await?;
    let view = find_view(
        &mut conn,
        &state.config.public_url,
        auth.business_id,
        id,
        include_deleted,
    )
    .await?
    .ok_or_else(record_not_found)?;
    Ok(data(view))
}

#[utoipa::path(
    patch, path = "/invoices/{id}", tag = "Invoices",
    summary = "Update an invoice: fields, and nested items (with id: change, without: add, _destroy: remove)",
    params(("id" = i64, Path, description = "Invoice id")),
    request_body(content = InvoiceInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, or a paid/void invoice's amounts", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "invoice")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    invoices::update(
        &state.pool,
        &Views::of(&state),
        auth.business_id,
        id,
        &changes,
        state.clock.now(),
    )
    .await?;
    Ok(data(written(&state, auth.business_id, id).await?))
}

#[utoipa::path(
    delete, path = "/invoices/{id}", tag = "Invoices",
    summary = "Delete an invoice (soft; one with payments must be voided instead)",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "The invoice has payments", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    invoices::discard(&state.pool, &Views::of(&state), auth.business_id, id, now).await?;
    Ok(no_content())
}

/// `{"status": "sent"}`, wrapped in `invoice` or bare.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"status": "sent"}))]
#[allow(dead_code)] // documentation only
pub struct StatusInput {
    /// Invoices: sent, viewed or void (`cancelled`); partial, paid, overdue follow from
    /// payments and dates. Quotes: sent, viewed, accepted or rejected (`declined`).
    status: String,
}

#[utoipa::path(
    patch, path = "/invoices/{id}/status", tag = "Invoices",
    summary = "Set the status: draft → sent → viewed, or void",
    params(("id" = i64, Path, description = "Invoice id")),
    request_body(content = StatusInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Not an allowed transition (the allowed ones are named)", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn set_status(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "invoice")?;
    let mut form = Form::new();
    let status = aliases::status_field(&mut form, &obj, &STATUSES, &aliases::INVOICE_STATUSES);
    if matches!(status, Patch::Absent | Patch::Null) {
        form.error(&obj, "status", "can't be blank");
    }
    form.finish()?;
    let status = status.set().unwrap_or_default();
    invoices::set_status(
        &state.pool,
        &Views::of(&state),
        auth.business_id,
        id,
        &status,
        state.clock.now(),
    )
    .await?;
    Ok(data(written(&state, auth.business_id, id).await?))
}

#[utoipa::path(
    patch, path = "/invoices/{id}/mark_as_paid", tag = "Invoices",
    summary = "Record a payment for the whole balance (422 when already paid or the balance is zero)",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The paid invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Void, already paid, or nothing to pay", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn mark_as_paid(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let now = state.clock.now();
    invoices::mark_as_paid(&state.pool, &Views::of(&state), auth.business_id, id, now).await?;
    Ok(data(written(&state, auth.business_id, id).await?))
}

#[utoipa::path(
    patch, path = "/invoices/{id}/duplicate", tag = "Invoices",
    summary = "Duplicate as a new draft (new number, today's dates)",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 201, description = "The new draft", body = InvoiceEnvelope,
         headers(("Location" = String, description = "The new invoice's url"))),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn duplicate(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let new_id =
        invoices::duplicate(&state.pool, &Views::of(&state), auth.business_id, id, now).await?;
    created_invoice(&state, auth.business_id, new_id).await
}
