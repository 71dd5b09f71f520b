//! `/api/v1/quotes`: the documented five endpoints, status, conversion, duplication.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::aliases;
use crate::api::docs::{ErrorResponse, ListMeta, ShowParams};
use crate::api::documents::{read_discount, read_items, read_taxes};
use crate::api::ids::{Id, ShowId, record_not_found};
use crate::api::input::{Form, Obj};
use crate::api::invoices::InvoiceEnvelope;
use crate::api::pagination::Paginated;
use crate::api::params::{DOCUMENTS_PER_PAGE, ListQuery};
use crate::api::response::{created, data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::documents::QUOTE;
use crate::billing::documents::content::ContentChanges;
use crate::billing::quotes::{self, Changes, Filter, STATUSES, StatusChange};
use crate::error::ApiResult;
use crate::http::Json;
use crate::paging::Page;
use crate::render::DocKind;
use crate::state::AppState;
use crate::views::quotes::{QuoteView, render, show_one};

#[derive(Serialize, ToSchema)]
pub struct QuoteEnvelope {
    data: QuoteView,
}

#[derive(Serialize, ToSchema)]
pub struct QuoteList {
    data: Vec<QuoteView>,
    meta: ListMeta,
}

/// The quote a request asked for or just changed, for its answer.
async fn answer(
    state: &AppState,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> ApiResult<QuoteView> {
    let mut conn = state.pool.acquire().await?;
    show_one(&mut conn, state.views(), business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)
}

/// The fields of a create or update body; on create customer, currency, issued_at,
/// expires_at and items are required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let customer_id = form.integer(obj, "customer_id");
    let customer_id = form.not_null(obj, "customer_id", customer_id, creating);
    let currency = form.currency(obj, "currency");
    let currency = form.not_null(obj, "currency", currency, creating);
    let issued_at = form.timestamp(obj, "issued_at");
    let issued_at = form.not_null(obj, "issued_at", issued_at, creating);
    let expires_at = form.timestamp(obj, "expires_at");
    let expires_at = form.not_null(obj, "expires_at", expires_at, creating);
    if creating && !obj.has("items_attributes") {
        form.error(obj, "items_attributes", "can't be blank");
    }
    let number = form.string(obj, "number", 64);
    let number = form.not_null(obj, "number", number, false);
    let (discount_type, discount_value) = read_discount(form, obj);
    Changes {
        number,
        customer_id,
        currency,
        issued_at,
        expires_at,
        summary: form.string(obj, "summary", 10_000).change(),
        notes: form.string(obj, "notes", 10_000).change(),
        content: ContentChanges {
            discount_type,
            discount_value,
            items: read_items(form, obj),
            taxes: read_taxes(form, obj, QUOTE.taxes_field),
        },
    }
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct QuoteListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 25).
    per_page: Option<i64>,
    /// `issued_at`, `expires_at`, `created_at`, `number` or `total`; prefix `-` for
    /// descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// Search in the number, the summary and the customer's name.
    q: Option<String>,
    /// draft, sent, viewed, accepted, rejected, expired or invoiced.
    status: Option<String>,
    customer_id: Option<i64>,
    /// Issued at or after (a date or an ISO 8601 timestamp).
    issued_from: Option<String>,
    /// Issued at or before.
    issued_to: Option<String>,
    /// Expiring at or after.
    expires_from: Option<String>,
    /// Expiring at or before.
    expires_to: Option<String>,
    /// Include deleted quotes.
    include_deleted: Option<bool>,
}

#[utoipa::path(
    get, path = "/quotes", tag = "Quotes",
    summary = "List quotes (paginated)",
    params(QuoteListParams),
    responses(
        (status = 200, description = "A page of quotes", body = QuoteList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<QuoteView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page_of(DOCUMENTS_PER_PAGE);
    let sort = query.sort(&quotes::SORTS, ("created_at", false));
    let filter = Filter {
        status: aliases::status_filter(&mut query, &STATUSES, &aliases::QUOTE_STATUSES),
        customer_id: query.id("customer_id"),
        q: query.string("q"),
        issued_from: query.from_bound("issued_from"),
        issued_before: query.to_bound_exclusive("issued_to"),
        expires_from: query.from_bound("expires_from"),
        expires_before: query.to_bound_exclusive("expires_to"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::QUOTES),
    };
    query.finish()?;
    let found = quotes::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let views = Page {
        items: render(state.views(), found.items)?,
        total: found.total,
    };
    Ok(Paginated::new(page, views, &state.config.public_url, uri))
}

#[utoipa::path(
    post, path = "/quotes", tag = "Quotes",
    summary = "Create a quote (starts as a draft)",
    request_body(content = QuoteInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = QuoteEnvelope,
         headers(("Location" = String, description = "The new quote's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "quote")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    // The quote as its event recorded it, inside the transaction: what a GET answers.
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = quotes::create(&mut tx, auth.business_id, &changes, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[utoipa::path(
    get, path = "/quotes/{id}", tag = "Quotes",
    summary = "Show a quote",
    params(("id" = i64, Path, description = "Quote id (`25` or `25.json`)"), ShowParams),
    responses(
        (status = 200, description = "The quote", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ShowId { id, pdf, xml }: ShowId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let include_deleted = query.include_deleted();
    query.finish()?;
    if xml {
        // E-invoices are of invoices only.
        return Err(record_not_found());
    }
    if pdf || crate::api::pdf::wants_pdf(&headers) {
        let answer =
            crate::api::pdf::answer(&state, auth.business_id, DocKind::Quote, id, &headers);
        return Ok(crate::api::pdf::vary_on_accept(answer.await?));
    }
    let view = answer(&state, auth.business_id, id, include_deleted).await?;
    Ok(crate::api::pdf::vary_on_accept(data(view)))
}

#[utoipa::path(
    get, path = "/quotes/{id}/pdf", tag = "Quotes",
    summary = "The quote as a PDF (PDF/A-3b)",
    params(("id" = i64, Path, description = "Quote id")),
    responses(
        (status = 200, description = "The quote's PDF", content_type = "application/pdf", body = String,
         headers(
            ("ETag" = String, description = "The document's version: send it back as If-None-Match"),
            ("Content-Disposition" = String, description = "`inline; filename=\"QOT-0001.pdf\"`"),
         )),
        (status = 304, description = "Not modified: If-None-Match names this version"),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn pdf(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    crate::api::pdf::answer(&state, auth.business_id, DocKind::Quote, id, &headers).await
}

#[utoipa::path(
    patch, path = "/quotes/{id}", tag = "Quotes",
    summary = "Update a quote: fields, and nested items (with id: change, without: add, _destroy: remove)",
    description = "A draft, sent or viewed quote changes freely. Once accepted or invoiced, what \
        the customer agreed to is fixed: `number`, `customer_id`, `currency`, `issued_at`, \
        `expires_at`, `items_attributes`, `quote_taxes_attributes`, `discount_type` and \
        `discount_value` sent with another value than the quote has answer 422, each field \
        named in `errors` with the rule (\"accepted or invoiced quotes cannot change; duplicate \
        the quote to offer new terms\"). The same value sent back is accepted (a client may \
        resend the whole quote it read). `summary` and `notes` still change.",
    params(("id" = i64, Path, description = "Quote id")),
    request_body(content = QuoteInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated quote", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, or an accepted/invoiced quote's agreed fields changed (each named in `errors`)", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "quote")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let mut tx = write::begin(&state).await?;
    quotes::update(&mut tx, auth.business_id, id, &changes, state.clock.now()).await?;
    tx.commit().await?;
    Ok(data(answer(&state, auth.business_id, id, false).await?))
}

#[utoipa::path(
    delete, path = "/quotes/{id}", tag = "Quotes",
    summary = "Delete a draft quote (soft); a quote sent or further along cannot be deleted",
    params(("id" = i64, Path, description = "Quote id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
        (status = 422, description = "Cannot delete a sent or accepted quote", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = quotes::discard(&mut tx, auth.business_id, id, now).await?;
    write::commit(&state, tx, outcome, now).await?;
    Ok(no_content())
}

#[utoipa::path(
    patch, path = "/quotes/{id}/status", tag = "Quotes",
    summary = "Set the status: draft → sent → viewed → accepted or rejected",
    params(("id" = i64, Path, description = "Quote id")),
    request_body(content = QuoteStatusInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The quote", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
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
    let obj = Obj::from_body(body, "quote")?;
    let mut form = Form::new();
    let status = aliases::status_field(&mut form, &obj, &STATUSES, &aliases::QUOTE_STATUSES);
    let status = form.not_null(&obj, "status", status, true);
    form.finish()?;
    let status = status.unwrap_or_default();
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    match quotes::set_status(&mut tx, &state.links, auth.business_id, id, &status, now).await? {
        StatusChange::Moved(outcome) => write::commit(&state, tx, outcome, now).await?,
        StatusChange::Expired => {
            // The expiry is a fact whatever the request wanted: it stays, then is named.
            tx.commit().await?;
            return Err(quotes::expired_error().into());
        }
    };
    Ok(data(answer(&state, auth.business_id, id, false).await?))
}

#[utoipa::path(
    post, path = "/quotes/{id}/convert", tag = "Quotes",
    summary = "Convert into a new draft invoice (any quote not rejected or already invoiced)",
    params(("id" = i64, Path, description = "Quote id")),
    responses(
        (status = 201, description = "The new invoice", body = InvoiceEnvelope,
         headers(("Location" = String, description = "The new invoice's url"))),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
        (status = 422, description = "Rejected or already invoiced", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn convert(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = quotes::convert(&mut tx, auth.business_id, id, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[utoipa::path(
    patch, path = "/quotes/{id}/duplicate", tag = "Quotes",
    summary = "Duplicate as a new draft (new number, issued today, same validity period)",
    params(("id" = i64, Path, description = "Quote id")),
    responses(
        (status = 201, description = "The new draft", body = QuoteEnvelope,
         headers(("Location" = String, description = "The new quote's url"))),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn duplicate(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let mut tx = write::begin(&state).await?;
    let new_id = quotes::duplicate(&mut tx, auth.business_id, id, state.clock.now()).await?;
    tx.commit().await?;
    let view = answer(&state, auth.business_id, new_id, false).await?;
    Ok(created(&view.url.clone(), view))
}

/// The documents' create-quote body (wrapped in `quote` or bare).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"quote": {"issued_at": "2025-10-12T10:00:00.000Z",
    "expires_at": "2025-10-28T10:00:00.000Z", "currency": "USD", "customer_id": 13,
    "summary": "this is an estimate",
    "items_attributes": [{"name": "Design and development", "quantity": 12,
                          "unit_price": 340, "total": 4080.0}],
    "discount_type": "percent", "discount_value": 10, "notes": "Valid for 30 days."}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct QuoteInput {
    /// Required on create (ISO 8601).
    issued_at: Option<String>,
    /// Required on create; not before issued_at.
    expires_at: Option<String>,
    /// Required on create (ISO 4217, any case).
    currency: Option<String>,
    /// Required on create.
    customer_id: Option<i64>,
    summary: Option<String>,
    notes: Option<String>,
    /// Chosen by the client, or the next `QOT-0001`-style number.
    number: Option<String>,
    /// `percent` or `fixed`.
    discount_type: Option<String>,
    discount_value: Option<String>,
    /// Required on create; at most 100 items (`total` is computed, any sent is ignored).
    items_attributes: Option<Vec<crate::api::invoices::ItemInput>>,
    /// Quote-level taxes; when no tax is named anywhere, the business's default taxes
    /// apply.
    quote_taxes_attributes: Option<Vec<crate::api::invoices::DocumentTaxInput>>,
}

/// `{"status": "sent"}`, wrapped in `quote` or bare.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"status": "sent"}))]
#[allow(dead_code)] // documentation only
pub struct QuoteStatusInput {
    /// draft, sent, viewed, accepted, rejected or expired (`invoiced` follows from
    /// converting).
    status: String,
}
