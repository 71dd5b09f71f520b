//! `/api/v1/webhook_endpoints`: subscriptions to the business's events, their signing
//! secrets, and the log of every delivery attempt. Delivery itself is `webhooks::`.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, IdempotencyHeader, ListMeta, ShowParams};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj, Patch};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{created, data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::events::TYPES;
use crate::error::{ApiError, ApiResult};
use crate::http::Json;
use crate::state::AppState;
use crate::views::webhooks::{DeliveryView, WebhookEndpointView};
use crate::webhooks::address;
use crate::webhooks::deliveries::{self};
use crate::webhooks::endpoints::{self, ALL_EVENTS, Changes};

#[derive(Serialize, ToSchema)]
pub struct WebhookEndpointEnvelope {
    data: WebhookEndpointView,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookEndpointList {
    data: Vec<WebhookEndpointView>,
    meta: ListMeta,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryList {
    data: Vec<DeliveryView>,
    meta: ListMeta,
}

/// The fields a create or update may send, wrapped (`{"webhook_endpoint": {...}}`) or
/// bare. On update every field is optional.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"url": "https://your-webhook-url.com/events",
    "enabled_events": ["invoice.overdue", "payment.received"]}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct WebhookEndpointInput {
    /// An http(s) URL on a public address. Required on create.
    url: String,
    /// Event types (`customer.created`, `invoice.overdue`, `payment.received`, …) or
    /// `*` for all. Required on create.
    enabled_events: Vec<String>,
    /// Update only: turn deliveries off or back on (which clears `disabled_reason`).
    enabled: Option<bool>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct WebhookEndpointListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `created_at` or `url`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// Include deleted endpoints.
    include_deleted: Option<bool>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct DeliveryListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// Only the attempts at this event (`evt_…`).
    event_id: Option<String>,
    /// `created_at` (newest first by default); prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,

    /// Also for a deleted endpoint.
    include_deleted: Option<bool>,
}

const URL_MAX: usize = 2048;
const WRAPPER: &str = "webhook_endpoint";
/// The most `enabled_events` one endpoint may list: every event type and `*`.
pub const MAX_EVENTS: usize = TYPES.len() + 1;

/// `enabled_events`: a list of known event types or `*` (a single string is a list of
/// one), deduplicated in the order given.
fn read_events(form: &mut Form, obj: &Obj, creating: bool) -> Option<Vec<String>> {
    let values = match form.raw(obj, "enabled_events") {
        None if !creating => return None,
        None | Some(Value::Null) => {
            form.error(obj, "enabled_events", "can't be blank");
            return None;
        }
        // Every type once, and `*`: more can only be repeats.
        Some(Value::Array(values)) if values.len() > MAX_EVENTS => {
            form.error(
                obj,
                "enabled_events",
                format!("is too long (maximum is {MAX_EVENTS} event types)"),
            );
            return None;
        }
        Some(Value::Array(values)) => values.clone(),
        Some(single) => vec![single.clone()],
    };
    let mut events: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for value in &values {
        let Value::String(name) = value else {
            form.error(obj, "enabled_events", "must be a list of event types");
            return None;
        };
        let name = name.trim().to_ascii_lowercase();
        if name != ALL_EVENTS && !TYPES.contains(&name.as_str()) {
            unknown.push(name);
        } else if !events.contains(&name) {
            events.push(name);
        }
    }
    if !unknown.is_empty() {
        form.error(
            obj,
            "enabled_events",
            format!(
                "has unknown event types: {} (known: {}, or * for all)",
                unknown.join(", "),
                TYPES.join(", ")
            ),
        );
        return None;
    }
    if events.is_empty() {
        form.error(obj, "enabled_events", "can't be blank");
        return None;
    }
    Some(events)
}

/// Reads a create or update body; the URL is checked (and its host resolved) here.
async fn read_changes(state: &AppState, body: Value, creating: bool) -> ApiResult<Changes> {
    let obj = Obj::from_body(body, WRAPPER)?;
    let mut form = Form::new();
    let url = form.string(&obj, "url", URL_MAX);
    let url = form.not_null(&obj, "url", url, creating);
    let enabled_events = read_events(&mut form, &obj, creating);
    let enabled = match form.boolean(&obj, "enabled") {
        Patch::Set(b) => Some(b),
        Patch::Null => {
            form.error(&obj, "enabled", "must be true or false");
            None
        }
        _ => None,
    };
    let url = match url {
        Some(raw) => match address::check_target(&raw, state.config.webhook_allow_private).await {
            Ok(parsed) => Some(parsed.to_string()),
            Err(message) => {
                form.error(&obj, "url", message);
                None
            }
        },
        None => None,
    };
    form.finish()?;
    Ok(Changes {
        url,
        enabled_events,
        enabled,
    })
}

#[utoipa::path(
    get, path = "/webhook_endpoints", tag = "Webhooks",
    summary = "List webhook endpoints (paginated; secrets are never shown)",
    params(WebhookEndpointListParams),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookEndpointList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<WebhookEndpointView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&endpoints::SORTS, ("created_at", false));
    let include_deleted = query.include_deleted();
    let conditions = query.ransack(crate::billing::search::WEBHOOK_ENDPOINTS);
    query.finish()?;
    let found = endpoints::list(
        &state.pool,
        auth.business_id,
        include_deleted,
        &conditions,
        sort,
        page,
    )
    .await?;
    let public_url = &state.config.public_url;
    let now = state.clock.now();
    let views = found.map(|e| WebhookEndpointView::new(e, public_url, now));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/webhook_endpoints", tag = "Webhooks",
    summary = "Subscribe: the answer carries the signing secret, shown this once",
    params(IdempotencyHeader),
    request_body(content = WebhookEndpointInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, with its `secret`", body = WebhookEndpointEnvelope,
         headers(("Location" = String, description = "The new endpoint's self_url"))),
        (status = 422, description = "Invalid fields (an unknown event type; a URL that is \
            not http(s) or points at a private or internal address), all named; or the \
            business already has `WEBHOOK_ENDPOINTS_PER_BUSINESS` endpoints (`base`)",
            body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let changes = read_changes(&state, body, true).await?;
    let (Some(url), Some(events)) = (changes.url, changes.enabled_events) else {
        // Both are required above; this is only the type system's due.
        return Err(ApiError::unprocessable(
            "url and enabled_events are required",
        ));
    };
    let now = state.clock.now();
    let cap = state.config.limits.webhook_endpoints_per_business;
    let mut tx = write::begin(&state).await?;
    let Some(endpoint) =
        endpoints::create(&mut tx, auth.business_id, &url, &events, cap, now).await?
    else {
        return Err(ApiError::invalid_field(
            "base",
            format!(
                "this business already has {cap} webhook endpoints, the most it may have; \
                 delete one first"
            ),
        ));
    };
    let view = WebhookEndpointView::with_secret(endpoint, &state.config.public_url, now);
    write::answer(tx, created(&view.self_url.clone(), view)).await
}

#[utoipa::path(
    get, path = "/webhook_endpoints/{id}", tag = "Webhooks",
    summary = "Show a webhook endpoint (without its secret)",
    params(("id" = i64, Path, description = "Endpoint id (`7` or `7.json`)"), ShowParams),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpointEnvelope),
        (status = 404, description = "No such endpoint in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let include_deleted = query.include_deleted();
    query.finish()?;
    let endpoint = endpoints::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(WebhookEndpointView::new(
        endpoint,
        &state.config.public_url,
        state.clock.now(),
    )))
}

#[utoipa::path(
    patch, path = "/webhook_endpoints/{id}", tag = "Webhooks",
    summary = "Update a webhook endpoint: url, enabled_events, enabled",
    params(("id" = i64, Path, description = "Endpoint id")),
    request_body(content = WebhookEndpointInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated endpoint", body = WebhookEndpointEnvelope),
        (status = 404, description = "No such endpoint in this business", body = ErrorResponse),
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
    // Another business's id answers 404 before its body is looked at (or resolved).
    if endpoints::find(&state.pool, auth.business_id, id, false)
        .await?
        .is_none()
    {
        return Err(record_not_found());
    }
    let changes = read_changes(&state, body, false).await?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let endpoint = endpoints::update(&mut tx, auth.business_id, id, &changes, now)
        .await?
        .ok_or_else(record_not_found)?;
    tx.commit().await?;
    Ok(data(WebhookEndpointView::new(
        endpoint,
        &state.config.public_url,
        now,
    )))
}

#[utoipa::path(
    delete, path = "/webhook_endpoints/{id}", tag = "Webhooks",
    summary = "Delete a webhook endpoint (nothing more is delivered to it)",
    params(("id" = i64, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let mut tx = write::begin(&state).await?;
    let discarded = endpoints::discard(&mut tx, auth.business_id, id, state.clock.now()).await?;
    tx.commit().await?;
    if discarded {
        Ok(no_content())
    } else {
        Err(record_not_found())
    }
}

#[utoipa::path(
    post, path = "/webhook_endpoints/{id}/rotate_secret", tag = "Webhooks",
    summary = "Issue a new signing secret (shown this once); the old one keeps signing \
               alongside it for 24 hours",
    params(("id" = i64, Path, description = "Endpoint id"), IdempotencyHeader),
    responses(
        (status = 200, description = "The endpoint, with its new `secret`",
         body = WebhookEndpointEnvelope),
        (status = 404, description = "No such endpoint in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let endpoint = endpoints::rotate_secret(&mut tx, auth.business_id, id, now)
        .await?
        .ok_or_else(record_not_found)?;
    let view = WebhookEndpointView::with_secret(endpoint, &state.config.public_url, now);
    write::answer(tx, data(view)).await
}

#[utoipa::path(
    get, path = "/webhook_endpoints/{id}/deliveries", tag = "Webhooks",
    summary = "Every delivery attempt to this endpoint, newest first (paginated)",
    params(("id" = i64, Path, description = "Endpoint id"), DeliveryListParams),
    responses(
        (status = 200, description = "A page of attempts", body = DeliveryList),
        (status = 404, description = "No such endpoint in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn deliveries(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<DeliveryView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let event_id = query.string("event_id");
    let include_deleted = query.include_deleted();
    let sort = query.sort(&deliveries::SORTS, ("created_at", true));
    let conditions = query.ransack(crate::billing::search::DELIVERIES);
    query.finish()?;
    endpoints::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    let found = deliveries::list(
        &state.pool,
        auth.business_id,
        id,
        event_id.as_deref(),
        &conditions,
        sort,
        page,
    )
    .await?;
    let views = found.map(DeliveryView::from);
    Ok(Paginated::new(page, views, &state.config.public_url, uri))
}
