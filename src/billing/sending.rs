//! Sending documents by email: the request changes the status (a draft becomes sent,
//! with its event) and enqueues the email in the same transaction, counted against the
//! business's quota (`emailed::enqueue`: `Sent::at` later than now means the quota is
//! used up, and the caller refuses); the `email.document` job delivers it and stamps
//! `emailed_at` once the SMTP server has accepted it. A send also issues the document's
//! page link (`billing::links`) if it has no live one: the email links to it.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres};

use crate::billing::emailed::{self as email, DocumentEmail, Quota};
use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};
use crate::billing::links::{self, DocKind, LinkKey};
use crate::billing::status::{CreditNoteStatus, InvoiceStatus, QuoteStatus};

/// Who gets the email and what it says beyond the document. Empty `to`: the customer.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    pub message: Option<String>,
    /// Koteshen's send form `content` (Liquid HTML), checked before anything is queued.
    pub content: Option<String>,
    /// Came as Koteshen's send form (its default subjects).
    pub koteshen_form: bool,
}

/// A send queued: its email, what changed, and when the email may go out (later than
/// now when the business's quota is used up: the caller refuses and rolls back).
#[derive(Debug)]
pub struct Sent {
    pub email: DocumentEmail,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
}

/// The locked row of the document being sent; `S` is its table's status.
struct Target<S> {
    status: S,
    customer_id: i64,
}

async fn lock_target<S>(
    conn: &mut PgConnection,
    table: &str,
    business_id: i64,
    id: i64,
) -> Result<Target<S>, BillingError>
where
    S: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin,
{
    let sql = format!(
        "SELECT status, customer_id FROM {table}
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL FOR UPDATE"
    );
    let (status, customer_id) = sqlx::query_as::<_, (S, i64)>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(business_id)
        .fetch_optional(conn)
        .await?
        .ok_or(BillingError::NotFound)?;
    Ok(Target {
        status,
        customer_id,
    })
}

/// The customer's email address, if they have one.
pub async fn customer_email(
    conn: &mut PgConnection,
    business_id: i64,
    customer_id: i64,
) -> sqlx::Result<Option<String>> {
    let email: Option<Option<String>> =
        sqlx::query_scalar("SELECT email FROM customers WHERE id = $1 AND business_id = $2")
            .bind(customer_id)
            .bind(business_id)
            .fetch_optional(conn)
            .await?;
    Ok(email.flatten().filter(|e| !e.trim().is_empty()))
}

/// The recipients: those asked for, else the customer; none at all is a field error.
async fn recipients(
    conn: &mut PgConnection,
    business_id: i64,
    customer_id: i64,
    delivery: &Delivery,
) -> Result<Vec<String>, BillingError> {
    if !delivery.to.is_empty() {
        return Ok(delivery.to.clone());
    }
    match customer_email(conn, business_id, customer_id).await? {
        Some(email) => Ok(vec![email]),
        None => Err(BillingError::field(
            "to",
            "can't be blank: the customer has no email address",
        )),
    }
}

fn job(
    business_id: i64,
    purpose: &str,
    document_id: i64,
    to: Vec<String>,
    delivery: &Delivery,
) -> DocumentEmail {
    DocumentEmail {
        business_id,
        purpose: purpose.into(),
        document_id,
        reminder_id: None,
        to,
        cc: delivery.cc.clone(),
        subject: delivery.subject.clone(),
        message: delivery.message.clone(),
        content: delivery.content.clone(),
        koteshen_form: delivery.koteshen_form,
    }
}

/// `POST /invoices/{id}/send_invoice`: a draft becomes sent (`invoice.sent`); any other
/// status but void is sent again unchanged. Answers the queued email (whose `content` the
/// caller checks, `jobs::email::check_content`, before committing) and the event.
pub async fn send_invoice(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    id: i64,
    delivery: &Delivery,
    now: DateTime<Utc>,
    quota: Quota,
) -> Result<Sent, BillingError> {
    let invoice: Target<InvoiceStatus> = lock_target(&mut *tx, "invoices", business_id, id).await?;
    if !invoice.status.can_be_sent() {
        return Err(BillingError::refused("A void invoice cannot be sent"));
    }
    let first = (invoice.status == InvoiceStatus::Draft).then_some(EventType::InvoiceSent);
    let target = (DocKind::Invoice, id, invoice.customer_id);
    dispatch(tx, key, business_id, target, first, delivery, now, quota).await
}

/// `POST /invoices/{id}/send_reminder`: a payment reminder now, for an invoice that has
/// been sent and is not yet paid. Answers the queued email (checked as above).
pub async fn send_reminder(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    delivery: &Delivery,
    now: DateTime<Utc>,
    quota: Quota,
) -> Result<Sent, BillingError> {
    let invoice: Target<InvoiceStatus> = lock_target(&mut *tx, "invoices", business_id, id).await?;
    if !invoice.status.needs_reminder() {
        return Err(BillingError::refused(format!(
            "A {} invoice needs no reminder",
            invoice.status
        )));
    }
    let to = recipients(&mut *tx, business_id, invoice.customer_id, delivery).await?;
    let job = job(business_id, "reminder", id, to, delivery);
    let queued = email::enqueue(&mut *tx, &job, now, None, quota).await?;
    Ok(Sent {
        email: job,
        outcome: Outcome::none(),
        at: queued.at,
    })
}

/// `POST /credit_notes/{id}/send`: an issued credit note becomes sent
/// (`credit_note.sent`); a sent one is sent again unchanged. Its page link is made.
pub async fn send_credit_note(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    id: i64,
    delivery: &Delivery,
    now: DateTime<Utc>,
    quota: Quota,
) -> Result<Sent, BillingError> {
    let note: Target<CreditNoteStatus> =
        lock_target(&mut *tx, "credit_notes", business_id, id).await?;
    let first = (note.status == CreditNoteStatus::Issued).then_some(EventType::CreditNoteSent);
    let target = (DocKind::CreditNote, id, note.customer_id);
    dispatch(tx, key, business_id, target, first, delivery, now, quota).await
}

/// `POST /quotes/{id}/send`: a draft becomes sent (`quote.sent`); a sent, viewed or
/// accepted quote is sent again unchanged; expired, rejected and invoiced ones are not.
pub async fn send_quote(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    id: i64,
    delivery: &Delivery,
    now: DateTime<Utc>,
    quota: Quota,
) -> Result<Sent, BillingError> {
    let quote: Target<QuoteStatus> = lock_target(&mut *tx, "quotes", business_id, id).await?;
    if !quote.status.can_be_sent() {
        return Err(BillingError::refused(format!(
            "A {} quote cannot be sent",
            quote.status
        )));
    }
    let first = (quote.status == QuoteStatus::Draft).then_some(EventType::QuoteSent);
    let target = (DocKind::Quote, id, quote.customer_id);
    dispatch(tx, key, business_id, target, first, delivery, now, quota).await
}

/// What every send does once the document's status allows it: its first send moves it
/// to sent (`first`, the event that announces it), its page link is made (the email
/// carries the customer's page), and the email is queued. `target` is the document's
/// kind, id and customer.
#[allow(clippy::too_many_arguments)]
async fn dispatch(
    tx: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    (kind, id, customer_id): (DocKind, i64, i64),
    first: Option<EventType>,
    delivery: &Delivery,
    now: DateTime<Utc>,
    quota: Quota,
) -> Result<Sent, BillingError> {
    let to = recipients(&mut *tx, business_id, customer_id, delivery).await?;
    let mut outcome = Outcome::none();
    if let Some(event) = first {
        let sql = format!(
            "UPDATE {} SET status = 'sent', updated_at = $2 WHERE id = $1",
            kind.table()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        outcome.push(event, business_id, id);
    }
    links::ensure(&mut *tx, key, business_id, kind, id, now).await?;
    let job = job(business_id, kind.as_str(), id, to, delivery);
    let queued = email::enqueue(&mut *tx, &job, now, None, quota).await?;
    Ok(Sent {
        email: job,
        outcome,
        at: queued.at,
    })
}
