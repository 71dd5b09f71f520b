//! What the `email.document` job records on the documents once the SMTP server has an
//! email (or finds it has nothing to send), and the customer's name it greets: the job
//! composes and sends, the billing tables are changed here.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

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

/// The name of the business's customer, empty if it is gone.
pub async fn customer_name<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    customer_id: i64,
) -> sqlx::Result<String> {
    Ok(
        sqlx::query_scalar("SELECT name FROM customers WHERE id = $1 AND business_id = $2")
            .bind(customer_id)
            .bind(business_id)
            .fetch_optional(executor)
            .await?
            .unwrap_or_default(),
    )
}
