//! The recurring sweep's step: one occurrence of one due subscription per transaction.
//! `jobs::sweeps` takes the due subscriptions fairly across businesses
//! (`billing::sweeping`) and repeats the step at most `RECURRING_CATCH_UP_PER_SWEEP`
//! times per subscription and sweep, so missed periods after downtime are caught up a
//! few at a time, each once (`recurring_runs` is unique per occurrence), however many
//! workers sweep.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::{COLUMNS, Subscription, plan};
use crate::billing::emailed::{self as email, DocumentEmail};
use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};
use crate::billing::sending::customer_email;
use crate::billing::sweeping::{Due, Source};
use crate::billing::{invoice_copies, schedule};

/// Occurrences made per sweep, all subscriptions together; the next sweep takes the
/// rest.
pub const PER_SWEEP: usize = 500;

/// The due subscriptions, for `billing::sweeping::take` (the partial index
/// `invoice_subscriptions_due_idx` holds the range).
pub const DUE: Source = Source {
    name: "recurring",
    sql: "SELECT id, business_id, next_run_at AS at FROM invoice_subscriptions
         WHERE status = 'active' AND cancelled_at IS NULL AND next_run_at <= $1",
};

/// Runs `due`'s next occurrence in the caller's transaction if it still is due (the
/// sweep in `jobs::sweeps` commits each occurrence on its own); `None` when it is not
/// (any more), or another worker holds it (`FOR UPDATE SKIP LOCKED`).
pub async fn run_due(
    tx: &mut PgConnection,
    due: Due,
    now: DateTime<Utc>,
    quota: email::Quota,
) -> Result<Option<Outcome>, BillingError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoice_subscriptions
         WHERE id = $2 AND business_id = $3
           AND status = 'active' AND cancelled_at IS NULL AND next_run_at <= $1
         FOR UPDATE SKIP LOCKED"
    );
    let claimed: Option<Subscription> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(due.id)
        .bind(due.business_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(mut sub) = claimed else {
        return Ok(None);
    };
    Ok(Some(run_once(tx, &mut sub, now, quota).await?))
}

/// When the subscription's last invoice was scheduled (a changed schedule starts after
/// it).
pub(super) async fn last_run(
    conn: &mut PgConnection,
    subscription_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT max(scheduled_at) FROM recurring_runs WHERE subscription_id = $1")
        .bind(subscription_id)
        .fetch_one(conn)
        .await
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
    sub.next_occurrence = n.saturating_add(1);
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
    let id = invoice_copies::copy_as_draft(
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
