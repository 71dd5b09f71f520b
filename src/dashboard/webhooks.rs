//! The business's webhook endpoints: list, add (the signing secret shown once), enable,
//! disable, rotate the secret (the previous one keeps signing for 24 hours), delete, and
//! each endpoint's recent deliveries. The API's functions do the work (`webhooks::`
//! endpoints, deliveries and address checks, the API's event catalogue and cap), each
//! write in one transaction recording the signed-in user as its actor.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::pages::{
    EndpointRow, EventChoice, Message, Nav, WebhookForm, WebhookPage, WebhooksPage,
};
use super::session::TokenForm;
use super::{PageResult, SignedIn, Stop, begin, db, page, see_other};
use crate::billing::events::TYPES;
use crate::billing::search::Conditions;
use crate::paging::{PageRequest, Sort};
use crate::state::AppState;
use crate::webhooks::address;
use crate::webhooks::deliveries;
use crate::webhooks::endpoints::{self, ALL_EVENTS, Changes, Endpoint};

const SECTION: &str = "/dashboard/webhooks";
/// Endpoints and deliveries a page lists.
const LISTED: i64 = 100;
const RECENT_DELIVERIES: i64 = 20;
const URL_MAX: usize = 2000;

fn events_text(endpoint: &Endpoint) -> String {
    if endpoint.enabled_events.iter().any(|e| e == ALL_EVENTS) {
        "all events".into()
    } else {
        endpoint.enabled_events.join(", ")
    }
}

fn state_text(endpoint: &Endpoint, now: DateTime<Utc>) -> String {
    let mut state = if endpoint.enabled {
        "Enabled".to_string()
    } else {
        match &endpoint.disabled_reason {
            Some(reason) => format!("Disabled: {reason}"),
            None => "Disabled".to_string(),
        }
    };
    if let Some(since) = endpoint.failing_since {
        state.push_str(&format!(
            "; failing since {}",
            since.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if endpoint.breaker_open_until.is_some_and(|until| until > now) {
        state.push_str("; paused after repeated failures");
    }
    state
}

fn not_found() -> Stop {
    let mut message = Message::new("Not found", "This business has no such webhook endpoint.");
    message.link_href = SECTION.into();
    message.link_label = "All webhook endpoints".into();
    page(StatusCode::NOT_FOUND, &message).into()
}

fn parse_id(id: &str) -> Result<i64, Stop> {
    id.parse::<i64>().map_err(|_| not_found())
}

/// `GET /dashboard/webhooks`.
pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> PageResult {
    let now = state.clock.now();
    let found = endpoints::list(
        &state.pool,
        signed_in.0.business_id,
        false,
        &Conditions::default(),
        Sort::by("created_at", true),
        PageRequest {
            page: 1,
            per_page: LISTED,
        },
    )
    .await
    .map_err(db)?;
    let endpoints = found
        .items
        .iter()
        .map(|e| EndpointRow {
            id: e.id,
            url: e.url.clone(),
            events: events_text(e),
            state: state_text(e, now),
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        &WebhooksPage {
            nav: Some(Nav::new(&signed_in.0, SECTION)),
            notice: None,
            endpoints,
        },
    ))
}

fn form_page(
    signed_in: &SignedIn,
    url: &str,
    chosen: &[String],
    errors: Vec<String>,
) -> WebhookForm {
    let mut choices = vec![EventChoice {
        value: ALL_EVENTS.into(),
        label: "All events, those added later too".into(),
        checked: chosen.iter().any(|c| c == ALL_EVENTS),
    }];
    choices.extend(TYPES.iter().map(|t| EventChoice {
        value: (*t).into(),
        label: (*t).into(),
        checked: chosen.iter().any(|c| c == t),
    }));
    WebhookForm {
        nav: Some(Nav::new(&signed_in.0, SECTION)),
        notice: None,
        csrf: signed_in.0.csrf_token.clone(),
        url: url.into(),
        choices,
        errors,
    }
}

/// `GET /dashboard/webhooks/new`.
pub async fn new(signed_in: SignedIn) -> PageResult {
    Ok(page(
        StatusCode::OK,
        &form_page(&signed_in, "", &[], vec![]),
    ))
}

/// `POST /dashboard/webhooks`: `url`, `event` (repeated) and `csrf`.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    signed_in.check_form(&headers, value("csrf"))?;
    let url = value("url").trim().to_string();
    let mut chosen: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (key, event) in &pairs {
        if key != "event" {
            continue;
        }
        if event != ALL_EVENTS && !TYPES.contains(&event.as_str()) {
            errors.push(format!("Events: {event} is not an event type."));
        } else if !chosen.contains(event) {
            chosen.push(event.clone());
        }
    }
    if chosen.is_empty() && errors.is_empty() {
        errors.push("Events: choose at least one.".into());
    }
    // "All events" covers every other choice.
    if chosen.iter().any(|e| e == ALL_EVENTS) {
        chosen = vec![ALL_EVENTS.into()];
    }
    let checked = if url.is_empty() {
        errors.push("URL: enter where the events are sent.".into());
        None
    } else if url.len() > URL_MAX {
        errors.push(format!("URL: at most {URL_MAX} characters."));
        None
    } else {
        match address::check_target(&url, state.config.webhook_allow_private).await {
            Ok(parsed) => Some(parsed.to_string()),
            Err(problem) => {
                errors.push(format!("URL: {problem}."));
                None
            }
        }
    };
    let shown_url = if url.len() > URL_MAX {
        ""
    } else {
        url.as_str()
    };
    let Some(target) = checked.filter(|_| errors.is_empty()) else {
        let form = form_page(&signed_in, shown_url, &chosen, errors);
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &form));
    };
    let cap = state.config.limits.webhook_endpoints_per_business;
    let now = state.clock.now();
    let mut tx = begin(&state, &signed_in).await?;
    let created = endpoints::create(&mut tx, signed_in.0.business_id, &target, &chosen, cap, now)
        .await
        .map_err(db)?;
    let Some(endpoint) = created else {
        let error = format!(
            "This business already has {cap} webhook endpoints, the most it may have: delete one first."
        );
        let form = form_page(&signed_in, shown_url, &chosen, vec![error]);
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &form));
    };
    tx.commit().await.map_err(db)?;
    let secret = endpoint.secret.clone();
    endpoint_page(&state, &signed_in, endpoint, Some(secret), false, None).await
}

/// The endpoint's page (its deliveries read here), with its secret this once if given.
async fn endpoint_page(
    state: &AppState,
    signed_in: &SignedIn,
    endpoint: Endpoint,
    secret: Option<String>,
    rotated: bool,
    notice: Option<String>,
) -> PageResult {
    let recent = deliveries::list(
        &state.pool,
        signed_in.0.business_id,
        endpoint.id,
        None,
        &Conditions::default(),
        Sort::by("d.created_at", true),
        PageRequest {
            page: 1,
            per_page: RECENT_DELIVERIES,
        },
    )
    .await
    .map_err(db)?;
    let now = state.clock.now();
    Ok(page(
        StatusCode::OK,
        &WebhookPage {
            nav: Some(Nav::new(&signed_in.0, SECTION)),
            notice,
            csrf: signed_in.0.csrf_token.clone(),
            id: endpoint.id,
            url: endpoint.url.clone(),
            events: events_text(&endpoint),
            state: state_text(&endpoint, now),
            enabled: endpoint.enabled,
            secret,
            rotated,
            deliveries: recent.items,
        },
    ))
}

/// `GET /dashboard/webhooks/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_id(&id)?;
    let endpoint = endpoints::find(&state.pool, signed_in.0.business_id, id, false)
        .await
        .map_err(db)?
        .ok_or_else(not_found)?;
    endpoint_page(&state, &signed_in, endpoint, None, false, None).await
}

/// What a button on the endpoint's page does.
#[derive(Clone, Copy)]
pub enum Action {
    Enable,
    Disable,
    Rotate,
    Delete,
}

async fn act(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
    action: Action,
) -> Result<Response, Stop> {
    let id = parse_id(id)?;
    let business_id = signed_in.0.business_id;
    let now = state.clock.now();
    let mut tx = begin(state, signed_in).await?;
    let (endpoint, notice) = match action {
        Action::Enable | Action::Disable => {
            let enable = matches!(action, Action::Enable);
            let changes = Changes {
                enabled: Some(enable),
                ..Changes::default()
            };
            let endpoint = endpoints::update(&mut tx, business_id, id, &changes, now)
                .await
                .map_err(db)?;
            let notice = if enable {
                "Enabled."
            } else {
                "Disabled: nothing is sent to it."
            };
            (endpoint, notice)
        }
        Action::Rotate => {
            let endpoint = endpoints::rotate_secret(&mut tx, business_id, id, now)
                .await
                .map_err(db)?;
            (endpoint, "A new signing secret.")
        }
        Action::Delete => {
            if !endpoints::discard(&mut tx, business_id, id, now)
                .await
                .map_err(db)?
            {
                return Err(not_found());
            }
            tx.commit().await.map_err(db)?;
            return Ok(see_other(SECTION));
        }
    };
    let endpoint = endpoint.ok_or_else(not_found)?;
    tx.commit().await.map_err(db)?;
    let rotated = matches!(action, Action::Rotate);
    let secret = rotated.then(|| endpoint.secret.clone());
    endpoint_page(
        state,
        signed_in,
        endpoint,
        secret,
        rotated,
        Some(notice.into()),
    )
    .await
}

macro_rules! action_handler {
    ($name:ident, $action:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            signed_in: SignedIn,
            Path(id): Path<String>,
            headers: HeaderMap,
            Form(form): Form<TokenForm>,
        ) -> PageResult {
            signed_in.check_form(&headers, &form.csrf)?;
            act(&state, &signed_in, &id, $action).await
        }
    };
}

action_handler!(enable, Action::Enable);
action_handler!(disable, Action::Disable);
action_handler!(rotate_secret, Action::Rotate);
action_handler!(delete, Action::Delete);

#[derive(serde::Deserialize)]
pub struct ResendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    event_id: String,
}

/// `POST /dashboard/webhooks/{id}/resend`: one more attempt of an event in the log.
pub async fn resend(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ResendForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let id = parse_id(&id)?;
    let business_id = signed_in.0.business_id;
    let endpoint = endpoints::find(&state.pool, business_id, id, false)
        .await
        .map_err(db)?
        .ok_or_else(not_found)?;
    let mut tx = begin(&state, &signed_in).await?;
    let event_id: String = form.event_id.chars().take(64).collect();
    let queued = crate::webhooks::resend::resend(
        &mut tx,
        business_id,
        endpoint.id,
        &event_id,
        state.clock.now(),
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    let notice = if queued {
        "Queued: the event is sent again within seconds (one attempt)."
    } else {
        "Nothing was queued: that event is not in this endpoint's log, or is already queued again."
    };
    endpoint_page(
        &state,
        &signed_in,
        endpoint,
        None,
        false,
        Some(notice.into()),
    )
    .await
}
