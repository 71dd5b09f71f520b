//! The email actions: `POST /invoices/{id}/send_invoice`, `POST
//! /invoices/{id}/send_reminder` and `POST /quotes/{id}/send`. Each answers at once with
//! the document (the invoice ones also with Koteshen's `message`, `invoice_id`,
//! `sent_at`); the email itself goes out from a job (`jobs::email`). Bodies are ours
//! (`to`, `cc`, `subject`, `message`) or Koteshen's send forms (`send_invoice_form` /
//! `send_reminder_form` with `recipient`, `copy`, `subject`, `content`).
//!
//! An email goes to at most `EMAIL_MAX_RECIPIENTS` addresses, `to` and `cc` together
//! (the customer's address when `to` is left out counts as one); a business sends at
//! most `EMAIL_QUOTA_PER_HOUR` / `EMAIL_QUOTA_PER_DAY` emails in a rolling hour / day,
//! past which a send answers 429 with `Retry-After` and changes nothing. Each answer is
//! made on the send's transaction and committed with it (`write::answer`).

use axum::extract::State;

use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::PgConnection;
use utoipa::ToSchema;

use crate::api::credit_notes::CreditNoteEnvelope;
use crate::api::docs::{ErrorResponse, IdempotencyHeader};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj};
use crate::api::quotes::QuoteEnvelope;
use crate::api::response::data;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::emailed::{DocumentEmail, Quota};
use crate::billing::sending::{self, Delivery, Sent};
use crate::error::{ApiError, ApiResult};
use crate::http::OptionalJson;
use crate::mail::content;
use crate::state::AppState;
use crate::timestamp;
use crate::views::credit_notes::show_one as show_credit_note;
use crate::views::invoices::{InvoiceView, show_one as show_invoice};
use crate::views::quotes::show_one as show_quote;

/// Every field optional; the body itself may be left out. Wrapped in
/// `send_invoice_form` / `send_reminder_form` (Koteshen's), `invoice`, or bare.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"send_invoice_form": {"recipient": "procurement@texas.com",
    "copy": "accounts@texas.com, ceo@texas.com", "subject": "Invoice #INV-0001 from Flixtechs",
    "content": "<div>Hi {{ invoice.customer.name }}, invoice #{{ invoice.number }} for {{ invoice.balance }} is due {{ invoice.due_at }}. {%- button url: invoice.pay_url -%}Pay Now{%- endbutton -%}</div>"}}))]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct SendInput {
    /// An address or a list of them; default: the customer's email. `to` and `cc`
    /// together name at most `EMAIL_MAX_RECIPIENTS` (10) addresses.
    #[schema(value_type = Option<Vec<String>>)]
    to: Option<Value>,
    /// Koteshen's name for `to`: an address (or several, comma-separated).
    recipient: Option<String>,
    /// An address or a list of them.
    #[schema(value_type = Option<Vec<String>>)]
    cc: Option<Value>,
    /// Koteshen's name for `cc`: addresses, comma-separated.
    copy: Option<String>,
    /// Default: "Invoice INV-0001 from <business>" (or the reminder's / quote's); with
    /// Koteshen's form "Invoice #INV-0001 from <business>" and "Payment Reminder for
    /// Invoice #INV-0001".
    subject: Option<String>,
    /// Shown above the document.
    message: Option<String>,
    /// Invoices: HTML with Liquid tags that replaces the standard body (up to 50,000
    /// characters). Variables: `invoice.customer.name`, `invoice.number`,
    /// `invoice.balance` and `invoice.total` (formatted in the invoice's currency),
    /// `invoice.due_at`, `invoice.url`, `invoice.pay_url` (for now the invoice's `url`),
    /// `business.name`, all HTML-escaped; tags `if`, `unless`, `case`, `raw`, `comment`,
    /// the standard filters, and `{% button url: … %}Label{% endbutton %}`. A template
    /// error is a 422 under `errors.content` naming the line.
    content: Option<String>,
}

/// The answer to `send_invoice` and `send_reminder`: Koteshen's fields and the invoice.
#[derive(Serialize, ToSchema)]
pub struct SentAnswer {
    #[schema(example = "Invoice sent to procurement@texas.com")]
    message: String,
    #[schema(example = 150)]
    invoice_id: i64,
    /// When the email was queued (the invoice's `emailed_at` follows once the mail
    /// server accepts it).
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    sent_at: DateTime<Utc>,
    data: InvoiceView,
}

/// `"a@x.com, b@y.com"` as a list, so the address checks see each.
fn split_commas(map: &mut Map<String, Value>, field: &str) {
    if let Some(Value::String(list)) = map.get(field)
        && list.contains(',')
    {
        let parts = list
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Value::String(p.to_string()))
            .collect();
        map.insert(field.to_string(), Value::Array(parts));
    }
}

/// A template's syntax, checked on a blocking thread (parsing is CPU work) before the
/// send opens its transaction; names and values are checked with the invoice in it.
async fn check_syntax(content: String) -> ApiResult<()> {
    let checked = tokio::task::spawn_blocking(move || content::check_syntax(&content))
        .await
        .map_err(ApiError::internal)?;
    checked.map_err(|e| ApiError::invalid_field("content", e.to_string()))
}

async fn read_delivery(
    state: &AppState,
    body: Value,
    wrapper: &str,
    koteshen: Option<&str>,
) -> ApiResult<Delivery> {
    let max = state.config.limits.email_max_recipients;
    let mut koteshen_form = false;
    let body = match body {
        Value::Object(mut map) => {
            for name in koteshen.into_iter().chain([wrapper]) {
                if map.get(name).is_some_and(|v| !v.is_object()) {
                    return Err(ApiError::invalid_field(name, "must be a JSON object"));
                }
            }
            let inner = koteshen
                .and_then(|name| map.remove(name).filter(Value::is_object))
                .inspect(|_| koteshen_form = true)
                .or_else(|| map.remove(wrapper).filter(Value::is_object));
            match inner {
                Some(Value::Object(mut inner)) => {
                    split_commas(&mut inner, "recipient");
                    split_commas(&mut inner, "copy");
                    Value::Object(inner)
                }
                _ => {
                    split_commas(&mut map, "recipient");
                    split_commas(&mut map, "copy");
                    Value::Object(map)
                }
            }
        }
        other => other,
    };
    let obj = Obj::from_body(body, wrapper)?;
    koteshen_form |= ["recipient", "copy", "content"].iter().any(|f| obj.has(f));
    let mut form = Form::new();
    let (to_field, cc_field) = (obj.spelled("to", "recipient"), obj.spelled("cc", "copy"));
    let to = form.emails(&obj, to_field, max).set().unwrap_or_default();
    let cc = form.emails(&obj, cc_field, max).set().unwrap_or_default();
    // Left out, `to` is the customer's one address.
    if !cc.is_empty() && to.len().max(1) + cc.len() > max {
        form.error(
            &obj,
            cc_field,
            format!("is too long (at most {max} addresses in {to_field} and {cc_field} together)"),
        );
    }
    let subject = form.string(&obj, "subject", 255).set();
    let message = form.string(&obj, "message", 10_000).set();
    let content = if koteshen.is_some() {
        form.string(&obj, "content", content::MAX_LEN).set()
    } else {
        None
    };
    form.finish()?;
    if let Some(content) = &content {
        check_syntax(content.clone()).await?;
    }
    Ok(Delivery {
        to,
        cc,
        subject: subject.map(|s| s.replace(['\r', '\n'], " ")),
        message,
        content,
        koteshen_form,
    })
}

/// The invoice as the send's transaction has it, with Koteshen's fields.
async fn invoice_answer(
    tx: &mut PgConnection,
    state: &AppState,
    business_id: i64,
    id: i64,
    message: String,
    sent_at: DateTime<Utc>,
) -> ApiResult<Response> {
    let view = show_invoice(tx, state.views(), business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(axum::Json(SentAnswer {
        message,
        invoice_id: id,
        sent_at,
        data: view,
    })
    .into_response())
}

#[utoipa::path(
    post, path = "/invoices/{id}/send_invoice", tag = "Invoices",
    summary = "Email the invoice (a draft becomes sent); emailed_at is set once the mail server accepts it",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice, now sent; the email is on its way", body = SentAnswer),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses, more than EMAIL_MAX_RECIPIENTS (10) in to and cc together, no recipient at all, a template error in content, or a void invoice", body = ErrorResponse),
        (status = 429, description = "The business's email quota (per rolling hour and day) is used up; nothing changed",
         body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds until the oldest counted email leaves its window"))),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(&state, body, "invoice", Some("send_invoice_form")).await?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let sent = sending::send_invoice(
        &mut tx,
        &state.links,
        auth.business_id,
        id,
        &delivery,
        now,
        quota(&state),
    )
    .await?;
    within_quota(&sent, now)?;
    check_content(&mut tx, &state, &sent.email).await?;
    write::publish(&state, &mut tx, sent.outcome, now).await?;
    let message = format!("Invoice sent to {}", sent.email.to.join(", "));
    let answer = invoice_answer(&mut tx, &state, auth.business_id, id, message, now).await?;
    write::answer(tx, answer).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/send_reminder", tag = "Invoices",
    summary = "Email a payment reminder now",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The invoice; the reminder is on its way", body = SentAnswer),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses, no recipient, a template error in content, or a draft, paid or void invoice", body = ErrorResponse),
        (status = 429, description = "The business's email quota (per rolling hour and day) is used up; nothing changed",
         body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds until the oldest counted email leaves its window"))),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_reminder(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(&state, body, "invoice", Some("send_reminder_form")).await?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let sent = sending::send_reminder(&mut tx, auth.business_id, id, &delivery, now, quota(&state))
        .await?;
    within_quota(&sent, now)?;
    check_content(&mut tx, &state, &sent.email).await?;
    let message = format!("Reminder sent to {}", sent.email.to.join(", "));
    let answer = invoice_answer(&mut tx, &state, auth.business_id, id, message, now).await?;
    write::answer(tx, answer).await
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
        (status = 429, description = "The business's email quota (per rolling hour and day) is used up; nothing changed",
         body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds until the oldest counted email leaves its window"))),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_quote(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(&state, body, "quote", None).await?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let sent = sending::send_quote(
        &mut tx,
        &state.links,
        auth.business_id,
        id,
        &delivery,
        now,
        quota(&state),
    )
    .await?;
    within_quota(&sent, now)?;
    write::publish(&state, &mut tx, sent.outcome, now).await?;
    let view = show_quote(&mut tx, state.views(), auth.business_id, id, false)
        .await?
        .ok_or_else(record_not_found)?;
    write::answer(tx, data(view)).await
}

#[utoipa::path(
    post, path = "/credit_notes/{id}/send", tag = "Credit notes",
    summary = "Email the credit note with its PDF (issued becomes sent); emailed_at is set once the mail server accepts it",
    params(("id" = i64, Path, description = "Credit note id"), IdempotencyHeader),
    request_body(content = SendInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The credit note, now sent; the email is on its way", body = CreditNoteEnvelope),
        (status = 404, description = "No such credit note in this business", body = ErrorResponse),
        (status = 422, description = "Bad addresses or no recipient", body = ErrorResponse),
        (status = 429, description = "The business's email quota (per rolling hour and day) is used up; nothing changed",
         body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds until the oldest counted email leaves its window"))),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn send_credit_note(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OptionalJson(body): OptionalJson,
) -> ApiResult<Response> {
    let delivery = read_delivery(&state, body, "credit_note", None).await?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let sent = sending::send_credit_note(
        &mut tx,
        &state.links,
        auth.business_id,
        id,
        &delivery,
        now,
        quota(&state),
    )
    .await?;
    within_quota(&sent, now)?;
    check_content(&mut tx, &state, &sent.email).await?;
    write::publish(&state, &mut tx, sent.outcome, now).await?;
    let view = show_credit_note(&mut tx, state.views(), auth.business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    write::answer(tx, data(view)).await
}

fn quota(state: &AppState) -> Quota {
    Quota::from(&state.config.limits)
}

/// A send the quota has no room for now is refused (429, `Retry-After`: the seconds until
/// the oldest counted email leaves its window); the caller's transaction is dropped.
fn within_quota(sent: &Sent, now: DateTime<Utc>) -> ApiResult<()> {
    if sent.at <= now {
        return Ok(());
    }
    // Whole seconds, rounded up: a retry after them finds the room.
    let wait = ((sent.at - now).num_milliseconds().max(1) as u64).div_ceil(1000);
    Err(ApiError::too_many_requests(
        format!(
            "This business has used its email quota; the next email can be sent in {wait} seconds"
        ),
        i64::try_from(wait).unwrap_or(i64::MAX),
    ))
}

/// The send form's `content` rendered against the document as the transaction has it:
/// a template error is a 422 before anything is queued (the transaction is dropped).
async fn check_content(
    tx: &mut PgConnection,
    state: &AppState,
    job: &DocumentEmail,
) -> ApiResult<()> {
    match crate::jobs::email::check_content(tx, job, state.views()).await? {
        Ok(()) => Ok(()),
        Err(err) => Err(ApiError::invalid_field("content", err.to_string())),
    }
}
