//! `/api/v1/payments/{id}/refunds`: money given back on a payment, in full or in part.
//! The rules (what is left of the payment, locking, the invoice re-settled, the event)
//! live in `billing::refunds`; handlers parse, call it, and render.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, IdempotencyHeader, ListMeta};
use crate::api::ids::{Id, parse_id, record_not_found};
use crate::api::input::{Form, Obj};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::data;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::payments::{self, METHODS};
use crate::billing::refunds::{self, NewRefund};
use crate::error::ApiResult;
use crate::http::OptionalJson;
use crate::state::AppState;
use crate::views::payments::PaymentView;
use crate::views::refunds::{RefundView, show_one};

#[derive(Serialize, ToSchema)]
pub struct RefundEnvelope {
    data: RefundView,
}

#[derive(Serialize, ToSchema)]
pub struct RefundList {
    data: Vec<RefundView>,
    meta: ListMeta,
}

/// The body of a refund, wrapped (`{"refund": {...}}`) or bare; every field optional (no
/// body, or an empty one, refunds all that is left of the payment).
#[derive(Debug, ToSchema)]
#[schema(example = json!({"refund": {"amount": "40.00", "payment_method": "bank_transfer",
    "reference": "EFT refund 2025-11-02", "refunded_at": "2025-11-02T00:00:00.000Z"}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct RefundInput {
    /// A decimal in major units of the payment's currency (`"40.00"`), greater than 0,
    /// with no more decimals than the currency has, at most what is left of the payment
    /// (its amount less its refunds). Default: all that is left (a full refund).
    amount: Option<String>,
    /// cash, bank_transfer, card, check or other. Default: the payment's.
    payment_method: Option<String>,
    reference: Option<String>,
    /// Default: now. Not before the payment's `paid_at`.
    refunded_at: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct RefundListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `refunded_at` (the default), `amount` or `created_at`; prefix `-` for descending.
    sort: Option<String>,
}

fn read_refund(form: &mut Form, obj: &Obj) -> NewRefund {
    let amount = form.decimal(obj, "amount", crate::money::bounded);
    let amount = form.not_null(obj, "amount", amount, false);
    let method = form.one_of(obj, "payment_method", &METHODS);
    let payment_method = form.not_null(obj, "payment_method", method, false);
    let refunded_at = form.timestamp(obj, "refunded_at");
    let refunded_at = form.not_null(obj, "refunded_at", refunded_at, false);
    NewRefund {
        amount,
        payment_method,
        reference: form.string(obj, "reference", 255).change().flatten(),
        refunded_at,
    }
}

/// The live payment of the path, as it stands (a 404 when the business has no such one).
async fn live_payment(state: &AppState, business_id: i64, id: i64) -> ApiResult<PaymentView> {
    let payment = payments::find(&state.pool, business_id, id, false)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(PaymentView::new(payment, &state.config.public_url))
}

#[utoipa::path(
    get, path = "/payments/{id}/refunds", tag = "Payments",
    summary = "List a payment's refunds (paginated)",
    params(("id" = i64, Path, description = "Payment id"), RefundListParams),
    responses(
        (status = 200, description = "A page of the payment's refunds", body = RefundList),
        (status = 404, description = "No such payment in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<RefundView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&refunds::SORTS, ("refunded_at", false));
    query.finish()?;
    let payment = live_payment(&state, auth.business_id, id).await?;
    let found = refunds::list(&state.pool, auth.business_id, id, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|r| RefundView::new(r, payment.clone(), public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/payments/{id}/refunds", tag = "Payments",
    summary = "Refund a payment, in full (no amount) or in part; its invoice is re-settled",
    params(("id" = i64, Path, description = "Payment id"), IdempotencyHeader),
    request_body(content = RefundInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Refunded: the refund, with its payment as it now stands", body = RefundEnvelope,
         headers(("Location" = String, description = "The new refund's url"))),
        (status = 404, description = "No such payment in this business", body = ErrorResponse),
        (status = 409, description = "A request with this Idempotency-Key is still running", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named: an amount above what is left of the payment, a payment already refunded in full", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "refund")?;
    let mut form = Form::new();
    let new = read_refund(&mut form, &obj);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = refunds::create(&mut tx, auth.business_id, id, &new, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[utoipa::path(
    get, path = "/payments/{id}/refunds/{refund_id}", tag = "Payments",
    summary = "Show a refund of a payment",
    params(
        ("id" = i64, Path, description = "Payment id"),
        ("refund_id" = i64, Path, description = "Refund id (`7` or `7.json`)"),
    ),
    responses(
        (status = 200, description = "The refund, with its payment", body = RefundEnvelope),
        (status = 404, description = "No such refund of this business's payment", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, refund_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (Some(id), Some(refund_id)) = (parse_id(&id), parse_id(&refund_id)) else {
        return Err(record_not_found());
    };
    let mut conn = state.pool.acquire().await?;
    let public_url = &state.config.public_url;
    let refund = show_one(&mut conn, public_url, auth.business_id, refund_id)
        .await?
        .filter(|r| r.payment_id == id && r.payment.discarded_at.is_none())
        .ok_or_else(record_not_found)?;
    Ok(data(refund))
}
