//! An invoice's recurring schedule as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::recurring::Subscription;
use crate::billing::schedule_phrase;
use crate::billing::status::SubscriptionStatus;
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
    #[schema(value_type = String, example = "active")]
    pub status: SubscriptionStatus,
    /// The next run (for the first: starts_at, or its first occurrence at or after now
    /// when starts_at is more than one period ago; then one period later each time);
    /// null once completed.
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
    pub fn new(s: Subscription, public_url: &str) -> Self {
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
