//! What the customer's page may change (`public`): the first open of a link, and a
//! quote accepted or declined there. Each takes the caller's transaction and answers
//! what changed; the quote's answer goes through the quote's own status rules.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::documents::read::{self, Find};
use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::Invoice;
use crate::billing::links::{self, DocKind, LinkKey, Resolved};
use crate::billing::quotes::{self, Quote, StatusChange};
use crate::billing::status::{InvoiceStatus, QuoteStatus};

/// The first open of the page by a person: the link and the document are stamped
/// (`viewed_at`, once), a sent document becomes viewed, and `invoice.viewed` /
/// `quote.viewed` is raised. Any later open changes nothing.
pub async fn first_view(
    tx: &mut PgConnection,
    link: &Resolved,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    if !links::stamp_viewed(&mut *tx, link, now).await? {
        return Ok(Outcome::none());
    }
    let (business_id, id) = (link.business_id, link.document_id);
    let (viewed_before, moves, event) = match link.kind {
        // A credit note has no lifecycle past sent, and no event for being seen.
        DocKind::CreditNote => {
            sqlx::query(
                "UPDATE credit_notes SET viewed_at = coalesce(viewed_at, $3)
                 WHERE id = $1 AND business_id = $2",
            )
            .bind(id)
            .bind(business_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            return Ok(Outcome::none());
        }
        DocKind::Invoice => {
            let Some(i) =
                read::find_row::<Invoice>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE).await?
            else {
                return Ok(Outcome::none());
            };
            (
                i.viewed_at.is_some(),
                i.status.can_become(InvoiceStatus::Viewed),
                EventType::InvoiceViewed,
            )
        }
        DocKind::Quote => {
            let Some(q) =
                read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE).await?
            else {
                return Ok(Outcome::none());
            };
            (
                q.viewed_at.is_some(),
                q.status.can_become(QuoteStatus::Viewed),
                EventType::QuoteViewed,
            )
        }
    };
    // Already seen (marked through the API, or through an earlier link): nothing new.
    if viewed_before {
        return Ok(Outcome::none());
    }
    let table = match link.kind {
        DocKind::Invoice => "invoices",
        DocKind::Quote => "quotes",
        DocKind::CreditNote => "credit_notes",
    };
    let sql = format!(
        "UPDATE {table} SET viewed_at = $3,
             status = CASE WHEN $4 THEN 'viewed' ELSE status END,
             updated_at = CASE WHEN $4 THEN $3 ELSE updated_at END
         WHERE id = $1 AND business_id = $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(business_id)
        .bind(now)
        .bind(moves)
        .execute(&mut *tx)
        .await?;
    Ok(Outcome::of(event, business_id, id))
}

/// How a customer answered a quote on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Decline,
}

impl Answer {
    fn status(self) -> QuoteStatus {
        match self {
            Answer::Accept => QuoteStatus::Accepted,
            Answer::Decline => QuoteStatus::Rejected,
        }
    }
}

/// What an answer did.
#[derive(Debug)]
pub enum Answered {
    /// Accepted or declined: the quote's events.
    Done(Outcome),
    /// Its date had passed: it is now expired (the caller commits that) and the answer
    /// is refused.
    Expired,
    /// The quote is no longer open to an answer; the sentence says why.
    Refused(String),
}

/// Accepts or declines the link's quote, only while it is sent or viewed and not past
/// its date (`quotes::set_status`, the rules the API follows), keeping the customer's
/// name and comment on the link.
pub async fn answer(
    tx: &mut PgConnection,
    key: &LinkKey,
    link: &Resolved,
    answer: Answer,
    name: Option<&str>,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Answered, BillingError> {
    let (business_id, id) = (link.business_id, link.document_id);
    let quote = read::find_row::<Quote>(&mut *tx, business_id, id, Find::LIVE_FOR_UPDATE)
        .await?
        .ok_or(BillingError::NotFound)?;
    if !matches!(quote.status, QuoteStatus::Sent | QuoteStatus::Viewed) {
        return Ok(Answered::Refused(match quote.status {
            QuoteStatus::Accepted => "This quote has already been accepted.".into(),
            QuoteStatus::Rejected => "This quote has already been declined.".into(),
            QuoteStatus::Expired => "This quote has expired.".into(),
            QuoteStatus::Invoiced => "This quote has already been invoiced.".into(),
            other => format!("This quote cannot be answered while it is {other}."),
        }));
    }
    let status = answer.status().as_str();
    match quotes::set_status(&mut *tx, key, business_id, id, status, now).await? {
        StatusChange::Expired => Ok(Answered::Expired),
        StatusChange::Moved(outcome) => {
            links::record_response(&mut *tx, link, name, comment, now).await?;
            Ok(Answered::Done(outcome))
        }
    }
}
