//! Recurring invoices: a schedule on a template invoice (`invoice_subscriptions`), and the
//! sweep that makes one invoice per period.
//!
//! Occurrence N runs at `starts_at` + N periods in the business's time zone
//! (`billing::schedule`), so month ends and local times hold. The sweep claims one due
//! subscription at a time with `FOR UPDATE SKIP LOCKED`, makes the invoice for its next
//! occurrence and records it in `recurring_runs` (unique per subscription and
//! occurrence) in the same transaction, then moves on: missed periods after downtime
//! are caught up one by one, each once, however many workers sweep.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::billing::emailed::{self as email, DocumentEmail};
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::events::{EventType, Outcome};
use crate::billing::sending::customer_email;
use crate::billing::status::SubscriptionStatus;
use crate::billing::{invoices, schedule};

pub use crate::billing::schedule::FREQUENCIES;

/// Subscriptions handled per sweep; the next sweep takes the rest.
pub const PER_SWEEP: usize = 500;

/// How far ahead a resumed or rescheduled subscription looks for its next run.
const MAX_SKIP: u32 = 200_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Subscription {
    pub id: i64,
    pub business_id: i64,
    pub invoice_id: i64,
    pub frequency: String,
    pub interval: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_occurrences: Option<i32>,
    pub auto_send: bool,
    pub status: SubscriptionStatus,
    pub next_occurrence: i32,
    pub next_run_at: Option<DateTime<Utc>>,
    pub occurrences_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, business_id, invoice_id, frequency, \"interval\", starts_at, ends_at,
    max_occurrences, auto_send, status, next_occurrence, next_run_at, occurrences_count,
    created_at, updated_at";

/// A PATCH: `None` keeps; `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub frequency: Option<String>,
    pub interval: Option<i32>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    /// `ends_at` given as a date: runs on that local day still happen (the end is the
    /// day's last moment in the business's time zone).
    pub ends_on: Option<NaiveDate>,
    pub max_occurrences: Option<Option<i32>>,
    pub auto_send: Option<bool>,
    /// `active` or `paused` (`SubscriptionStatus::REQUESTABLE`).
    pub status: Option<SubscriptionStatus>,
}

impl Changes {
    fn touches_schedule(&self) -> bool {
        self.frequency.is_some() || self.interval.is_some() || self.starts_at.is_some()
    }
}

fn occurrence(sub: &Subscription, tz: chrono_tz::Tz, n: i32) -> Option<DateTime<Utc>> {
    let n = u32::try_from(n).ok()?;
    let interval = u32::try_from(sub.interval).ok()?;
    schedule::occurrence(sub.starts_at, tz, &sub.frequency, interval, n)
}

/// Sets `status` and `next_run_at` from the schedule, the count and the limits.
fn plan(sub: &mut Subscription, tz: chrono_tz::Tz) {
    let next = occurrence(sub, tz, sub.next_occurrence);
    let exhausted = sub
        .max_occurrences
        .is_some_and(|max| sub.occurrences_count >= max);
    let ended = match (next, sub.ends_at) {
        (None, _) => true,
        (Some(at), Some(ends)) => at > ends,
        _ => false,
    };
    if exhausted || ended {
        sub.status = SubscriptionStatus::Completed;
        sub.next_run_at = None;
    } else {
        if sub.status == SubscriptionStatus::Completed {
            sub.status = SubscriptionStatus::Active;
        }
        sub.next_run_at = next;
    }
}

/// Moves the next occurrence to the first one at or after `now` (no retroactive
/// invoices after a pause or a change of schedule).
fn skip_to(sub: &mut Subscription, tz: chrono_tz::Tz, now: DateTime<Utc>) {
    let mut n = sub.next_occurrence.max(0);
    for _ in 0..MAX_SKIP {
        match occurrence(sub, tz, n) {
            Some(at) if at < now => n += 1,
            _ => break,
        }
    }
    sub.next_occurrence = n;
}

/// The invoice's business time zone, the invoice share-locked; `NotFound` unless it is
/// a live invoice of the business.
async fn invoice_zone(
    conn: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
) -> Result<chrono_tz::Tz, BillingError> {
    let zone: String = sqlx::query_scalar(
        "SELECT b.time_zone FROM invoices i JOIN businesses b ON b.id = i.business_id
         WHERE i.id = $1 AND i.business_id = $2 AND i.discarded_at IS NULL
         FOR SHARE OF i",
    )
    .bind(invoice_id)
    .bind(business_id)
    .fetch_optional(conn)
    .await?
    .ok_or(BillingError::NotFound)?;
    Ok(schedule::time_zone(&zone))
}

/// Whether `live` locks the row for the rest of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lock {
    None,
    ForUpdate,
}

async fn live(
    conn: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    lock: Lock,
) -> sqlx::Result<Option<Subscription>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoice_subscriptions
         WHERE invoice_id = $1 AND business_id = $2 AND cancelled_at IS NULL{}",
        match lock {
            Lock::ForUpdate => " FOR UPDATE",
            Lock::None => "",
        }
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(invoice_id)
        .bind(business_id)
        .fetch_optional(conn)
        .await
}

/// The invoice's live subscription.
pub async fn find(
    pool: &PgPool,
    business_id: i64,
    invoice_id: i64,
) -> Result<Subscription, BillingError> {
    let mut conn = pool.acquire().await?;
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoices
                        WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL)",
    )
    .bind(invoice_id)
    .bind(business_id)
    .fetch_one(&mut *conn)
    .await?;
    if !exists {
        return Err(BillingError::NotFound);
    }
    live(&mut conn, business_id, invoice_id, Lock::None)
        .await?
        .ok_or(BillingError::NotFound)
}

/// What `save` does when the invoice has no live subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMissing {
    /// Makes one (`PATCH …/recurring`).
    Create,
    /// Answers `NotFound` (`PATCH …/invoices_subscription`).
    NotFound,
}

/// Makes the invoice recurring or changes its schedule (`if_missing` says which may
/// happen).
pub async fn save(
    pool: &PgPool,
    business_id: i64,
    invoice_id: i64,
    changes: &Changes,
    if_missing: IfMissing,
    now: DateTime<Utc>,
) -> Result<Subscription, BillingError> {
    let mut tx = pool.begin().await?;
    let tz = invoice_zone(&mut tx, business_id, invoice_id).await?;
    let existing = live(&mut tx, business_id, invoice_id, Lock::ForUpdate).await?;
    let creating = existing.is_none();
    if creating && if_missing == IfMissing::NotFound {
        return Err(BillingError::NotFound);
    }
    let mut sub = existing.unwrap_or_else(|| blank(business_id, invoice_id, now));
    apply(&mut sub, changes, tz);
    check(&sub, changes, creating)?;
    replan(&mut sub, changes, creating, tz, now);
    let saved = store(&mut tx, &sub, creating, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A new subscription's defaults, before the request's changes.
fn blank(business_id: i64, invoice_id: i64, now: DateTime<Utc>) -> Subscription {
    Subscription {
        id: 0,
        business_id,
        invoice_id,
        frequency: String::new(),
        interval: 1,
        starts_at: now,
        ends_at: None,
        max_occurrences: None,
        auto_send: false,
        status: SubscriptionStatus::Active,
        next_occurrence: 0,
        next_run_at: None,
        occurrences_count: 0,
        created_at: now,
        updated_at: now,
    }
}

/// Copies the given fields onto `sub` (not the status: `replan` moves it).
fn apply(sub: &mut Subscription, changes: &Changes, tz: chrono_tz::Tz) {
    if let Some(frequency) = &changes.frequency {
        sub.frequency = frequency.clone();
    }
    if let Some(interval) = changes.interval {
        sub.interval = interval;
    }
    if let Some(starts_at) = changes.starts_at {
        sub.starts_at = starts_at;
    }
    if let Some(ends_at) = changes.ends_at {
        sub.ends_at = ends_at;
    }
    if let Some(day) = changes.ends_on {
        sub.ends_at = day
            .succ_opt()
            .and_then(|next| next.and_hms_opt(0, 0, 0))
            .map(|midnight| schedule::from_local(tz, midnight) - chrono::Duration::microseconds(1));
    }
    if let Some(max) = changes.max_occurrences {
        sub.max_occurrences = max;
    }
    if let Some(auto_send) = changes.auto_send {
        sub.auto_send = auto_send;
    }
}

/// The field errors of the changed subscription, all together.
fn check(sub: &Subscription, changes: &Changes, creating: bool) -> Result<(), BillingError> {
    let mut errors = FieldErrors::new();
    if creating && changes.frequency.is_none() {
        errors.add("frequency", "can't be blank");
    }
    if let Some(ends_at) = sub.ends_at
        && ends_at < sub.starts_at
    {
        errors.add("ends_at", "must not be before starts_at");
    }
    if !errors.is_empty() {
        return Err(BillingError::Invalid(errors));
    }
    Ok(())
}

/// The asked status and the next run: a changed schedule or a resume skips what is
/// already past; a pause holds unless the schedule is over.
fn replan(
    sub: &mut Subscription,
    changes: &Changes,
    creating: bool,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) {
    let resuming = changes
        .status
        .is_some_and(|asked| sub.status.resumes(asked));
    if !creating && (changes.touches_schedule() || resuming) {
        skip_to(sub, tz, now);
    }
    if let Some(asked) = changes.status {
        sub.status = sub.status.requested(asked);
    }
    let paused = sub.status == SubscriptionStatus::Paused;
    plan(sub, tz);
    if paused && sub.status != SubscriptionStatus::Completed {
        sub.status = SubscriptionStatus::Paused;
    }
}

/// Inserts the new subscription or updates the existing one; answers it as stored.
async fn store(
    conn: &mut PgConnection,
    sub: &Subscription,
    creating: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<Subscription> {
    let sql = if creating {
        format!(
            "INSERT INTO invoice_subscriptions (business_id, invoice_id, frequency, \"interval\",
                 starts_at, ends_at, max_occurrences, auto_send, status, next_occurrence,
                 next_run_at, occurrences_count, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
             RETURNING {COLUMNS}"
        )
    } else {
        format!(
            "UPDATE invoice_subscriptions SET frequency = $3, \"interval\" = $4,
                 starts_at = $5, ends_at = $6, max_occurrences = $7, auto_send = $8,
                 status = $9, next_occurrence = $10, next_run_at = $11,
                 occurrences_count = $12, updated_at = $13
             WHERE id = $14 AND business_id = $1 AND invoice_id = $2
             RETURNING {COLUMNS}"
        )
    };
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(sub.business_id)
        .bind(sub.invoice_id)
        .bind(&sub.frequency)
        .bind(sub.interval)
        .bind(sub.starts_at)
        .bind(sub.ends_at)
        .bind(sub.max_occurrences)
        .bind(sub.auto_send)
        .bind(sub.status.as_str())
        .bind(sub.next_occurrence)
        .bind(sub.next_run_at)
        .bind(sub.occurrences_count)
        .bind(now);
    if !creating {
        query = query.bind(sub.id);
    }
    query.fetch_one(conn).await
}

/// Cancels the invoice's subscription: it shows nowhere after this; the invoices it
/// made stay.
pub async fn cancel(
    pool: &PgPool,
    business_id: i64,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let done = sqlx::query(
        "UPDATE invoice_subscriptions s SET cancelled_at = $3, updated_at = $3
         FROM invoices i
         WHERE s.invoice_id = $1 AND s.business_id = $2 AND s.cancelled_at IS NULL
           AND i.id = s.invoice_id AND i.discarded_at IS NULL",
    )
    .bind(invoice_id)
    .bind(business_id)
    .bind(now)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(BillingError::NotFound);
    }
    Ok(())
}

/// Runs the next due subscription's next occurrence in the caller's transaction
/// (claimed with `FOR UPDATE SKIP LOCKED`; the sweep in `jobs::sweeps` commits each
/// occurrence on its own); `None` when nothing is due.
pub async fn run_next(
    tx: &mut PgConnection,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> Result<Option<Outcome>, BillingError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoice_subscriptions
         WHERE status = 'active' AND cancelled_at IS NULL AND next_run_at <= $1
         ORDER BY next_run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED"
    );
    let due: Option<Subscription> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(mut sub) = due else {
        return Ok(None);
    };
    Ok(Some(run_once(tx, &mut sub, now, quota).await?))
}

/// Runs a claimed subscription's next occurrence (the caller commits). Answers the new
/// invoice's events, none when it was already made or the template is gone.
async fn run_once(
    conn: &mut PgConnection,
    sub: &mut Subscription,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> Result<Outcome, BillingError> {
    let template: Option<(String, i64)> = sqlx::query_as(
        "SELECT b.time_zone, i.customer_id FROM invoices i JOIN businesses b ON b.id = i.business_id
         WHERE i.id = $1 AND i.business_id = $2 AND i.discarded_at IS NULL",
    )
    .bind(sub.invoice_id)
    .bind(sub.business_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((zone, customer_id)) = template else {
        // The template invoice was deleted: nothing left to repeat.
        sqlx::query(
            "UPDATE invoice_subscriptions SET status = 'completed', next_run_at = NULL,
                 updated_at = $2
             WHERE id = $1",
        )
        .bind(sub.id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        return Ok(Outcome::none());
    };
    let tz = schedule::time_zone(&zone);
    let n = sub.next_occurrence;
    let scheduled_at = sub.next_run_at.unwrap_or(now);
    let already: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM recurring_runs WHERE subscription_id = $1 AND occurrence = $2)",
    )
    .bind(sub.id)
    .bind(n)
    .fetch_one(&mut *conn)
    .await?;
    let mut outcome = Outcome::none();
    if !already {
        outcome = make_run(conn, sub, customer_id, scheduled_at, now, quota).await?;
        sub.occurrences_count += 1;
    }
    sub.next_occurrence = n + 1;
    plan(sub, tz);
    sqlx::query(
        "UPDATE invoice_subscriptions SET next_occurrence = $2, next_run_at = $3,
             occurrences_count = $4, status = $5, updated_at = $6
         WHERE id = $1",
    )
    .bind(sub.id)
    .bind(sub.next_occurrence)
    .bind(sub.next_run_at)
    .bind(sub.occurrences_count)
    .bind(sub.status.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(outcome)
}

/// Makes occurrence `sub.next_occurrence`'s invoice and records the run (then sends it
/// when the subscription auto-sends); answers the events.
async fn make_run(
    conn: &mut PgConnection,
    sub: &Subscription,
    customer_id: i64,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> Result<Outcome, BillingError> {
    let id = invoices::copy_as_draft(
        &mut *conn,
        sub.business_id,
        sub.invoice_id,
        scheduled_at,
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO recurring_runs (subscription_id, occurrence, invoice_id, scheduled_at,
             created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sub.id)
    .bind(sub.next_occurrence)
    .bind(id)
    .bind(scheduled_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let mut outcome = Outcome::of(EventType::InvoiceCreated, sub.business_id, id);
    if sub.auto_send {
        outcome = outcome
            .and(auto_send(conn, sub, id, customer_id, sub.next_occurrence, now, quota).await?);
    }
    Ok(outcome)
}

/// Sends a generated invoice to its customer: it becomes sent (`invoice.sent`) and its
/// email is queued. Without a customer address it stays a draft.
async fn auto_send(
    conn: &mut PgConnection,
    sub: &Subscription,
    invoice_id: i64,
    customer_id: i64,
    occurrence: i32,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> Result<Outcome, BillingError> {
    let Some(to) = customer_email(&mut *conn, sub.business_id, customer_id).await? else {
        tracing::warn!(
            subscription = sub.id,
            invoice = invoice_id,
            "recurring invoice not sent: the customer has no email address"
        );
        return Ok(Outcome::none());
    };
    sqlx::query("UPDATE invoices SET status = 'sent', updated_at = $2 WHERE id = $1")
        .bind(invoice_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;

    let job = DocumentEmail {
        business_id: sub.business_id,
        purpose: "invoice".into(),
        document_id: invoice_id,
        reminder_id: None,
        to: vec![to],
        cc: Vec::new(),
        subject: None,
        message: None,
        content: None,
        koteshen_form: false,
    };
    email::enqueue(
        conn,
        &job,
        now,
        Some(format!("recurring:{}:{occurrence}", sub.id)),
        quota,
    )
    .await?;
    Ok(Outcome::of(
        EventType::InvoiceSent,
        sub.business_id,
        invoice_id,
    ))
}
