//! `/api/v1/invoices/{id}/invoices_reminders`: an invoice's scheduled payment reminders
//! (list, create, delete). Scheduling and sending live in `billing::reminders`.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, IdempotencyHeader, ListMeta};
use crate::api::ids::{Id, parse_id, record_not_found};
use crate::api::input::{Form, Obj, Patch};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{created, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::reminders::{self, NewReminder, UNITS, WHENS, max_count};
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::reminders::ReminderView;

#[derive(Serialize, ToSchema)]
pub struct ReminderEnvelope {
    data: ReminderView,
}

#[derive(Serialize, ToSchema)]
pub struct ReminderList {
    data: Vec<ReminderView>,
    meta: ListMeta,
}

/// `{"days": 3, "when": "before_due", "message": "…"}`, or Koteshen's pages' `{"count":
/// 28, "interval": "days", "condition": "after_due_date"}`, wrapped in
/// `invoices_reminder` (or `reminder`) or bare.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"invoices_reminder": {"count": 28, "interval": "days",
    "condition": "after_due_date"}}))]
#[allow(dead_code)] // documentation only: read by `input::Form`
pub struct ReminderInput {
    /// 0 to 3650; required unless `when` is `on_due`. Counts `interval`s.
    days: Option<i32>,
    /// before_due, on_due or after_due (this or `condition` is required).
    when: Option<String>,
    /// Koteshen's name for `days`: 0 to 3650 days, 520 weeks or 120 months.
    count: Option<i32>,
    /// days (the default), weeks or months.
    interval: Option<String>,
    /// Koteshen's name for `when`: before_due_date or after_due_date.
    condition: Option<String>,
    message: Option<String>,
}

/// Koteshen's `condition` values and ours.
const CONDITIONS: [(&str, &str); 3] = [
    ("before_due_date", "before_due"),
    ("after_due_date", "after_due"),
    ("on_due_date", "on_due"),
];

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct ReminderListParams {
    page: Option<i64>,
    per_page: Option<i64>,
    /// `scheduled_at` (the default), `created_at` or `count`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
}

#[utoipa::path(
    get, path = "/invoices/{id}/invoices_reminders", tag = "Invoices",
    summary = "List an invoice's reminders (by schedule)",
    params(("id" = i64, Path, description = "Invoice id"), ReminderListParams),
    responses(
        (status = 200, description = "A page of reminders", body = ReminderList),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<ReminderView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&reminders::SORTS, ("scheduled_at", false));
    let conditions = query.ransack(crate::billing::search::REMINDERS);
    query.finish()?;
    let found = reminders::list(&state.pool, auth.business_id, id, &conditions, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|r| ReminderView::new(r, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/invoices/{id}/invoices_reminders", tag = "Invoices",
    summary = "Schedule a reminder: days before, on or after the due date",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    request_body(content = ReminderInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Scheduled", body = ReminderEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named, or too many reminders", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let body = match body {
        Value::Object(mut map) if map.contains_key("reminder") => {
            map.remove("reminder").unwrap_or_default()
        }
        other => other,
    };
    let obj = Obj::from_body(body, "invoices_reminder")?;
    let mut form = Form::new();
    let when_field = obj.spelled("when", "condition");
    let when = if when_field == "condition" {
        let names: Vec<&str> = CONDITIONS.iter().map(|(theirs, _)| *theirs).collect();
        form.one_of(&obj, "condition", &names).map(|c| {
            let (_, ours) = CONDITIONS.iter().find(|(theirs, _)| *theirs == c).unwrap();
            ours.to_string()
        })
    } else {
        form.one_of(&obj, "when", &WHENS)
    };
    if matches!(when, Patch::Absent | Patch::Null) {
        form.error(&obj, when_field, "can't be blank");
    }
    let unit = form.one_of(&obj, "interval", &UNITS);
    let unit = form
        .not_null(&obj, "interval", unit, false)
        .unwrap_or_else(|| "days".into());
    let days_field = obj.spelled("days", "count");
    let days = form.integer(&obj, days_field);
    let on_due = matches!(&when, Patch::Set(w) if w == "on_due");
    let max = max_count(&unit);
    let days = match days {
        Patch::Set(d) if (0..=max).contains(&d) => d as i32,
        Patch::Set(_) => {
            form.error(&obj, days_field, format!("must be from 0 to {max} {unit}"));
            0
        }
        Patch::Absent | Patch::Null if !on_due => {
            form.error(&obj, days_field, "can't be blank");
            0
        }
        _ => 0,
    };
    let message = form.string(&obj, "message", 10_000).set();
    form.finish()?;
    let new = NewReminder {
        days,
        unit,
        when: when.set().unwrap_or_default(),
        message,
    };
    // On a transaction, so a keyed POST's answer commits with the reminder.
    let mut tx = write::begin(&state).await?;
    let reminder =
        reminders::create(&mut tx, auth.business_id, id, &new, state.clock.now()).await?;
    let view = ReminderView::new(reminder, &state.config.public_url);
    write::answer(tx, created(&view.url.clone(), view)).await
}

#[utoipa::path(
    delete, path = "/invoices/{id}/invoices_reminders/{reminder_id}", tag = "Invoices",
    summary = "Delete a reminder",
    params(
        ("id" = i64, Path, description = "Invoice id"),
        ("reminder_id" = i64, Path, description = "Reminder id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such reminder on this business's invoice", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, reminder_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (Some(id), Some(reminder_id)) = (parse_id(&id), parse_id(&reminder_id)) else {
        return Err(record_not_found());
    };
    let mut tx = write::begin(&state).await?;
    reminders::delete(&mut tx, auth.business_id, id, reminder_id).await?;
    tx.commit().await?;
    Ok(no_content())
}
