//! `/api/v1/invoices`: every documented invoice endpoint but payments, reminders and
//! recurring (which live with those resources).

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::aliases;
use crate::api::docs::ShowParams;
use crate::api::docs::{ErrorResponse, ListMeta};
use crate::api::documents::{read_discount, read_items, read_taxes};
use crate::api::ids::{Id, ShowId, record_not_found};
use crate::api::input::{Form, Obj, Patch};
pub use crate::api::invoice_docs::{DocumentTaxInput, InvoiceInput, InvoiceListParams, ItemInput};
use crate::api::pagination::Paginated;
use crate::api::params::{DOCUMENTS_PER_PAGE, ListQuery};
use crate::api::response::{data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::documents::INVOICE;
use crate::billing::documents::content::ContentChanges;
use crate::billing::invoices::{self, Changes, Filter, STATUSES};
use crate::billing::search;
use crate::error::ApiResult;
use crate::http::Json;
use crate::paging::Page;
use crate::render::DocKind;
use crate::state::AppState;
use crate::views::invoices::{InvoiceView, find_view, render, show_one};

#[derive(Serialize, ToSchema)]
pub struct InvoiceEnvelope {
    data: InvoiceView,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceList {
    data: Vec<InvoiceView>,
    meta: ListMeta,
}

/// The invoice a write just made or changed, for its answer.
async fn written(state: &AppState, business_id: i64, id: i64) -> ApiResult<InvoiceView> {
    let mut conn = state.pool.acquire().await?;
    show_one(&mut conn, state.views(), business_id, id)
        .await?
        .ok_or_else(record_not_found)
}

/// At most this many characters in `buyer_reference` and `purchase_order`.
pub const REFERENCE_MAX: usize = 200;

/// The fields of a create or update body; `creating` makes customer and currency
/// required.
pub(crate) fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
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
        buyer_reference: form.string(obj, "buyer_reference", REFERENCE_MAX).change(),
        purchase_order: form.string(obj, "purchase_order", REFERENCE_MAX).change(),
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
        items: render(state.views(), found.items)?,
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
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = invoices::create(&mut tx, auth.business_id, &changes, now).await?;
    write::create(&state, tx, outcome, now).await
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
    ShowId { id, pdf, xml }: ShowId,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let include_deleted = query.include_deleted();
    let syntax = query.string("syntax");
    query.finish()?;
    if !pdf && (xml || crate::api::einvoice::wants_xml(&headers)) {
        let syntax = crate::api::einvoice::syntax(syntax)?;
        let answer = crate::api::einvoice::answer::<invoices::Invoice>(
            &state,
            auth.business_id,
            id,
            syntax,
            &headers,
        );
        return Ok(crate::api::pdf::vary_on_accept(answer.await?));
    }
    if pdf || crate::api::pdf::wants_pdf(&headers) {
        let answer =
            crate::api::pdf::answer(&state, auth.business_id, DocKind::Invoice, id, &headers);
        return Ok(crate::api::pdf::vary_on_accept(answer.await?));
    }
    let mut conn = state.pool.acquire().await?;
    let view = find_view(
        &mut conn,
        state.views(),
        auth.business_id,
        id,
        include_deleted,
    )
    .await?
    .ok_or_else(record_not_found)?;
    Ok(crate::api::pdf::vary_on_accept(data(view)))
}

#[utoipa::path(
    get, path = "/invoices/{id}/pdf", tag = "Invoices",
    summary = "The invoice as a PDF (PDF/A-3b; Factur-X when e-invoice ready)",
    description = "PDF/A-3b. When the invoice is `einvoice_ready` and not void, a Factur-X 1.0 \
                   PDF at the EN 16931 profile: its CII e-invoice (as `.xml?syntax=cii` \
                   answers it) attached as `factur-x.xml`, relationship Alternative, with \
                   the Factur-X XMP metadata (README: E-invoices).",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice's PDF", content_type = "application/pdf", body = String,
         headers(
            ("ETag" = String, description = "The document's version: send it back as If-None-Match"),
            ("Content-Disposition" = String, description = "`inline; filename=\"INV-0001.pdf\"`"),
         )),
        (status = 304, description = "Not modified: If-None-Match names this version"),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn pdf(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    crate::api::pdf::answer(&state, auth.business_id, DocKind::Invoice, id, &headers).await
}

#[utoipa::path(
    patch, path = "/invoices/{id}", tag = "Invoices",
    summary = "Update an invoice: fields, and nested items (with id: change, without: add, _destroy: remove)",
    description = "A draft changes freely. Once an invoice leaves draft (sent by email or by \
        status, viewed, partial, paid, overdue, void) it is issued and fixed: `number`, \
        `customer_id`, `currency`, `issued_at`, `buyer_reference`, `purchase_order`, \
        `items_attributes`, `invoice_taxes_attributes`, \
        `discount_type` and `discount_value` sent with another value than the invoice has \
        answer 422, each field named in `errors` with the rule (\"issued invoices cannot \
        change; issue a credit note\"). The same value sent back is accepted (a client may \
        resend the whole invoice it read). `due_at`, `payment_term_id` and `notes` still \
        change; the amounts are never recomputed.",
    params(("id" = i64, Path, description = "Invoice id")),
    request_body(content = InvoiceInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, or an issued invoice's locked fields changed (each named in `errors`)", body = ErrorResponse),
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
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = invoices::update(&mut tx, auth.business_id, id, &changes, now).await?;
    write::commit(&state, tx, outcome, now).await?;
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
    let mut tx = write::begin(&state).await?;
    let outcome = invoices::discard(&mut tx, auth.business_id, id, now).await?;
    write::commit(&state, tx, outcome, now).await?;
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
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome =
        invoices::set_status(&mut tx, &state.links, auth.business_id, id, &status, now).await?;
    write::commit(&state, tx, outcome, now).await?;
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
    let mut tx = write::begin(&state).await?;
    let outcome = invoices::mark_as_paid(&mut tx, auth.business_id, id, now).await?;
    write::commit(&state, tx, outcome, now).await?;
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
    let mut tx = write::begin(&state).await?;
    let outcome =
        crate::billing::invoice_copies::duplicate(&mut tx, auth.business_id, id, now).await?;
    write::create(&state, tx, outcome, now).await
}
