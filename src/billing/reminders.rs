//! Scheduled payment reminders of an invoice: `days` before, on or after its due date,
//! counted in the business's local days. The sweep (`jobs::sweeps`, fair across
//! businesses through `billing::sweeping`) claims each due pending reminder with
//! `FOR UPDATE SKIP LOCKED` and enqueues its email in the same transaction (one job per
//! reminder, by unique key), so each is sent once; a reminder whose invoice is by then
//! a draft, paid, void or deleted is skipped instead. Creates for one invoice take turns
//! on its row, so the per-invoice cap holds however many arrive at once.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::billing::emailed::{self as email, DocumentEmail};
use crate::billing::error::BillingError;
use crate::billing::events::Outcome;
use crate::billing::schedule;
use crate::billing::sending::customer_email;
use crate::billing::status::{InvoiceStatus, ReminderStatus};
use crate::billing::sweeping::{Due, Source};

pub const WHENS: [&str; 3] = ["before_due", "on_due", "after_due"];
/// What `days` counts (Koteshen's `interval`).
pub const UNITS: [&str; 3] = ["days", "weeks", "months"];

/// The largest count for each unit: about ten years.
pub fn max_count(unit: &str) -> i64 {
    match unit {
        "weeks" => 520,
        "months" => 120,
        _ => 3650,
    }
}

/// The most reminders one invoice may have.
pub const MAX_PER_INVOICE: i64 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Reminder {
    pub id: i64,
    pub business_id: i64,
    pub invoice_id: i64,
    /// The count, in `unit`.
    pub days: i32,
    pub unit: String,
    pub when: String,
    pub message: Option<String>,
    pub scheduled_at: DateTime<Utc>,
    pub status: ReminderStatus,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, business_id, invoice_id, days, unit, \"when\", message, scheduled_at, status,
    sent_at, created_at, updated_at";

/// When a reminder falls, from the invoice's due date: `count` `unit`s before or after
/// it, in the business's local calendar (months clamp to the month's end).
pub fn scheduled_at(
    due_at: DateTime<Utc>,
    time_zone: &str,
    when: &str,
    count: i32,
    unit: &str,
) -> Option<DateTime<Utc>> {
    let tz = schedule::time_zone(time_zone);
    let count = match when {
        "before_due" => -i64::from(count),
        "on_due" => return Some(due_at),
        "after_due" => i64::from(count),
        _ => return None,
    };
    match unit {
        "days" => schedule::shift_days(due_at, tz, count),
        "weeks" => schedule::shift_days(due_at, tz, count.checked_mul(7)?),
        "months" => schedule::shift_months(due_at, tz, count),
        _ => None,
    }
}

/// The invoice's due date and its business's time zone, the invoice row locked for the
/// rest of the caller's transaction: its due date cannot change under the caller, and
/// two creates for one invoice take turns (`FOR SHARE` would let both count the same
/// reminders and pass `MAX_PER_INVOICE` together). `NO KEY UPDATE` still lets other
/// tables' rows reference the invoice meanwhile.
async fn invoice_due(
    conn: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
) -> Result<(DateTime<Utc>, String), BillingError> {
    sqlx::query_as(
        "SELECT i.due_at, b.time_zone FROM invoices i JOIN businesses b ON b.id = i.business_id
         WHERE i.id = $1 AND i.business_id = $2 AND i.discarded_at IS NULL
         FOR NO KEY UPDATE OF i",
    )
    .bind(invoice_id)
    .bind(business_id)
    .fetch_optional(conn)
    .await?
    .ok_or(BillingError::NotFound)
}

/// Sortable fields of an invoice's reminders (default: by schedule).
pub const SORTS: [(&str, &str); 3] = [
    ("scheduled_at", "r.scheduled_at"),
    ("created_at", "r.created_at"),
    ("count", "r.days"),
];

/// A page of an invoice's reminders and their total count.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    invoice_id: i64,
    conditions: &crate::billing::search::Conditions,
    sort: crate::paging::Sort,
    page: crate::paging::PageRequest,
) -> Result<crate::paging::Page<Reminder>, BillingError> {
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
    let filter = |qb: &mut sqlx::QueryBuilder<sqlx::Postgres>| {
        qb.push(" WHERE r.invoice_id = ")
            .push_bind(invoice_id)
            .push(" AND r.business_id = ")
            .push_bind(business_id);
        conditions.push(qb);
    };
    Ok(crate::paging::fetch(
        &mut *conn,
        "SELECT count(*) FROM invoice_reminders r",
        &format!("SELECT {COLUMNS} FROM invoice_reminders r"),
        filter,
        sort,
        "r.id",
        page,
    )
    .await?)
}

/// What a new reminder says.
#[derive(Debug, Clone)]
pub struct NewReminder {
    pub days: i32,
    /// days, weeks or months.
    pub unit: String,
    pub when: String,
    pub message: Option<String>,
}

/// Schedules a reminder in the caller's transaction (the API stores its answer on it).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    new: &NewReminder,
    now: DateTime<Utc>,
) -> Result<Reminder, BillingError> {
    let (due_at, time_zone) = invoice_due(&mut *tx, business_id, invoice_id).await?;
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoice_reminders WHERE invoice_id = $1 AND business_id = $2",
    )
    .bind(invoice_id)
    .bind(business_id)
    .fetch_one(&mut *tx)
    .await?;
    if count >= MAX_PER_INVOICE {
        return Err(BillingError::refused(format!(
            "An invoice can have at most {MAX_PER_INVOICE} reminders"
        )));
    }
    let days = if new.when == "on_due" { 0 } else { new.days };
    let at = scheduled_at(due_at, &time_zone, &new.when, days, &new.unit)
        .ok_or_else(|| BillingError::field("days", "is out of range"))?;
    let sql = format!(
        "INSERT INTO invoice_reminders (business_id, invoice_id, days, \"when\", message,
             scheduled_at, created_at, updated_at, unit)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
         RETURNING {COLUMNS}"
    );
    let reminder = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(invoice_id)
        .bind(days)
        .bind(&new.when)
        .bind(&new.message)
        .bind(at)
        .bind(now)
        .bind(&new.unit)
        .fetch_one(&mut *tx)
        .await?;
    Ok(reminder)
}

pub async fn delete(
    pool: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    reminder_id: i64,
) -> Result<(), BillingError> {
    let deleted = sqlx::query(
        "DELETE FROM invoice_reminders r USING invoices i
         WHERE r.id = $1 AND r.invoice_id = $2 AND r.business_id = $3
           AND i.id = r.invoice_id AND i.discarded_at IS NULL",
    )
    .bind(reminder_id)
    .bind(invoice_id)
    .bind(business_id)
    .execute(pool)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(BillingError::NotFound);
    }
    Ok(())
}

/// Moves an invoice's pending reminders to its new due date. The caller holds the
/// invoice row lock (the invoice update's transaction).
pub async fn reschedule(
    conn: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let pending: Vec<(i64, String, i32, String, String)> = sqlx::query_as(
        "SELECT r.id, r.\"when\", r.days, b.time_zone, r.unit
         FROM invoice_reminders r JOIN businesses b ON b.id = r.business_id
         WHERE r.invoice_id = $1 AND r.business_id = $2 AND r.status = 'pending'",
    )
    .bind(invoice_id)
    .bind(business_id)
    .fetch_all(&mut *conn)
    .await?;
    for (id, when, days, time_zone, unit) in pending {
        if let Some(at) = scheduled_at(due_at, &time_zone, &when, days, &unit) {
            sqlx::query(
                "UPDATE invoice_reminders SET scheduled_at = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(at)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// At most this many reminders per sweep; the next sweep takes the rest.
pub const PER_SWEEP: usize = 1_000;

/// The pending reminders that are due, for `billing::sweeping::take` (the partial index
/// `invoice_reminders_due_idx` holds the range).
pub const DUE: Source = Source {
    name: "reminders",
    sql: "SELECT id, business_id, scheduled_at AS at FROM invoice_reminders
         WHERE status = 'pending' AND scheduled_at <= $1",
};

/// A due reminder, claimed, with what deciding its fate needs.
#[derive(sqlx::FromRow)]
struct Claimed {
    invoice_id: i64,
    customer_id: i64,
    message: Option<String>,
    invoice_status: InvoiceStatus,
    discarded: bool,
}

/// Sends (enqueues) or skips `due` in the caller's transaction if it is still pending
/// and due; `None` when it is not, or another worker holds it (`FOR UPDATE SKIP
/// LOCKED`). The row leaves `pending` in the transaction that enqueues its email (one
/// job per reminder, by unique key), so each is sent once. Records no event.
pub async fn send_due(
    tx: &mut PgConnection,
    due: Due,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> sqlx::Result<Option<Outcome>> {
    let claimed: Option<Claimed> = sqlx::query_as(
        "SELECT r.invoice_id, i.customer_id, r.message, i.status AS invoice_status,
                i.discarded_at IS NOT NULL AS discarded
         FROM invoice_reminders r
         JOIN invoices i ON i.id = r.invoice_id AND i.business_id = r.business_id
         WHERE r.id = $1 AND r.business_id = $2 AND r.status = 'pending'
           AND r.scheduled_at <= $3
         FOR UPDATE OF r SKIP LOCKED",
    )
    .bind(due.id)
    .bind(due.business_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(reminder) = claimed else {
        return Ok(None);
    };
    let unsendable = reminder.discarded || !reminder.invoice_status.needs_reminder();
    let to = if unsendable {
        None
    } else {
        customer_email(&mut *tx, due.business_id, reminder.customer_id).await?
    };
    let Some(to) = to else {
        sqlx::query(
            "UPDATE invoice_reminders SET status = 'skipped', updated_at = $2 WHERE id = $1",
        )
        .bind(due.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        return Ok(Some(Outcome::none()));
    };
    // `sent` from here; `sent_at` once the SMTP server has accepted it.
    sqlx::query("UPDATE invoice_reminders SET status = 'sent', updated_at = $2 WHERE id = $1")
        .bind(due.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let job = DocumentEmail {
        business_id: due.business_id,
        purpose: "reminder".into(),
        document_id: reminder.invoice_id,
        reminder_id: Some(due.id),
        to: vec![to],
        cc: Vec::new(),
        subject: None,
        message: reminder.message,
        content: None,
        koteshen_form: false,
    };
    email::enqueue(
        &mut *tx,
        &job,
        now,
        Some(format!("reminder:{}", due.id)),
        quota,
    )
    .await?;
    Ok(Some(Outcome::none()))
}
