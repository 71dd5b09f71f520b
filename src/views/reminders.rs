//! An invoice reminder as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::reminders::Reminder;
use crate::billing::status::ReminderStatus;
use crate::timestamp;

/// A reminder as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderView {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 150)]
    pub invoice_id: i64,
    /// Days before or after the due date (0 for `on_due`); null for a reminder counted
    /// in months (see `count` and `interval`).
    #[schema(example = 3)]
    pub days: Option<i32>,
    /// before_due, on_due or after_due.
    #[schema(example = "before_due")]
    pub when: String,
    /// Koteshen's pages' shape: `count` `interval`s, `condition` the due date.
    #[schema(example = 3)]
    pub count: i32,
    /// days, weeks or months.
    #[schema(example = "days")]
    pub interval: String,
    /// before_due_date or after_due_date (an `on_due` reminder is 0 days after).
    #[schema(example = "before_due_date")]
    pub condition: String,
    pub message: Option<String>,
    /// When it goes out: the due date moved by `days`, in the business's time zone.
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-09T00:00:00.000Z")]
    pub scheduled_at: DateTime<Utc>,
    /// When the mail server accepted it.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<DateTime<Utc>>,
    /// pending, sent or skipped (the invoice was paid, void, a draft or had no address).
    #[schema(value_type = String, example = "pending")]
    pub status: ReminderStatus,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/invoices/150/invoices_reminders/7.json")]
    pub url: String,
}

impl ReminderView {
    pub fn new(r: Reminder, public_url: &str) -> Self {
        ReminderView {
            url: format!(
                "{public_url}/api/v1/invoices/{}/invoices_reminders/{}.json",
                r.invoice_id, r.id
            ),
            id: r.id,
            invoice_id: r.invoice_id,
            days: match r.unit.as_str() {
                "days" => Some(r.days),
                "weeks" => Some(r.days * 7),
                _ => None,
            },
            count: r.days,
            condition: if r.when == "before_due" {
                "before_due_date".into()
            } else {
                "after_due_date".into()
            },
            interval: r.unit,
            when: r.when,
            message: r.message,
            scheduled_at: r.scheduled_at,
            sent_at: r.sent_at,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
