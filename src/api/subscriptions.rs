//! Recurring invoices over HTTP: `PATCH /invoices/{id}/recurring` makes an invoice the
//! template of a schedule; `GET/PATCH/DELETE /invoices/{id}/invoices_subscription` show,
//! change (pause, resume) and cancel it. The runs are `billing::recurring`'s sweep.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::docs::ErrorResponse;
use crate::api::ids::Id;
use crate::api::input::{Form, Obj, Patch};
use crate::api::response::{created, data, no_content};
use crate::auth::Auth;
use crate::billing::recurring::{self, Changes, FREQUENCIES, Subscription};
use crate::billing::schedule_phrase;
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::timestamp;

/// An invoice's recurring schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    #[schema(example = 4)]
    pub id: i64,
    /// The template invoice.
    #[schema(example = 150)]
    pub invoice_id: i64,
    /// daily, weekly, monthly, quarterly or yearly.
    #[schema(example = "monthly")]
    pub frequency: String,
    /// Koteshen's pages' phrase for `frequency` + `interval`.
    #[schema(example = "every month")]
    pub schedule: String,
    /// Every `interval` periods (≥ 1).
    #[schema(example = 1)]
    pub interval: i32,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2026-01-31T09:00:00.000Z")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<DateTime<Utc>>,
    pub max_occurrences: Option<i32>,
    /// Koteshen's name for `max_occurrences`.
    #[schema(example = 12)]
    pub quantity: Option<i32>,
    /// Each new invoice is emailed to the customer (and marked sent).
    pub auto_send: bool,
    /// active, paused or completed.
    #[schema(example = "active")]
    pub status: String,
    /// The next run (starts_at for the first, then one period later each time); null
    /// once completed.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-02-28T09:00:00.000Z")]
    pub next_run_at: Option<DateTime<Utc>>,
    /// Koteshen's name for `next_run_at`.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-02-28T09:00:00.000Z")]
    pub next_issue_at: Option<DateTime<Utc>>,
    /// Invoices made so far.
    #[schema(example = 1)]
    pub occurrences_count: i32,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/invoices/150/invoices_subscription")]
    pub url: String,
}

impl SubscriptionView {
    fn new(s: Subscription, public_url: &str) -> Self {
        SubscriptionView {
            url: format!(
                "{public_url}/api/v1/invoices/{}/invoices_subscription",
                s.invoice_id
            ),
            id: s.id,
            invoice_id: s.invoice_id,
            schedule: schedule_phrase::format(&s.frequency, s.interval),
            frequency: s.frequency,
            interval: s.interval,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            max_occurrences: s.max_occurrences,
            quantity: s.max_occurrences,
            auto_send: s.auto_send,
            status: s.status,
            next_run_at: s.next_run_at,
            next_issue_at: s.next_run_at,
            occurrences_count: s.occurrences_count,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

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
    /// The first run; default now. Later runs keep its local day and time of day in the
    /// business's time zone (month ends clamp: Jan 31 → Feb 28 → Mar 31).
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

fn read_changes(body: Value) -> ApiResult<Changes> {
    let body = match body {
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
    };
    let obj = Obj::from_body(body, "invoices_subscription")?;
    let mut form = Form::new();
    let phrase = if obj.has("frequency") || obj.has("interval") {
        Patch::Absent
    } else {
        match form.string(&obj, "schedule", 64) {
            Patch::Set(text) => match schedule_phrase::parse(&text) {
                Some((frequency, n)) => Patch::Set((frequency.to_string(), n as i32)),
                None => {
                    form.error(
                        &obj,
                        "schedule",
                        "is invalid (expected e.g. \"every month\", \"every 3 months\", \"every 2 weeks\")",
                    );
                    Patch::Invalid
                }
            },
            Patch::Null => {
                form.error(&obj, "schedule", "can't be blank");
                Patch::Invalid
            }
            other => other.map(|_| (String::new(), 1)),
        }
    };
    let frequency = form.one_of(&obj, "frequency", &FREQUENCIES);
    if matches!(frequency, Patch::Null) {
        form.error(&obj, "frequency", "can't be blank");
    }
    let interval = match form.integer(&obj, "interval") {
        Patch::Set(n) if (1..=1000).contains(&n) => Some(n as i32),
        Patch::Set(_) | Patch::Null => {
            form.error(&obj, "interval", "must be from 1 to 1000");
            None
        }
        _ => None,
    };
    let starts_at = form.timestamp(&obj, "starts_at");
    if matches!(starts_at, Patch::Null) {
        form.error(&obj, "starts_at", "can't be blank");
    }
    let ends_on = match form.raw(&obj, "ends_at").and_then(Value::as_str) {
        Some(text) => schedule_phrase::date(text),
        None => None,
    };
    let ends_at = if ends_on.is_some() {
        None
    } else {
        form.timestamp(&obj, "ends_at").change()
    };
    let occurrences_field = obj.spelled("max_occurrences", "quantity");
    let mut occurrences = |field: &str| match form.integer(&obj, field) {
        Patch::Set(n) if (1..=100_000).contains(&n) => Some(Some(n as i32)),
        Patch::Set(_) => {
            form.error(&obj, field, "must be from 1 to 100000");
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
    let auto_send = form.boolean(&obj, "auto_send");
    if matches!(auto_send, Patch::Null) {
        form.error(&obj, "auto_send", "can't be blank");
    }
    let status = form.one_of(&obj, "status", &["active", "paused"]);
    if matches!(status, Patch::Null) {
        form.error(&obj, "status", "can't be blank");
    }
    form.finish()?;
    let (frequency, interval) = match phrase {
        Patch::Set((frequency, n)) => (Some(frequency), Some(n)),
        _ => (frequency.set(), interval),
    };
    Ok(Changes {
        frequency,
        interval,
        starts_at: starts_at.set(),
        ends_at,
        ends_on,
        max_occurrences,
        auto_send: auto_send.set(),
        status: status.set(),
    })
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
        true,
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
        false,
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
    recurring::cancel(&state.pool, auth.business_id, id, state.clock.now()).await?;
    Ok(no_content())
}
