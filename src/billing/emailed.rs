//! The `email.document` job's payload and enqueue, and what the job records on the
//! documents once the SMTP server has an email (or finds it has nothing to send): the
//! job composes and sends, the billing tables are changed here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};

use crate::queue::{NewJob, enqueue as enqueue_job};

/// What an email delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    Invoice,
    Quote,
    CreditNote,
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
        Sent::CreditNote => {
            "UPDATE credit_notes SET emailed_at = $3, updated_at = $3
                 WHERE id = $1 AND business_id = $2"
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

/// How many emails one business may send: per rolling hour and per rolling day
/// (`EMAIL_QUOTA_PER_HOUR`, `EMAIL_QUOTA_PER_DAY`). One email counts once, however many
/// recipients it has (those are capped by `EMAIL_MAX_RECIPIENTS`).
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub per_hour: u32,
    pub per_day: u32,
}

impl From<&crate::config::Limits> for Quota {
    fn from(limits: &crate::config::Limits) -> Self {
        Quota {
            per_hour: limits.email_per_hour,
            per_day: limits.email_per_day,
        }
    }
}

/// A queued email: its job (`None` when the same delivery was already queued) and when
/// it may go out, which is later than now when the quota is used up.
#[derive(Debug, Clone, Copy)]
pub struct Queued {
    pub job_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Enqueues the email on the caller's transaction, counted against the business's
/// quota: it runs at the first moment the quota has room (now, or when the oldest
/// counted email leaves the window), so a sweep's email waits rather than being dropped;
/// a request refuses when that moment is later than now (`Queued::at`) and rolls back.
/// `unique_key` makes a second enqueue of the same delivery a no-op (not counted) while
/// the first is queued or running.
pub async fn enqueue(
    conn: &mut PgConnection,
    email: &DocumentEmail,
    now: DateTime<Utc>,
    unique_key: Option<String>,
    quota: Quota,
) -> sqlx::Result<Queued> {
    let at = next_slot(&mut *conn, email.business_id, quota, now).await?;
    let job_id = enqueue_at(&mut *conn, email, at, unique_key).await?;
    if job_id.is_some() {
        count(&mut *conn, email.business_id, at, now).await?;
    }
    Ok(Queued { job_id, at })
}

/// `now`: when the job is to run.
async fn enqueue_at(
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

/// The first moment at or after `now` when the business may send one more email. Takes
/// the business's quota lock, held to the end of the caller's transaction, so concurrent
/// sends are counted one after the other and none can pass the quota. Counted sends are
/// in time order (a waiting one is counted at its later time), so the windows ending at
/// the answer are the only ones it can fill.
async fn next_slot(
    conn: &mut PgConnection,
    business_id: i64,
    quota: Quota,
    now: DateTime<Utc>,
) -> sqlx::Result<DateTime<Utc>> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('email_sends', $1))")
        .bind(business_id)
        .execute(&mut *conn)
        .await?;
    // The latest counted send, and the per_hour-th and per_day-th latest within their
    // windows: the window has room once that one has left it.
    type Moment = Option<DateTime<Utc>>;
    let (last, hour_full, day_full): (Moment, Moment, Moment) = sqlx::query_as(
        "SELECT (SELECT max(sent_at) FROM email_sends WHERE business_id = $1),
                (SELECT sent_at FROM email_sends
                 WHERE business_id = $1 AND sent_at > $2 - interval '1 hour'
                 ORDER BY sent_at DESC OFFSET $3 - 1 LIMIT 1),
                (SELECT sent_at FROM email_sends
                 WHERE business_id = $1 AND sent_at > $2 - interval '1 day'
                 ORDER BY sent_at DESC OFFSET $4 - 1 LIMIT 1)",
    )
    .bind(business_id)
    .bind(now)
    .bind(i64::from(quota.per_hour))
    .bind(i64::from(quota.per_day))
    .fetch_one(&mut *conn)
    .await?;
    Ok([
        Some(now),
        last,
        hour_full.map(|t| t + Duration::hours(1)),
        day_full.map(|t| t + Duration::days(1)),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(now))
}

/// Counts a send at `at`, and forgets the business's sends that no window holds any more.
async fn count(
    conn: &mut PgConnection,
    business_id: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "WITH purge AS (
             DELETE FROM email_sends WHERE business_id = $1 AND sent_at <= $3 - interval '1 day'
         )
         INSERT INTO email_sends (business_id, sent_at) VALUES ($1, $2)",
    )
    .bind(business_id)
    .bind(at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
