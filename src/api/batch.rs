//! `POST /api/v1/invoices/batch`: up to 100 invoices in one request, all created or none.
//! Every invoice is read as `POST /invoices` reads one and created by the same billing
//! function, in one transaction: the numbers are consecutive (the counter row is held
//! to the commit), and every refusal is named by its index (`invoices[3].…`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Acquire;
use utoipa::ToSchema;

use crate::api::docs::{ErrorResponse, IdempotencyHeader};
use crate::api::input::{Form, Obj, Patch};
use crate::api::invoices::InvoiceInput;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::state::AppState;
use crate::views::invoices::InvoiceView;

/// At most this many invoices in one request.
pub const MAX_INVOICES: usize = 100;

#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct BatchInput {
    /// 1 to 100 invoices, each as `POST /invoices` takes one (bare, not wrapped).
    invoices: Vec<InvoiceInput>,
}

#[derive(Serialize, ToSchema)]
pub struct BatchAnswer {
    /// The invoices created, in request order, numbered consecutively.
    data: Vec<InvoiceView>,
}

/// A refusal of invoice `i` as errors under its index.
fn under_index(i: usize, error: BillingError, errors: &mut FieldErrors) -> Result<(), ApiError> {
    let prefix = format!("invoices[{i}].");
    match error {
        BillingError::Invalid(fields) | BillingError::Locked(_, fields) => {
            errors.merge_prefixed(&prefix, fields);
        }
        BillingError::Refused(message) => errors.add(format!("invoices[{i}]"), message),
        BillingError::NotFound => errors.add(format!("invoices[{i}]"), "was not found"),
        other => return Err(other.into()),
    }
    Ok(())
}

#[utoipa::path(
    post, path = "/invoices/batch", tag = "Invoices",
    summary = "Create up to 100 invoices at once: all or none",
    description = "Each invoice is checked and created as `POST /invoices` does it, in one \
        transaction: when any is refused, none is created and the 422 names every problem \
        by the invoice's index (`invoices[3].items_attributes[0].quantity`); otherwise all \
        are created, numbered consecutively, each with its `invoice.created` event.",
    params(IdempotencyHeader),
    request_body(content = BatchInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Every invoice, created", body = BatchAnswer),
        (status = 422, description = "Nothing created; every invalid field named by index", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn batch(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "batch")?;
    let mut form = Form::new();
    let entries = match form.objects(&obj, "invoices", MAX_INVOICES, "invoices") {
        Patch::Set(_)
            if form
                .raw(&obj, "invoices")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty) =>
        {
            form.error(&obj, "invoices", "can't be empty");
            Vec::new()
        }
        Patch::Set(entries) => entries,
        Patch::Absent | Patch::Null => {
            form.error(&obj, "invoices", "can't be blank");
            Vec::new()
        }
        Patch::Invalid => Vec::new(),
    };
    let changes: Vec<_> = entries
        .iter()
        .map(|entry| crate::api::invoices::read_changes(&mut form, entry, true))
        .collect();
    form.finish()?;

    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let mut outcome = Outcome::none();
    let mut errors = FieldErrors::new();
    for (i, invoice) in changes.iter().enumerate() {
        // A savepoint each: a refusal the database makes (a number taken) leaves the
        // transaction usable, so every invoice is checked.
        let mut step = tx.begin().await?;
        match invoices::create(&mut step, auth.business_id, invoice, now).await {
            Ok(created) => {
                step.commit().await?;
                outcome = outcome.and(created);
            }
            Err(error) => {
                step.rollback().await?;
                under_index(i, error, &mut errors)?;
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let published = write::publish(&state, &mut tx, outcome, now).await?;
    let data = published.of(EventType::InvoiceCreated);
    let answer = (StatusCode::CREATED, axum::Json(json!({ "data": data }))).into_response();
    write::answer(tx, answer).await
}

/// The input limits for the OpenAPI document (`spec_limits`).
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Value)> {
    vec![(
        "BatchInput",
        "invoices",
        json!({"minItems": 1, "maxItems": MAX_INVOICES}),
    )]
}
