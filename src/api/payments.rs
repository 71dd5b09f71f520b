//! `/api/v1/payments` and `/api/v1/invoices/{id}/payments`: payments, standalone or
//! linked to an invoice. The rules (currency, balance, locking, events) live in
//! `billing::payments`; handlers parse, call it, and render.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, IdempotencyHeader, ListMeta, ShowParams};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::invoices;
use crate::billing::payments::{self, Changes, Filter, InvoiceFrom, METHODS};
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::payments::PaymentView;

#[derive(Serialize, ToSchema)]
pub struct PaymentEnvelope {
    data: PaymentView,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentList {
    data: Vec<PaymentView>,
    meta: ListMeta,
}

/// The body of a create or update, wrapped (`{"payment": {...}}`) or bare. Numbers may
/// be JSON numbers or numeric strings.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"payment": {"invoice_id": 150, "amount": "100.00",
    "payment_method": "bank_transfer", "reference": "EFT 2025-10-21",
    "paid_at": "2025-10-21T00:00:00.000Z"}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct PaymentInput {
    /// Required on create: a decimal in major units (`"100.00"`), greater than 0, with no
    /// more decimals than the currency has; on an invoice, at most its balance.
    amount: Option<String>,
    /// ISO 4217, any case. Optional on an invoice's payment (the invoice's is taken, and
    /// a different one is refused); required on a standalone payment.
    currency: Option<String>,
    /// Default: now.
    paid_at: Option<String>,
    /// cash, bank_transfer, card, check or other (the default).
    payment_method: Option<String>,
    /// Koteshen's pages' name for `payment_method` (`{"channel": "cash"}`); either is
    /// accepted, `payment_method` wins when both are sent.
    channel: Option<String>,
    reference: Option<String>,
    notes: Option<String>,
    /// The invoice it pays (not void, not deleted); `null` on update unlinks it.
    invoice_id: Option<i64>,
    /// Taken from the invoice when linked.
    customer_id: Option<i64>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct PaymentListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `paid_at`, `amount` or `created_at`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    invoice_id: Option<i64>,
    customer_id: Option<i64>,
    /// cash, bank_transfer, card, check or other.
    payment_method: Option<String>,
    /// Paid at or after (a date or an ISO 8601 timestamp).
    paid_from: Option<String>,
    /// Paid at or before.
    paid_to: Option<String>,
    /// Include deleted payments.
    include_deleted: Option<bool>,
}

/// The list of one invoice's payments: the invoice is in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct InvoicePaymentListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `paid_at`, `amount` or `created_at`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// cash, bank_transfer, card, check or other.
    payment_method: Option<String>,
    /// Paid at or after (a date or an ISO 8601 timestamp).
    paid_from: Option<String>,
    /// Paid at or before.
    paid_to: Option<String>,
    /// Include deleted payments.
    include_deleted: Option<bool>,
}

const TEXT_MAX: usize = 10_000;

/// Reads the payment fields of a body; `creating` makes `amount` required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let amount = form.decimal(obj, "amount", crate::money::bounded);
    let amount = form.not_null(obj, "amount", amount, creating);
    let currency = form.currency(obj, "currency");
    let currency = form.not_null(obj, "currency", currency, false);
    let paid_at = form.timestamp(obj, "paid_at");
    let paid_at = form.not_null(obj, "paid_at", paid_at, false);
    let method_field = obj.spelled("payment_method", "channel");
    let method = form.one_of(obj, method_field, &METHODS);
    let payment_method = form.not_null(obj, method_field, method, false);
    Changes {
        invoice_id: form.integer(obj, "invoice_id").change(),
        customer_id: form.integer(obj, "customer_id").change(),
        amount,
        currency,
        paid_at,
        payment_method,
        reference: form.string(obj, "reference", 255).change(),
        notes: form.string(obj, "notes", TEXT_MAX).change(),
    }
}

fn read_filter(query: &mut ListQuery, invoice_id: Option<i64>) -> Filter {
    Filter {
        invoice_id: invoice_id.or_else(|| query.id("invoice_id")),
        customer_id: query.id("customer_id"),
        payment_method: query.one_of("payment_method", &METHODS),
        paid_from: query.from_bound("paid_from"),
        paid_before: query.to_bound_exclusive("paid_to"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::PAYMENTS),
    }
}

async fn list_page(
    state: &AppState,
    auth: &Auth,
    uri: axum::http::Uri,
    raw: Option<&str>,
    invoice_id: Option<i64>,
) -> ApiResult<Paginated<PaymentView>> {
    let mut query = ListQuery::parse(raw)?;
    let page = query.page();
    let sort = query.sort(&payments::SORTS, ("created_at", false));
    let filter = read_filter(&mut query, invoice_id);
    query.finish()?;
    let found = payments::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|p| PaymentView::new(p, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

async fn create_from(
    state: &AppState,
    auth: &Auth,
    body: Value,
    invoice_id: Option<i64>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "payment")?;
    let mut form = Form::new();
    let mut changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    let from = match invoice_id {
        Some(id) => {
            changes.invoice_id = Some(Some(id));
            InvoiceFrom::Path
        }
        None => InvoiceFrom::Body,
    };
    // The payment as its event recorded it, inside the transaction: what a GET answers.
    let now = state.clock.now();
    let mut tx = write::begin(state).await?;
    let outcome = payments::create(&mut tx, auth.business_id, &changes, from, now).await?;
    write::create(state, tx, outcome, now).await
}

/// The payment a write just made or changed, for its answer.
async fn written(state: &AppState, business_id: i64, id: i64) -> ApiResult<PaymentView> {
    let payment = payments::find(&state.pool, business_id, id, true)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(PaymentView::new(payment, &state.config.public_url))
}

#[utoipa::path(
    get, path = "/payments", tag = "Payments",
    summary = "List payments (paginated)",
    params(PaymentListParams),
    responses(
        (status = 200, description = "A page of payments", body = PaymentList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<PaymentView>> {
    list_page(&state, &auth, uri, raw.as_deref(), None).await
}

#[utoipa::path(
    post, path = "/payments", tag = "Payments",
    summary = "Record a payment, standalone or against an invoice (which it settles)",
    params(IdempotencyHeader),
    request_body(content = PaymentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = PaymentEnvelope,
         headers(("Location" = String, description = "The new payment's url"))),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorResponse),
        (status = 422, description = "Invalid fields (currency, amount, balance, invoice), all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    create_from(&state, &auth, body, None).await
}

#[utoipa::path(
    get, path = "/payments/{id}", tag = "Payments",
    summary = "Show a payment",
    params(("id" = i64, Path, description = "Payment id (`42` or `42.json`)"), ShowParams),
    responses(
        (status = 200, description = "The payment", body = PaymentEnvelope),
        (status = 404, description = "No such payment in this business", body = ErrorResponse),
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
    let payment = payments::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(PaymentView::new(payment, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/payments/{id}", tag = "Payments",
    summary = "Update a payment (only the fields sent); the invoices it leaves or joins are re-settled",
    params(("id" = i64, Path, description = "Payment id")),
    request_body(content = PaymentInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated payment", body = PaymentEnvelope),
        (status = 404, description = "No such payment in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "payment")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = payments::update(&mut tx, auth.business_id, id, &changes, now).await?;
    write::commit(&state, tx, outcome, now).await?;
    Ok(data(written(&state, auth.business_id, id).await?))
}

#[utoipa::path(
    delete, path = "/payments/{id}", tag = "Payments",
    summary = "Delete a payment (soft); its invoice is reopened",
    params(("id" = i64, Path, description = "Payment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such payment in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = payments::discard(&mut tx, auth.business_id, id, now).await?;
    write::commit(&state, tx, outcome, now).await?;
    Ok(no_content())
}

#[utoipa::path(
    get, path = "/invoices/{id}/payments", tag = "Payments",
    summary = "List an invoice's payments (paginated)",
    params(("id" = i64, Path, description = "Invoice id"), InvoicePaymentListParams),
    responses(
        (status = 200, description = "A page of the invoice's payments", body = PaymentList),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn invoice_list(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<PaymentView>> {
    if !invoices::exists(&state.pool, auth.business_id, id).await? {
        return Err(record_not_found());
    }
    list_page(&state, &auth, uri, raw.as_deref(), Some(id)).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/payments", tag = "Payments",
    summary = "Record a payment against an invoice (currency defaults to the invoice's)",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = PaymentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = PaymentEnvelope,
         headers(("Location" = String, description = "The new payment's url"))),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorResponse),
        (status = 422, description = "Invalid fields (currency, amount, balance, void invoice), all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn invoice_create(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    create_from(&state, &auth, body, Some(id)).await
}
