//! The `email.document` job's payload and enqueue, and what the job records on the
//! documents once the SMTP server has an email (or finds it has nothing to send): the
//! job composes and sends, the billing tables are changed here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};

use crate::queue::{NewJob, enqueue as enqueue_job};

/// What an email delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Invoice,
    Quote,
    /// A scheduled reminder of an invoice (`invoice_reminders`).
    Reminder,
}

/// Stamps the delivery: `emailed_at` on the invoice or quote `id`, or the reminder `id`
/// marked sent.
pub async fn stamp_sent<'e>(
    executor: impl PgExecutor<'e>,
    kind: Sent,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let sql = match kind {
        Sent::Invoice => {
            "UPDATE invoices SET emailed_at = $3, updated_at = $3 WHERE id = $1 AND business_id = $2"
        }
        Sent::Quote => {
            "UPDATE quotes SET emailed_at = $3, updated_at = $3 WHERE id = $1 AND business_id = $2"
        }
        Sent::Reminder => {
            "UPDATE invoice_reminders SET status = 'sent', sent_at = $3, updated_at = $3
                 WHERE id = $1 AND business_id = $2"
        }
    };
    sqlx::query(sql)
        .bind(id)
        .bind(business_id)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

/// Marks a reminder skipped: its invoice was paid or voided before it went out.
pub async fn skip_reminder<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    reminder_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE invoice_reminders SET status = 'skipped', updated_at = $3
                 WHERE id = $1 AND business_id = $2",
    )
    .bind(reminder_id)
    .bind(business_id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

pub const KIND: &str = "email.document";

/// Attempts before an email job is dead: with the queue's backoff (5 s doubling, capped
/// at an hour) that is about a day of trying.
pub const MAX_ATTEMPTS: i32 = 30;

/// The payload of an `email.document` job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentEmail {
    pub business_id: i64,
    /// `invoice`, `reminder` (of an invoice) or `quote`.
    pub purpose: String,
    /// The invoice's or the quote's id.
    pub document_id: i64,
    /// The scheduled reminder this email delivers, if any.
    #[serde(default)]
    pub reminder_id: Option<i64>,
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// Koteshen's send form `content`: Liquid HTML that replaces the standard body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Sent through Koteshen's send form: its default subjects.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub koteshen_form: bool,
}

/// Enqueues the email on the caller's transaction; `unique_key` makes a second enqueue
/// of the same delivery a no-op while the first is queued or running.
pub async fn enqueue(
    conn: &mut PgConnection,
    email: &DocumentEmail,
    now: DateTime<Utc>,
    unique_key: Option<String>,
) -> sqlx::Result<Option<i64>> {
    let payload = serde_json::to_value(email).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    let mut job = NewJob::new(KIND, payload, now)
        .max_attempts(MAX_ATTEMPTS)
        .business(email.business_id);
    if let Some(key) = unique_key {
        job = job.unique_key(key);
    }
    enqueue_job(conn, job).await
}
