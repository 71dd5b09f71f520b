//! Recurring invoices over HTTP: `PATCH /invoices/{id}/recurring` makes an invoice the
//! template of a schedule; `GET/PATCH/DELETE /invoices/{id}/invoices_subscription` show,
//! change (pause, resume) and cancel it. The runs are `billing::recurring`'s sweep.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::docs::ErrorResponse;
use crate::api::ids::Id;
use crate::api::input::{Form, Obj, Patch};
use crate::api::response::{created, data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::recurring::{self, Changes, FREQUENCIES, IfMissing};
use crate::billing::schedule_phrase;
use crate::billing::status::SubscriptionStatus;
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::subscriptions::SubscriptionView;

#[derive(Serialize, ToSchema)]
pub struct SubscriptionEnvelope {
    data: SubscriptionView,
}

/// Wrapped in `invoices_subscription` (or `recurring`, `subscription`) or bare. Ours
/// (`frequency`, `interval`, `max_occurrences`) or Koteshen's pages' (`schedule`,
/// `quantity`) names.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"invoices_subscription": {"schedule": "every month",
    "ends_at": "2025-11-30", "quantity": 12}}))]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct SubscriptionInput {
    /// daily, weekly, monthly, quarterly or yearly; required to make an invoice recurring.
    frequency: Option<String>,
    /// 1 to 1000 (default 1).
    interval: Option<i32>,
    /// Koteshen's phrase instead of `frequency` + `interval`: `every month`, `every 3
    /// months`, `every week`, `every 2 weeks`, `every day`, `every year`, `every
    /// quarter`, `every other week`, or `monthly` etc.
    schedule: Option<String>,
    /// The schedule's anchor; default now. Runs keep its local day and time of day in
    /// the business's time zone (month ends clamp: Jan 31 → Feb 28 → Mar 31). In the
    /// past, nothing is backfilled: the first run is the next occurrence at or after
    /// now, or `starts_at` itself (at once) when it is less than one period ago.
    starts_at: Option<String>,
    /// No run after this: a timestamp, or a date (`2025-11-30`, `30 Nov 2025`), which
    /// includes that day (in the business's time zone).
    ends_at: Option<String>,
    /// At most this many invoices.
    max_occurrences: Option<i32>,
    /// Koteshen's name for `max_occurrences`.
    quantity: Option<i32>,
    auto_send: Option<bool>,
    /// `paused` or `active` (pause, resume; a resumed schedule does not catch up).
    status: Option<String>,
}

/// A request's changes to a schedule, every field checked (all errors answered together).
fn read_changes(body: Value) -> ApiResult<Changes> {
    let obj = Obj::from_body(unwrapped(body), "invoices_subscription")?;
    let mut form = Form::new();
    let (frequency, interval) = read_schedule(&mut form, &obj);
    let starts_at = form.timestamp(&obj, "starts_at");
    if matches!(starts_at, Patch::Null) {
        form.error(&obj, "starts_at", "can't be blank");
    }
    let (ends_at, ends_on) = read_end(&mut form, &obj);
    let max_occurrences = read_max_occurrences(&mut form, &obj);
    let auto_send = form.boolean(&obj, "auto_send");
    if matches!(auto_send, Patch::Null) {
        form.error(&obj, "auto_send", "can't be blank");
    }
    let status = form.one_of(&obj, "status", &SubscriptionStatus::REQUESTABLE_NAMES);
    if matches!(status, Patch::Null) {
        form.error(&obj, "status", "can't be blank");
    }
    form.finish()?;
    Ok(Changes {
        frequency,
        interval,
        starts_at: starts_at.set(),
        ends_at,
        ends_on,
        max_occurrences,
        auto_send: auto_send.set(),
        status: status.set().as_deref().and_then(SubscriptionStatus::parse),
    })
}

/// The body's `recurring` or `subscription` object when it sends one.
fn unwrapped(body: Value) -> Value {
    match body {
        Value::Object(mut map) => {
            match ["recurring", "subscription"]
                .iter()
                .find_map(|key| map.remove(*key).filter(Value::is_object))
            {
                Some(inner) => inner,
                None => Value::Object(map),
            }
        }
        other => other,
    }
}

/// `frequency` and `interval`, or Koteshen's `schedule` phrase when neither is sent.
fn read_schedule(form: &mut Form, obj: &Obj) -> (Option<String>, Option<i32>) {
    let phrase = if obj.has("frequency") || obj.has("interval") {
        Patch::Absent
    } else {
        match form.string(obj, "schedule", 64) {
            Patch::Set(text) => match schedule_phrase::parse(&text) {
                Some((frequency, n)) => Patch::Set((frequency.to_string(), n as i32)),
                None => {
                    form.error(
                        obj,
                        "schedule",
                        "is invalid (expected e.g. \"every month\", \"every 3 months\", \"every 2 weeks\")",
                    );
                    Patch::Invalid
                }
            },
            Patch::Null => {
                form.error(obj, "schedule", "can't be blank");
                Patch::Invalid
            }
            other => other.map(|_| (String::new(), 1)),
        }
    };
    let frequency = form.one_of(obj, "frequency", &FREQUENCIES);
    if matches!(frequency, Patch::Null) {
        form.error(obj, "frequency", "can't be blank");
    }
    let interval = match form.integer(obj, "interval") {
        Patch::Set(n) if (1..=1000).contains(&n) => Some(n as i32),
        Patch::Set(_) | Patch::Null => {
            form.error(obj, "interval", "must be from 1 to 1000");
            None
        }
        _ => None,
    };
    match phrase {
        Patch::Set((frequency, n)) => (Some(frequency), Some(n)),
        _ => (frequency.set(), interval),
    }
}

/// `ends_at`: a date (`ends_on`, that whole local day) or else a timestamp.
fn read_end(form: &mut Form, obj: &Obj) -> (Option<Option<DateTime<Utc>>>, Option<NaiveDate>) {
    let ends_on = match form.raw(obj, "ends_at").and_then(Value::as_str) {
        Some(text) => schedule_phrase::date(text),
        None => None,
    };
    let ends_at = if ends_on.is_some() {
        None
    } else {
        form.timestamp(obj, "ends_at").change()
    };
    (ends_at, ends_on)
}

/// `max_occurrences`, or Koteshen's `quantity`.
fn read_max_occurrences(form: &mut Form, obj: &Obj) -> Option<Option<i32>> {
    let occurrences_field = obj.spelled("max_occurrences", "quantity");
    let mut occurrences = |field: &str| match form.integer(obj, field) {
        Patch::Set(n) if (1..=100_000).contains(&n) => Some(Some(n as i32)),
        Patch::Set(_) => {
            form.error(obj, field, "must be from 1 to 100000");
            None
        }
        Patch::Null => Some(None),
        _ => None,
    };
    let max_occurrences = occurrences(occurrences_field);
    if occurrences_field == "max_occurrences" && obj.has("quantity") {
        // Ours wins, but the page's spelling sent beside it is still checked.
        occurrences("quantity");
    }
    max_occurrences
}

#[utoipa::path(
    patch, path = "/invoices/{id}/recurring", tag = "Invoices",
    summary = "Make the invoice recurring (or change its schedule): one new invoice per period",
    params(("id" = i64, Path, description = "The template invoice's id")),
    request_body(content = SubscriptionInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The schedule (Koteshen's page answers 201)", body = SubscriptionEnvelope,
         headers(("Location" = String, description = "The schedule's url"))),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn recurring(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let changes = read_changes(body)?;
    let sub = recurring::save(
        &state.pool,
        auth.business_id,
        id,
        &changes,
        IfMissing::Create,
        state.clock.now(),
    )
    .await?;
    let view = SubscriptionView::new(sub, &state.config.public_url);
    Ok(created(&view.url.clone(), view))
}

#[utoipa::path(
    get, path = "/invoices/{id}/invoices_subscription", tag = "Invoices",
    summary = "Show the invoice's recurring schedule",
    params(("id" = i64, Path, description = "The template invoice's id")),
    responses(
        (status = 200, description = "The schedule", body = SubscriptionEnvelope),
        (status = 404, description = "No such invoice in this business, or it does not recur", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let sub = recurring::find(&state.pool, auth.business_id, id).await?;
    Ok(data(SubscriptionView::new(sub, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/invoices/{id}/invoices_subscription", tag = "Invoices",
    summary = "Change the schedule; status paused or active pauses and resumes it",
    params(("id" = i64, Path, description = "The template invoice's id")),
    request_body(content = SubscriptionInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The schedule", body = SubscriptionEnvelope),
        (status = 404, description = "No such invoice in this business, or it does not recur", body = ErrorResponse),
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
    let changes = read_changes(body)?;
    let sub = recurring::save(
        &state.pool,
        auth.business_id,
        id,
        &changes,
        IfMissing::NotFound,
        state.clock.now(),
    )
    .await?;
    Ok(data(SubscriptionView::new(sub, &state.config.public_url)))
}

#[utoipa::path(
    delete, path = "/invoices/{id}/invoices_subscription", tag = "Invoices",
    summary = "Stop the invoice recurring (the invoices already made stay)",
    params(("id" = i64, Path, description = "The template invoice's id")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, description = "No such invoice in this business, or it does not recur", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn cancel(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let mut tx = write::begin(&state).await?;
    recurring::cancel(&mut tx, auth.business_id, id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(no_content())
}
