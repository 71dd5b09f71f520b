//! `POST /api/v1/invoices/bulk`: one action on up to 100 invoices. Each invoice goes
//! through the single action's own handler (so its own transaction, rules, events and
//! errors), one after the other in request order; the answer lists each one's status
//! with the invoice or the single action's error body. A keyed request stores that
//! answer once every action has run (the actions inside keep off the key: `apart`).

use axum::Json as AxumJson;
use axum::body::to_bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::api::docs::{ErrorResponse, IdempotencyHeader};
use crate::api::ids::Id;
use crate::api::input::{Form, Obj, Patch};
use crate::api::{invoices, sending, write};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::http::idempotency;
use crate::http::json::OptionalJson;
use crate::state::AppState;

/// At most this many ids in one request.
pub const MAX_IDS: usize = 100;
pub const ACTIONS: [&str; 4] = ["mark_as_paid", "send", "void", "delete"];
/// The largest single answer read back (an invoice with its items).
const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// The action and the invoices it is for.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"action": "mark_as_paid", "ids": [12, 13, 99]}))]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct BulkInput {
    /// `mark_as_paid` (as `PATCH /invoices/{id}/mark_as_paid`), `send` (as `POST
    /// /invoices/{id}/send_invoice` with no body: to the customer's email), `void` (as
    /// `PATCH /invoices/{id}/status` with `void`) or `delete` (as `DELETE /invoices/{id}`).
    action: String,
    /// 1 to 100 invoice ids, handled in this order (an id given twice is handled twice).
    ids: Vec<i64>,
}

/// One invoice's outcome: its status as the single action answers it, and the invoice
/// (`data`) or that action's error body (`error`); a delete's 204 has neither.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    #[schema(example = 12)]
    id: i64,
    #[schema(example = 200)]
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ErrorResponse>)]
    error: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkAnswer {
    /// In request order.
    data: Vec<BulkResult>,
}

/// Reads the action and the ids, naming each problem.
fn read(body: Value) -> ApiResult<(&'static str, Vec<i64>)> {
    let obj = Obj::from_body(body, "bulk")?;
    let mut form = Form::new();
    let action = match form.one_of(&obj, "action", &ACTIONS) {
        Patch::Set(a) => ACTIONS.iter().copied().find(|x| *x == a),
        Patch::Absent | Patch::Null => {
            form.error(&obj, "action", "can't be blank");
            None
        }
        Patch::Invalid => None,
    };
    let ids = match form.ids(&obj, "ids", MAX_IDS, "ids") {
        Patch::Set(ids) if ids.is_empty() => {
            form.error(&obj, "ids", "can't be empty");
            None
        }
        Patch::Set(ids) => Some(ids),
        Patch::Absent | Patch::Null => {
            form.error(&obj, "ids", "can't be blank");
            None
        }
        Patch::Invalid => None,
    };
    form.finish()?;
    Ok((action.unwrap_or_default(), ids.unwrap_or_default()))
}

/// The single action's answer for one invoice.
async fn run(state: &AppState, auth: &Auth, action: &str, id: i64) -> Response {
    let answer = match action {
        "mark_as_paid" => invoices::mark_as_paid(State(state.clone()), auth.clone(), Id(id)).await,
        "send" => {
            let body = OptionalJson(json!({}));
            sending::send_invoice(State(state.clone()), auth.clone(), Id(id), body).await
        }
        "void" => {
            let body = Json(json!({"status": "void"}));
            invoices::set_status(State(state.clone()), auth.clone(), Id(id), body).await
        }
        "delete" => invoices::delete(State(state.clone()), auth.clone(), Id(id)).await,
        // `read` lets only `ACTIONS` through.
        other => Err(ApiError::invalid_field(
            "action",
            format!("{other} is not an action"),
        )),
    };
    answer.unwrap_or_else(IntoResponse::into_response)
}

async fn result(id: i64, response: Response) -> BulkResult {
    let status = response.status();
    let body = to_bytes(response.into_body(), MAX_ANSWER)
        .await
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    let (data, error) = match body {
        Some(mut body) if status.is_success() => (Some(body["data"].take()), None),
        Some(body) => (None, Some(body)),
        None => (None, None),
    };
    BulkResult {
        id,
        status: status.as_u16(),
        data,
        error,
    }
}

#[utoipa::path(
    post, path = "/invoices/bulk", tag = "Invoices",
    summary = "One action on up to 100 invoices, each as its single action does it",
    description = "Each invoice is handled in its own transaction by the single action's \
        own code, in request order; one failing changes nothing of the others. The answer \
        is 200 whenever the request itself is valid, with a result per id: its `status` \
        (200, 204 for a delete, or the single action's error status) and the invoice or \
        the error body. With an `Idempotency-Key`, a retry replays the whole answer.",
    params(IdempotencyHeader),
    request_body(content = BulkInput, content_type = "application/json"),
    responses(
        (status = 200, description = "A result per id, in request order", body = BulkAnswer),
        (status = 422, description = "An unknown action, no ids or more than 100, an id that is not one", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn bulk(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let (action, ids) = read(body)?;
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let response = idempotency::apart(run(&state, &auth, action, id)).await;
        results.push(result(id, response).await);
    }
    let answer = AxumJson(BulkAnswer { data: results }).into_response();
    // The answer is stored on a transaction of its own: each action committed on its own.
    let tx = state.pool.begin().await.map_err(ApiError::from)?;
    write::answer(tx, answer).await
}

/// The input limits for the OpenAPI document (`spec_limits`).
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "BulkInput",
            "action",
            json!({"type": "string", "enum": ACTIONS}),
        ),
        (
            "BulkInput",
            "ids",
            json!({"minItems": 1, "maxItems": MAX_IDS,
                   "items": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}),
        ),
    ]
}
