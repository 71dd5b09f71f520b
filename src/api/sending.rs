//! The email actions: `POST /invoices/{id}/send_invoice`, `POST
//! /invoices/{id}/send_reminder` and `POST /quotes/{id}/send`. Each answers at once with
//! the document; the email itself goes out from a job (`jobs::email`).

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::docs::{ErrorResponse, IdempotencyHeader};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj};
use crate::api::invoices::{InvoiceEnvelope, show_one as show_invoice};
use crate::api::quotes::{QuoteEnvelope, show_one as show_quote};
use crate::api::render::Views;
use crate::api::response::data;
use crate::app::AppState;
use crate::auth::Auth;
use crate::billing::sending::{self, Delivery};
use crate::error::ApiResult;
use crate::http::OptionalJson;

/// The most addresses one of `to` and `cc` may name.
const MAX_RECIPIENTS: usize = 20;

/// Every field optional; the body itself may be left out.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"to": ["procurement@texas.com"], "cc": "accounts@texas.com",
    "subject": "Invoice INV-0001 from Flixtechs", "message": "Thank you for your business."}))]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct SendInput {
    /// An address or a list of them; default: the customer's email.
    #[schema(value_type = Option<Vec<String>>)]
    to: Option<Value>,
    /// An address or a list of them.
    #[schema(value_type = Option<Vec<String>>)]
    cc: Option<Value>,
    /// Default: "Invoice INV-0001 from <business>" (or the reminder's / quote's).
    subject: Option<String>,
    /// Shown above the document.
    message: Option<String>,
}

fn read_delivery(body: Value, wrapper: &str) -> ApiResult<Delivery> {
    let obj = Obj::from_body(body, wrapper)?;
    let mut form = Form::new();
    let to = form
        .emails(&obj, "to", MAX_RECIPIENTS)
        .set()
        .unwrap_or_default();
    let cc = form
        .emails(&obj, "cc", MAX_RECIPIENTS)
        .set()
        .unwrap_or_default();
    let subject = form.string(&obj, "subject", 255).set();
    let message = form.string(&obj, "message", 10_000).set();
    form.finish()?;
    Ok(Delivery {
        to,
        cc,
        subject: subject.map(|s| s.replace(['\r', '\n'], " ")),
        message,
    })
}

async fn invoice_answer(state: &AppState, business_id: i64, id: i64) -> ApiResult<Response> {
    let mut conn = state.pool.acquire().await?;
    let view = show_invoice(&mut conn, &state.config.public_url, business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(view))
}

#[utoipa::path(
    post, path = "/invoices/{id}/send_invoice", tag = "Invoices",
    summary = "Email the invoice (a draft becomes sent); emailed_at is set once the mail server accepts it",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice, now sent; the email is on its way", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses, no recipient at all, or a void invoice", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(body, "invoice")?;
    sending::send_invoice(
        &state.pool,
        &Views::of(&state),
        auth.business_id,
        id,
        &delivery,
        state.clock.now(),
    )
    .await?;
    invoice_answer(&state, auth.business_id, id).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/send_reminder", tag = "Invoices",
    summary = "Email a payment reminder now",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice; the reminder is on its way", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses, no recipient, or a draft, paid or void invoice", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_reminder(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(body, "invoice")?;
    sending::send_reminder(
        &state.pool,
        auth.business_id,
        id,
        &delivery,
        state.clock.now(),
    )
    .await?;
    invoice_answer(&state, auth.business_id, id).await
}

#[utoipa::path(
    post, path = "/quotes/{id}/send", tag = "Quotes",
    summary = "Email the quote (a draft becomes sent); emailed_at is set once the mail server accepts it",
    params(("id" = i64, Path, description = "Quote id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The quote, now sent; the email is on its way", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses, no recipient, or an expired, rejected or invoiced quote", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_quote(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(body, "quote")?;
    sending::send_quote(
        &state.pool,
        &Views::of(&state),
        auth.business_id,
        id,
        &delivery,
        state.clock.now(),
    )
    .await?;
    let mut conn = state.pool.acquire().await?;
    let view = show_quote(
        &mut conn,
        &state.config.public_url,
        auth.business_id,
        id,
        false,
    )
    .await?
    .ok_or_else(record_not_found)?;
    Ok(data(view))
}
