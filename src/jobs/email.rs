//! The `email.document` job: composes an invoice, reminder or quote email from the
//! document as it stands, hands it to the SMTP server, and records the delivery
//! (`emailed_at`, a reminder's `sent_at`). An SMTP failure is retried with the queue's
//! backoff; a refusal that will never succeed (a bad address) kills the job.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgConnection;

use crate::billing::credit_notes::CreditNote;
use crate::billing::documents::Document;
use crate::billing::documents::items::Item;
use crate::billing::documents::read::{self, Deleted};
use crate::billing::documents::tax_lines::TaxLine;
use crate::billing::emailed::DocumentEmail;
use crate::billing::emailed::{self, Sent};
use crate::billing::{invoices, quotes, schedule};
use crate::mail::templates::{DocumentMail, Line, Purpose};
use crate::mail::{self, Attachment, Email, MailError, Mailer};
use crate::money::{Currency, decimal_to_cents, format_amount, format_decimal};
use crate::queue::JobContext;
use crate::queue::JobError;
use crate::render::{DocKind, Prepared, RenderError, Renderer};
use crate::views::Views;

/// Runs one `email.document` job.
pub async fn run(
    ctx: JobContext,
    mailer: Arc<Mailer>,
    renderer: Renderer,
    payload: Value,
) -> Result<(), JobError> {
    let job: DocumentEmail = serde_json::from_value(payload)
        .map_err(|err| JobError::Fatal(format!("bad payload: {err}")))?;
    let purpose = match job.purpose.as_str() {
        "invoice" => Purpose::Invoice,
        "reminder" => Purpose::Reminder,
        "quote" => Purpose::Quote,
        "credit_note" => Purpose::CreditNote,
        other => return Err(JobError::Fatal(format!("unknown purpose {other}"))),
    };
    let views = Views::new(&ctx.config.public_url, &ctx.links);
    let mut conn = ctx.pool.acquire().await?;
    let Some(composed) = compose(&mut conn, &job, purpose, views).await? else {
        return Err(JobError::Fatal("the document no longer exists".into()));
    };
    let pdf = pdf_of(&renderer, &mut conn, views, &job, purpose).await?;
    drop(conn);
    if purpose == Purpose::Reminder && composed.closed {
        // Paid or voided since the reminder was queued: nothing to remind of.
        if let Some(reminder_id) = job.reminder_id {
            emailed::skip_reminder(&ctx.pool, job.business_id, reminder_id, ctx.clock.now())
                .await?;
        }
        return Ok(());
    }
    let (text, html) = match &job.content {
        Some(content) => {
            let vars = vars(&composed.mail, &ctx.config.public_url, job.document_id);
            // Checked when the send was asked for; a document changed since can still
            // fail (never in practice: the variables are always there).
            let body = mail::content::render(content, &vars)
                .map_err(|e| JobError::Fatal(format!("content {e}")))?;
            (
                mail::content::text_of(&body),
                mail::templates::wrap_html(&body),
            )
        }
        None => (composed.mail.text(), composed.mail.html()),
    };
    let subject = job.subject.clone().unwrap_or_else(|| {
        if job.koteshen_form {
            composed.mail.koteshen_subject()
        } else {
            composed.mail.default_subject()
        }
    });
    let email = Email {
        to: job.to.clone(),
        cc: job.cc.clone(),
        subject,
        text,
        html,
        attachments: attachment(&renderer, pdf).await,
    };
    match mailer.send(&email).await {
        Ok(()) => {}
        Err(MailError::Transient(reason)) => return Err(JobError::Retry(reason)),
        Err(MailError::Permanent(reason)) => return Err(JobError::Fatal(reason)),
    }
    record_delivery(&ctx, &job, purpose).await?;
    Ok(())
}

/// The document's PDF read for the email (the reads on the job's connection; the
/// typesetting after it is returned).
async fn pdf_of(
    renderer: &Renderer,
    conn: &mut PgConnection,
    views: Views<'_>,
    job: &DocumentEmail,
    purpose: Purpose,
) -> sqlx::Result<Option<Prepared>> {
    let kind = match purpose {
        Purpose::Quote => DocKind::Quote,
        Purpose::CreditNote => DocKind::CreditNote,
        Purpose::Invoice | Purpose::Reminder => DocKind::Invoice,
    };
    match renderer
        .prepare(conn, views, job.business_id, kind, job.document_id)
        .await
    {
        Ok(prepared) => Ok(prepared),
        Err(RenderError::Database(e)) => Err(e),
        Err(e) => {
            tracing::error!(error = %e, "the document's PDF could not be prepared; sent without it");
            Ok(None)
        }
    }
}

/// The PDF as the email's attachment (`INV-0001.pdf`). A typesetting failure is ours,
/// not the customer's: logged, and the email goes without it rather than not at all.
async fn attachment(renderer: &Renderer, pdf: Option<Prepared>) -> Vec<Attachment> {
    let Some(prepared) = pdf else {
        return Vec::new();
    };
    match renderer.render(prepared).await {
        Ok(rendered) => vec![Attachment {
            file_name: rendered.file_name,
            content_type: "application/pdf",
            bytes: rendered.bytes,
        }],
        Err(e) => {
            tracing::error!(error = %e, "the document's PDF failed to render; sent without it");
            Vec::new()
        }
    }
}

/// Stamps the delivery on the document (or the reminder). The message has already gone,
/// so this is retried by the queue if it fails; at-least-once, as the queue promises.
async fn record_delivery(
    ctx: &JobContext,
    job: &DocumentEmail,
    purpose: Purpose,
) -> sqlx::Result<()> {
    let (kind, id) = match purpose {
        Purpose::Invoice => (Sent::Invoice, job.document_id),
        Purpose::Quote => (Sent::Quote, job.document_id),
        Purpose::CreditNote => (Sent::CreditNote, job.document_id),
        Purpose::Reminder => match job.reminder_id {
            Some(reminder_id) => (Sent::Reminder, reminder_id),
            None => return Ok(()),
        },
    };
    emailed::stamp_sent(&ctx.pool, kind, job.business_id, id, ctx.clock.now()).await
}

struct Composed {
    mail: DocumentMail,
    /// A paid or void invoice: nothing more will be collected.
    closed: bool,
}

/// What a `content` template can name, for the document `id`. `pay_url` and
/// `public_url` are the customer's page (the document's own url if it has none: a
/// revoked link).
fn vars(mail: &DocumentMail, public_url: &str, id: i64) -> mail::content::Vars {
    let collection = match mail.purpose {
        Purpose::Quote => "quotes",
        Purpose::CreditNote => "credit_notes",
        Purpose::Invoice | Purpose::Reminder => "invoices",
    };
    let url = format!("{public_url}/api/v1/{collection}/{id}.json");
    let page = mail.page_url.clone().unwrap_or_else(|| url.clone());
    mail::content::Vars {
        quote: mail.purpose == Purpose::Quote,
        public_url: page.clone(),
        business_name: mail.business.clone(),
        customer_name: mail.customer.clone(),
        number: mail.number.clone(),
        balance: mail.balance.clone().unwrap_or_else(|| mail.total.clone()),
        total: mail.total.clone(),
        due_at: mail.date.clone(),
        pay_url: page,
        url,
    }
}

/// Renders a job's `content` against the document as it stands in the caller's
/// transaction: `Ok(Err(..))` is a template error, for a 422 before anything is queued.
pub async fn check_content(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    views: Views<'_>,
) -> sqlx::Result<Result<(), mail::content::TemplateError>> {
    let Some(content) = &job.content else {
        return Ok(Ok(()));
    };
    let purpose = match job.purpose.as_str() {
        "reminder" => Purpose::Reminder,
        "quote" => Purpose::Quote,
        "credit_note" => Purpose::CreditNote,
        _ => Purpose::Invoice,
    };
    let Some(composed) = compose(conn, job, purpose, views).await? else {
        return Ok(Ok(()));
    };
    let vars = vars(&composed.mail, views.public_url(), job.document_id);
    Ok(mail::content::render(content, &vars).map(|_| ()))
}

/// The email's content from the document as it now stands; `None` if it is gone.
async fn compose(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    purpose: Purpose,
    views: Views<'_>,
) -> sqlx::Result<Option<Composed>> {
    let doc = match purpose {
        Purpose::Quote => quote_doc(&mut *conn, job, views).await?,
        Purpose::CreditNote => credit_note_doc(&mut *conn, job, views).await?,
        _ => invoice_doc(&mut *conn, job, views).await?,
    };
    let Some((
        doc,
        Parties {
            business,
            time_zone,
            customer,
        },
    )) = doc
    else {
        return Ok(None);
    };
    let tz = schedule::time_zone(&time_zone);
    let Ok(currency) = Currency::parse(&doc.currency) else {
        return Ok(None);
    };
    let message = job.message.clone();
    Ok(Some(composed(
        doc, purpose, business, customer, currency, tz, message,
    )))
}

/// Who an email is from and to, from the document's one read: the business's name and
/// time zone, the customer's name (empty when the customer is gone).
struct Parties {
    business: String,
    time_zone: String,
    customer: String,
}

impl Parties {
    fn of<D>(row: &read::FullRow<D>) -> Option<Parties> {
        let business = row.business.as_ref()?;
        Some(Parties {
            business: business.0.name.clone(),
            time_zone: business.0.time_zone.clone(),
            customer: row
                .customer
                .as_ref()
                .map(|c| c.0.name().to_string())
                .unwrap_or_default(),
        })
    }
}

/// The job's document as the email shows it, read in one query (`read::find_full`) and
/// made a `Doc` by `doc`; `None` if it is gone.
async fn read_doc<D: Document>(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    views: Views<'_>,
    doc: impl FnOnce(D, Items) -> Doc,
) -> sqlx::Result<Option<(Doc, Parties)>> {
    let Some(d) =
        read::find_full::<D>(conn, job.business_id, job.document_id, Deleted::Excluded).await?
    else {
        return Ok(None);
    };
    let Some(parties) = Parties::of(&d) else {
        return Ok(None);
    };
    let items = Items {
        page_url: views.page_url(d.link_nonce.as_deref()),
        items: d.items.0,
        taxes: d.taxes.0,
    };
    Ok(Some((doc(d.document, items), parties)))
}

/// What every document's email shows beside its own fields.
struct Items {
    page_url: Option<String>,
    items: Vec<Item>,
    taxes: Vec<TaxLine>,
}

/// The job's quote as the email shows it.
async fn quote_doc(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    views: Views<'_>,
) -> sqlx::Result<Option<(Doc, Parties)>> {
    read_doc(conn, job, views, |q: quotes::Quote, i: Items| Doc {
        page_url: i.page_url,
        number: q.number,
        closed: false,
        currency: q.currency,
        date: q.expires_at,
        notes: q.notes,
        subtotal: q.subtotal_cents,
        discount: q.discount_cents,
        total: q.total_cents,
        balance: None,
        items: i.items,
        taxes: i.taxes,
    })
    .await
}

/// The job's credit note as the email shows it (the reason as its notes).
async fn credit_note_doc(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    views: Views<'_>,
) -> sqlx::Result<Option<(Doc, Parties)>> {
    read_doc(conn, job, views, |n: CreditNote, i: Items| Doc {
        page_url: i.page_url,
        number: n.number,
        closed: false,
        currency: n.currency,
        date: n.issued_at,
        notes: n.reason,
        subtotal: n.subtotal_cents,
        discount: n.discount_cents,
        total: n.total_cents,
        balance: None,
        items: i.items,
        taxes: i.taxes,
    })
    .await
}

/// The job's invoice (also a reminder's) as the email shows it.
async fn invoice_doc(
    conn: &mut PgConnection,
    job: &DocumentEmail,
    views: Views<'_>,
) -> sqlx::Result<Option<(Doc, Parties)>> {
    read_doc(conn, job, views, |v: invoices::Invoice, i: Items| Doc {
        page_url: i.page_url,
        number: v.number,
        closed: v.status.is_closed(),
        currency: v.currency,
        date: v.due_at,
        notes: v.notes,
        subtotal: v.subtotal_cents,
        discount: v.discount_cents,
        total: v.total_cents,
        balance: Some(v.balance_cents),
        items: i.items,
        taxes: i.taxes,
    })
    .await
}

/// The mail from the document, amounts in `currency`'s format and the date in the
/// business's time zone.
fn composed(
    doc: Doc,
    purpose: Purpose,
    business: String,
    customer: String,
    currency: Currency,
    tz: chrono_tz::Tz,
    message: Option<String>,
) -> Composed {
    let amount = |cents: i64| format_amount(cents, currency);
    let mail = DocumentMail {
        purpose,
        business,
        customer,
        number: doc.number,
        lines: doc
            .items
            .into_iter()
            .map(|item| Line {
                quantity: format_decimal(item.quantity),
                unit_price: price(item.unit_price, currency),
                total: amount(item.total_cents),
                name: item.name,
                description: item.description,
            })
            .collect(),
        subtotal: amount(doc.subtotal),
        discount: (doc.discount != 0).then(|| amount(doc.discount)),
        taxes: doc
            .taxes
            .iter()
            .map(|t| {
                (
                    format!(
                        "{} ({}%{})",
                        t.tax_name,
                        format_decimal(t.tax_rate),
                        if t.inclusive { ", incl." } else { "" }
                    ),
                    amount(t.amount_cents),
                )
            })
            .collect(),
        total: amount(doc.total),
        balance: doc.balance.map(amount),
        date_label: match purpose {
            Purpose::Quote => "Valid until",
            Purpose::CreditNote => "Issued",
            Purpose::Invoice | Purpose::Reminder => "Due",
        },
        date: doc.date.with_timezone(&tz).format("%Y-%m-%d").to_string(),
        notes: doc.notes.filter(|n| !n.trim().is_empty()),
        message,
        page_url: doc.page_url,
    };
    Composed {
        mail,
        closed: doc.closed,
    }
}

struct Doc {
    /// The customer's page, when the document has a live link.
    page_url: Option<String>,
    number: String,
    /// An invoice paid or void (`InvoiceStatus::is_closed`); a quote never is.
    closed: bool,
    currency: String,
    date: DateTime<Utc>,
    notes: Option<String>,
    subtotal: i64,
    discount: i64,
    total: i64,
    balance: Option<i64>,
    items: Vec<Item>,
    taxes: Vec<TaxLine>,
}

/// A unit price in the currency's format when it has no more digits than the currency;
/// otherwise exactly as entered (`USD 0.125`).
fn price(value: Decimal, currency: Currency) -> String {
    let value = value.normalize();
    match decimal_to_cents(value, currency) {
        Ok(cents) if value.scale() <= currency.exponent() => format_amount(cents, currency),
        _ => format!("{currency} {}", format_decimal(value)),
    }
}
