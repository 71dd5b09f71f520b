//! Recurring invoices: a schedule on a template invoice (`invoice_subscriptions`), and
//! (`runs`) the sweep that makes one invoice per period.
//!
//! Run N falls at `starts_at` + (N − `anchor_occurrence`) periods in the business's
//! time zone (`billing::schedule`), so month ends and local times hold; a changed
//! schedule moves the anchor to its next run number, so numbers only count up and
//! `recurring_runs` stays unique per subscription and number.
//!
//! A schedule never backfills. When one is created, or its frequency, interval or
//! `starts_at` changes, its first run is its first occurrence at or after now, except
//! that `starts_at` itself, when it lies in the current period (less than one period
//! ago), is still made at once: that is the invoice just asked for, only late (as a
//! subscription started today bills today's period). So `daily` from 2000-01-01 asked
//! on 2026-01-31 at 09:00 first runs on 2026-02-01 at 00:00, and `monthly` from the
//! 1st asked on the 10th makes the 1st's invoice at once. Nothing already invoiced is
//! made again. A resume takes up the next occurrence at or after now (paused periods
//! are not billed).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::schedule;
use crate::billing::status::SubscriptionStatus;

mod runs;

pub use crate::billing::schedule::FREQUENCIES;
pub use runs::{DUE, PER_SWEEP, run_due};

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
    /// The run number of `starts_at` (see the module's comment).
    pub anchor_occurrence: i32,
    pub next_run_at: Option<DateTime<Utc>>,
    pub occurrences_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, business_id, invoice_id, frequency, \"interval\", starts_at, ends_at,
    max_occurrences, auto_send, status, next_occurrence, anchor_occurrence, next_run_at,
    occurrences_count, created_at, updated_at";

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

/// When run `n` falls: occurrence `n - anchor_occurrence` of the schedule.
fn occurrence(sub: &Subscription, tz: chrono_tz::Tz, n: i32) -> Option<DateTime<Utc>> {
    let position = u32::try_from(n.checked_sub(sub.anchor_occurrence)?).ok()?;
    let interval = u32::try_from(sub.interval).ok()?;
    schedule::occurrence(sub.starts_at, tz, &sub.frequency, interval, position)
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

/// The run number of the schedule's first occurrence at or after `at`, counting from
/// run `from`; past the calendar's range, a number `plan` finds no date for (so the
/// schedule completes).
fn first_at_or_after(sub: &Subscription, tz: chrono_tz::Tz, from: i32, at: DateTime<Utc>) -> i32 {
    let past_range = i32::MAX;
    let (Ok(position), Ok(interval)) = (
        u32::try_from(from - sub.anchor_occurrence),
        u32::try_from(sub.interval),
    ) else {
        return past_range;
    };
    schedule::first_at_or_after(sub.starts_at, tz, &sub.frequency, interval, position, at)
        .and_then(|p| i32::try_from(p).ok())
        .and_then(|p| p.checked_add(sub.anchor_occurrence))
        .unwrap_or(past_range)
}

/// A new or changed schedule starts from its `starts_at` (the module's comment says
/// where): its next run is the first occurrence at or after now and after the last
/// invoice made (`last_run`), or `starts_at` itself when that is in the current period
/// and not yet invoiced.
fn start_schedule(
    sub: &mut Subscription,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    last_run: Option<DateTime<Utc>>,
) {
    sub.anchor_occurrence = sub.next_occurrence;
    let first = sub.anchor_occurrence;
    let after = match last_run {
        Some(last) if last >= now => last + chrono::Duration::microseconds(1),
        _ => now,
    };
    let mut n = first_at_or_after(sub, tz, first, after);
    let starts_late = occurrence(sub, tz, first)
        .is_some_and(|at| at < now && last_run.is_none_or(|last| at > last));
    if first.checked_add(1) == Some(n) && starts_late {
        n = first;
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
    let mut tx = crate::actor::begin(pool).await?;
    let tz = invoice_zone(&mut tx, business_id, invoice_id).await?;
    let existing = live(&mut tx, business_id, invoice_id, Lock::ForUpdate).await?;
    let creating = existing.is_none();
    if creating && if_missing == IfMissing::NotFound {
        return Err(BillingError::NotFound);
    }
    let last_run = match &existing {
        Some(sub) if changes.touches_schedule() => runs::last_run(&mut tx, sub.id).await?,
        _ => None,
    };
    let mut sub = existing.unwrap_or_else(|| blank(business_id, invoice_id, now));
    apply(&mut sub, changes, tz);
    check(&sub, changes, creating)?;
    replan(&mut sub, changes, creating, tz, now, last_run);
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
        anchor_occurrence: 0,
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

/// The asked status and the next run: a new or changed schedule starts anew
/// (`start_schedule`), a resume skips what is already past; a pause holds unless the
/// schedule is over.
fn replan(
    sub: &mut Subscription,
    changes: &Changes,
    creating: bool,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    last_run: Option<DateTime<Utc>>,
) {
    let resuming = changes
        .status
        .is_some_and(|asked| sub.status.resumes(asked));
    if creating || changes.touches_schedule() {
        start_schedule(sub, tz, now, last_run);
    } else if resuming {
        sub.next_occurrence = first_at_or_after(sub, tz, sub.next_occurrence.max(0), now);
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
                 next_run_at, occurrences_count, created_at, updated_at, anchor_occurrence)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
             RETURNING {COLUMNS}"
        )
    } else {
        format!(
            "UPDATE invoice_subscriptions SET frequency = $3, \"interval\" = $4,
                 starts_at = $5, ends_at = $6, max_occurrences = $7, auto_send = $8,
                 status = $9, next_occurrence = $10, next_run_at = $11,
                 occurrences_count = $12, updated_at = $13, anchor_occurrence = $14
             WHERE id = $15 AND business_id = $1 AND invoice_id = $2
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
        .bind(now)
        .bind(sub.anchor_occurrence);
    if !creating {
        query = query.bind(sub.id);
    }
    query.fetch_one(conn).await
}

/// Cancels the invoice's subscription: it shows nowhere after this; the invoices it
/// made stay.
pub async fn cancel(
    pool: &mut PgConnection,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn daily_from(starts_at: &str) -> Subscription {
        let mut sub = blank(1, 1, utc("2026-01-01T00:00:00Z"));
        sub.frequency = "daily".into();
        sub.starts_at = utc(starts_at);
        sub
    }

    fn start(sub: &mut Subscription, now: &str, last_run: Option<&str>) -> DateTime<Utc> {
        start_schedule(sub, chrono_tz::Tz::UTC, utc(now), last_run.map(utc));
        plan(sub, chrono_tz::Tz::UTC);
        sub.next_run_at.unwrap()
    }

    #[test]
    fn a_start_more_than_a_period_ago_begins_at_the_next_occurrence() {
        let mut sub = daily_from("2000-01-01T09:00:00Z");
        let next = start(&mut sub, "2026-02-10T12:00:00Z", None);
        assert_eq!(next, utc("2026-02-11T09:00:00Z"));
        let mut sub = daily_from("2000-01-01T09:00:00Z");
        let next = start(&mut sub, "2026-02-10T09:00:00Z", None);
        assert_eq!(next, utc("2026-02-10T09:00:00Z"), "one falling now is now");
    }

    #[test]
    fn a_start_in_the_current_period_is_made_at_once_unless_already_invoiced() {
        let mut sub = daily_from("2026-02-10T09:00:00Z");
        let next = start(&mut sub, "2026-02-10T12:00:00Z", None);
        assert_eq!(next, utc("2026-02-10T09:00:00Z"));
        let mut sub = daily_from("2026-02-10T09:00:00Z");
        let next = start(
            &mut sub,
            "2026-02-10T12:00:00Z",
            Some("2026-02-10T09:00:00Z"),
        );
        assert_eq!(next, utc("2026-02-11T09:00:00Z"));
    }

    #[test]
    fn a_changed_schedule_counts_its_runs_on_from_the_next_number() {
        let mut sub = daily_from("2026-03-15T09:00:00Z");
        sub.next_occurrence = 5;
        sub.occurrences_count = 5;
        let next = start(
            &mut sub,
            "2026-02-10T12:00:00Z",
            Some("2026-02-09T09:00:00Z"),
        );
        assert_eq!(next, utc("2026-03-15T09:00:00Z"), "the new start itself");
        assert_eq!((sub.anchor_occurrence, sub.next_occurrence), (5, 5));
        // Never a date at or before the last invoice, even when it is later than now.
        let mut sub = daily_from("2026-02-01T09:00:00Z");
        sub.next_occurrence = 3;
        let next = start(
            &mut sub,
            "2026-02-10T08:00:00Z",
            Some("2026-02-10T09:00:00Z"),
        );
        assert_eq!(next, utc("2026-02-11T09:00:00Z"));
    }
}
