//! `/api/v1/credit_notes` and `/api/v1/invoices/{id}/credit_notes`: issuing credit notes
//! on an invoice (the whole remainder, lines and quantities, or an amount), listing and
//! showing them, and applying a customer's credit balance to an invoice. The rules live
//! in `billing::credit_notes`; handlers parse, call it and render.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, IdempotencyHeader, ListMeta};
use crate::api::ids::{Id, ShowId, record_not_found};
use crate::api::input::{Form, Obj, Patch};
use crate::api::invoices::InvoiceEnvelope;
use crate::api::pagination::Paginated;
use crate::api::params::{DOCUMENTS_PER_PAGE, ListQuery};
use crate::api::response::data;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::credit_notes::create::{Asked, NewCreditNote};
use crate::billing::credit_notes::{self, Filter, STATUSES, apply};
use crate::billing::documents::MAX_ITEMS;
use crate::error::ApiResult;
use crate::http::OptionalJson;
use crate::money::{bounded, check_quantity};
use crate::paging::Page;
use crate::render::DocKind;
use crate::state::AppState;
use crate::views::credit_notes::{CreditNoteView, render, show_one};
use crate::views::invoices::show_one as show_invoice;

#[derive(Serialize, ToSchema)]
pub struct CreditNoteEnvelope {
    data: CreditNoteView,
}

#[derive(Serialize, ToSchema)]
pub struct CreditNoteList {
    data: Vec<CreditNoteView>,
    meta: ListMeta,
}

/// A line to credit: an item of the invoice and how much of its quantity.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct CreditItemInput {
    #[schema(example = 181)]
    invoice_item_id: i64,
    /// At most what remains to be credited of the item (its quantity less what earlier
    /// credit notes credited); up to 4 decimals.
    #[schema(example = "2")]
    quantity: String,
}

/// The body of a credit note, wrapped (`{"credit_note": {...}}`) or bare. No `items` and
/// no `amount` (or no body): the whole remainder of the invoice. `items`: those lines and
/// quantities, at the invoice's prices and tax rates. `amount`: that much, tax included,
/// split over the invoice's taxes in proportion; a `reason` is then required.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"credit_note": {"items": [{"invoice_item_id": 181, "quantity": "1"}],
    "reason": "One licence returned"}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct CreditNoteInput {
    /// Up to 100 lines, each named once.
    items: Option<Vec<CreditItemInput>>,
    /// A decimal in major units of the invoice's currency (`"50.00"`), tax included,
    /// greater than 0, at most what remains to be credited.
    amount: Option<String>,
    /// Why (shown on the credit note); up to 1000 characters. Required with `amount`.
    reason: Option<String>,
    /// Default: now. Not before the invoice's `issued_at`.
    issued_at: Option<String>,
}

/// The body of `apply_credit`, wrapped (`{"credit": {...}}`) or bare.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"amount": "25.00"}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct ApplyCreditInput {
    /// Major units; at most the customer's credit balance in the invoice's currency and
    /// the invoice's balance. Default: as much as both allow.
    amount: Option<String>,
}

fn read_credit_note(form: &mut Form, obj: &Obj) -> NewCreditNote {
    let amount = form.decimal(obj, "amount", bounded);
    let amount = form.not_null(obj, "amount", amount, false);
    let reason = form.string(obj, "reason", 1000).change().flatten();
    let issued_at = form.timestamp(obj, "issued_at");
    let issued_at = form.not_null(obj, "issued_at", issued_at, false);
    let lines = match form.objects(obj, "items", MAX_ITEMS, "items") {
        Patch::Set(entries) => {
            if entries.is_empty() {
                form.error(
                    obj,
                    "items",
                    "can't be empty: leave it out to credit the whole invoice",
                );
            }
            let lines: Vec<Option<(i64, rust_decimal::Decimal)>> = entries
                .iter()
                .map(|entry| {
                    let id = form.integer(entry, "invoice_item_id");
                    let id = form.not_null(entry, "invoice_item_id", id, true);
                    let quantity = form.decimal(entry, "quantity", check_quantity);
                    let quantity = form.not_null(entry, "quantity", quantity, true);
                    id.zip(quantity)
                })
                .collect();
            Some(lines.into_iter().flatten().collect::<Vec<_>>())
        }
        _ => None,
    };
    let asked = match (lines, amount) {
        (Some(_), Some(_)) => {
            form.error(obj, "amount", "give either items or an amount, not both");
            Asked::Whole
        }
        (Some(lines), None) => Asked::Lines(lines),
        (None, Some(amount)) => Asked::Amount(amount),
        (None, None) => Asked::Whole,
    };
    NewCreditNote {
        asked,
        reason,
        issued_at,
    }
}

#[utoipa::path(
    post, path = "/invoices/{id}/credit_notes", tag = "Credit notes",
    summary = "Issue a credit note on an invoice: the whole remainder, chosen lines, or an amount",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = CreditNoteInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Issued: the credit note (the invoice's balance is lowered; what a paid invoice cannot take goes to the customer's credit balance)", body = CreditNoteEnvelope,
         headers(("Location" = String, description = "The new credit note's url"))),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named: a quantity or amount above what remains to be credited, an unknown item, an amount without a reason; or a draft or void invoice", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "credit_note")?;
    let mut form = Form::new();
    let new = read_credit_note(&mut form, &obj);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = credit_notes::create::create(&mut tx, auth.business_id, id, &new, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct CreditNoteListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 25).
    per_page: Option<i64>,
    /// `issued_at`, `created_at` (the default), `number` or `total`; prefix `-` for
    /// descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc`. Ransack filters
    /// `q[<attribute>_<predicate>]=value` are taken too (see the README).
    s: Option<String>,
    /// Search in the number, the reason, the invoice's number and the customer's name.
    q: Option<String>,
    /// issued or sent.
    status: Option<String>,
    customer_id: Option<i64>,
    invoice_id: Option<i64>,
    /// Issued at or after (a date or an ISO 8601 timestamp).
    issued_from: Option<String>,
    /// Issued at or before.
    issued_to: Option<String>,
}

#[utoipa::path(
    get, path = "/credit_notes", tag = "Credit notes",
    summary = "List credit notes (paginated)",
    params(CreditNoteListParams),
    responses(
        (status = 200, description = "A page of credit notes", body = CreditNoteList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<CreditNoteView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page_of(DOCUMENTS_PER_PAGE);
    let sort = query.sort(&credit_notes::SORTS, ("created_at", false));
    let filter = Filter {
        status: query.one_of("status", &STATUSES),
        customer_id: query.id("customer_id"),
        invoice_id: query.id("invoice_id"),
        q: query.string("q"),
        issued_from: query.from_bound("issued_from"),
        issued_before: query.to_bound_exclusive("issued_to"),
        conditions: query.ransack(crate::billing::search::CREDIT_NOTES),
    };
    query.finish()?;
    let found = credit_notes::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let views = Page {
        items: render(state.views(), found.items)?,
        total: found.total,
    };
    Ok(Paginated::new(page, views, &state.config.public_url, uri))
}

#[utoipa::path(
    get, path = "/credit_notes/{id}", tag = "Credit notes",
    summary = "Show a credit note, with the invoice it corrects (`7.pdf` or `Accept: application/pdf`: its PDF; `7.xml` or `Accept: application/xml`: its e-invoice)",
    params(("id" = i64, Path, description = "Credit note id (`7`, `7.json`, `7.pdf` or `7.xml`)"),
           ("syntax" = Option<String>, Query, description = "With `.xml` or `Accept: application/xml`: `ubl` (default) or `cii`")),
    responses(
        (status = 200, description = "The credit note (or its PDF)", body = CreditNoteEnvelope),
        (status = 404, description = "No such credit note in this business", body = ErrorResponse),
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
    let syntax = query.string("syntax");
    query.finish()?;
    if !pdf && (xml || crate::api::einvoice::wants_xml(&headers)) {
        let syntax = crate::api::einvoice::syntax(syntax)?;
        let answer = crate::api::einvoice::answer::<credit_notes::CreditNote>(
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
            crate::api::pdf::answer(&state, auth.business_id, DocKind::CreditNote, id, &headers);
        return Ok(crate::api::pdf::vary_on_accept(answer.await?));
    }
    let mut conn = state.pool.acquire().await?;
    let view = show_one(&mut conn, state.views(), auth.business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(crate::api::pdf::vary_on_accept(data(view)))
}

#[utoipa::path(
    get, path = "/credit_notes/{id}/pdf", tag = "Credit notes",
    summary = "The credit note as a PDF (PDF/A-3b; Factur-X when e-invoice ready)",
    description = "PDF/A-3b. When the credit note is `einvoice_ready`, a Factur-X 1.0 \
                   PDF at the EN 16931 profile: its CII e-invoice (as `.xml?syntax=cii` \
                   answers it) attached as `factur-x.xml`, relationship Alternative, with \
                   the Factur-X XMP metadata (README: E-invoices).",
    params(("id" = i64, Path, description = "Credit note id")),
    responses(
        (status = 200, description = "The credit note's PDF", content_type = "application/pdf", body = String,
         headers(
            ("ETag" = String, description = "The document's version: send it back as If-None-Match"),
            ("Content-Disposition" = String, description = "`inline; filename=\"CN-0001.pdf\"`"),
         )),
        (status = 304, description = "Not modified: If-None-Match names this version"),
        (status = 404, description = "No such credit note in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn pdf(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: HeaderMap,
) -> ApiResult<Response> {
    crate::api::pdf::answer(&state, auth.business_id, DocKind::CreditNote, id, &headers).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/apply_credit", tag = "Credit notes",
    summary = "Apply the customer's credit balance to the invoice (all it can take, or an amount)",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = ApplyCreditInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice, its balance lowered by the credit applied", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "No credit, no balance, an amount above either, or a draft or void invoice", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn apply_credit(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "credit")?;
    let mut form = Form::new();
    let amount = form.decimal(&obj, "amount", bounded);
    let amount = form.not_null(&obj, "amount", amount, false);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = apply::apply_credit(&mut tx, auth.business_id, id, amount, now).await?;
    write::commit(&state, tx, outcome, now).await?;
    let mut conn = state.pool.acquire().await?;
    let invoice = show_invoice(&mut conn, state.views(), auth.business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(invoice))
}
