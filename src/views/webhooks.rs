//! Webhook endpoints and their delivery attempts as the API shows them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::timestamp;
use crate::views::resource_url;
use crate::webhooks::deliveries::Attempt;
use crate::webhooks::endpoints::Endpoint;

/// A webhook endpoint. `url` is where events are sent; `self_url` is this record.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointView {
    #[schema(example = 7)]
    pub id: i64,
    /// The target events are POSTed to.
    #[schema(example = "https://your-webhook-url.com/events")]
    pub url: String,
    /// Event types, or `*` for all.
    #[schema(example = json!(["invoice.overdue", "payment.received"]))]
    pub enabled_events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it (410 Gone, failing for days); `null` otherwise.
    pub disabled_reason: Option<String>,
    /// While its circuit breaker holds deliveries back (after
    /// `WEBHOOK_BREAKER_FAILURES` failed attempts in a row), until when; then one
    /// delivery is tried, and a success resumes the rest. `null` otherwise.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paused_until: Option<DateTime<Utc>>,
    /// The signing secret: only in the answers to create and `rotate_secret`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: Option<String>,
    /// After a rotation, until when the previous secret still signs too.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    #[schema(example = 1)]
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/webhook_endpoints/7.json")]
    pub self_url: String,
}

impl WebhookEndpointView {
    pub fn new(e: Endpoint, public_url: &str, now: DateTime<Utc>) -> Self {
        WebhookEndpointView {
            self_url: resource_url(public_url, "webhook_endpoints", e.id),
            id: e.id,
            url: e.url,
            enabled_events: e.enabled_events,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            paused_until: e.breaker_open_until.filter(|at| *at > now),
            secret: None,
            previous_secret_expires_at: e.previous_secret_expires_at.filter(|at| *at > now),
            business_id: e.business_id,
            discarded_at: e.discarded_at,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }

    /// The answer that shows the secret, once.
    pub fn with_secret(e: Endpoint, public_url: &str, now: DateTime<Utc>) -> Self {
        let secret = e.secret.clone();
        WebhookEndpointView {
            secret: Some(secret),
            ..Self::new(e, public_url, now)
        }
    }
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    #[schema(example = 91)]
    pub id: i64,
    #[schema(example = "evt_3f0c2d1e9a8b4c7d8e6f5a4b3c2d1e0f")]
    pub event_id: String,
    #[schema(example = "payment.received")]
    pub event_type: String,
    /// 1 for the first attempt at this event.
    #[schema(example = 1)]
    pub attempt: i32,
    /// The receiver's status; `null` when no answer came.
    #[schema(example = 500)]
    pub status_code: Option<i32>,
    #[schema(example = 42)]
    pub duration_ms: i32,
    #[schema(example = "the receiver answered 500")]
    pub error: Option<String>,
    /// `succeeded`, `retrying` (see `next_attempt_at`) or `failed` (no more attempts).
    #[schema(example = "retrying")]
    pub outcome: String,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
}

impl From<Attempt> for DeliveryView {
    fn from(a: Attempt) -> Self {
        DeliveryView {
            id: a.id,
            event_id: a.event_id,
            event_type: a.event_type,
            attempt: a.attempt,
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            error: a.error,
            outcome: a.outcome,
            next_attempt_at: a.next_attempt_at,
            created_at: a.created_at,
        }
    }
}
