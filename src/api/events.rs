//! `/api/v1/events`: the business's event log, newest first, so an integration can
//! reconcile what its webhooks missed. A delivered payload is exactly an entry of it.

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, ListMeta};
use crate::api::ids::record_not_found;
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::data;
use crate::auth::Auth;
use crate::billing::events::{self, Filter, TYPES};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::events::EventView;

#[derive(Serialize, ToSchema)]
pub struct EventEnvelope {
    data: EventView,
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    data: Vec<EventView>,
    meta: ListMeta,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct EventListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `created_at` (oldest first) or `-created_at` (newest first, the default).
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// One event type, e.g. `payment.received`.
    #[param(rename = "type")]
    event_type: Option<String>,
    /// Created at or after (a date or an ISO 8601 timestamp).
    created_from: Option<String>,
    /// Created at or before (a date or an ISO 8601 timestamp).
    created_to: Option<String>,
}

#[utoipa::path(
    get, path = "/events", tag = "Events",
    summary = "List the business's events (paginated, newest first)",
    params(EventListParams),
    responses(
        (status = 200, description = "A page of events", body = EventList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<EventView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&events::SORTS, ("created_at", true));
    let filter = Filter {
        event_type: query.one_of("type", &TYPES),
        created_from: query.from_bound("created_from"),
        created_before: query.to_bound_exclusive("created_to"),
        conditions: query.ransack(crate::billing::search::EVENTS),
    };
    query.finish()?;
    let found = events::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let views = found.map(EventView::from);
    Ok(Paginated::new(page, views, &state.config.public_url, uri))
}

#[utoipa::path(
    get, path = "/events/{id}", tag = "Events",
    summary = "Show an event",
    params(("id" = String, Path, description = "Event id (`evt_…`)")),
    responses(
        (status = 200, description = "The event", body = EventEnvelope),
        (status = 404, description = "No such event in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = id.strip_suffix(".json").unwrap_or(&id);
    if !id.starts_with("evt_") || id.len() > 64 {
        return Err(record_not_found());
    }
    let event = events::find(&state.pool, auth.business_id, id)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(EventView::from(event)))
}
