//! An event as `GET /events` shows it and webhooks deliver it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::billing::events::Event;
use crate::timestamp;
use serde_json::Value;

/// An event: what changed, when, and the resource as the API showed it then.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[schema(example = "evt_3f0c2d1e9a8b4c7d8e6f5a4b3c2d1e0f")]
    pub id: String,
    #[serde(rename = "type")]
    #[schema(example = "payment.received")]
    pub event_type: String,
    /// The type again, under the name Koteshen's webhooks page gives it.
    #[schema(example = "payment.received")]
    pub event: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    /// `created_at` again, under the name Koteshen's webhooks page gives it.
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub occurred_at: DateTime<Utc>,
    /// The resource (customer, invoice, quote or payment) as the API showed it.
    #[schema(value_type = Object)]
    pub data: Value,
    /// Who did it: the user behind the token, the OAuth client (a client-credentials
    /// token), or the system (sweeps, jobs, the customer's page; `id` null).
    pub actor: Actor,
}

impl From<Event> for EventView {
    fn from(e: Event) -> Self {
        EventView {
            id: e.id,
            event: e.event_type.clone(),
            event_type: e.event_type,
            created_at: e.created_at,
            occurred_at: e.created_at,
            data: e.data.0,
            actor: e.actor.0,
        }
    }
}
