//! A quote as the API shows it, from the one query that reads it with everything it
//! embeds (`billing::documents::read::find_full`), as invoices are.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::timestamp;
use crate::views::{Views, resource_url};
use sqlx::PgConnection;

use crate::billing::documents::read::{self, Deleted, FullRow};
use crate::billing::quotes::Quote;
use crate::money::format_decimal;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;
use crate::views::documents::{
    Embedded, ItemView, MoneyView, TaxLineView, item_views, money, tax_views,
};

/// A quote as the documents show it (plus discount, taxes and `viewed_at`; the
/// documents' spelling `viewd_at` is kept for clients written against it).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteView {
    #[schema(example = 25)]
    pub id: i64,
    #[schema(example = "QOT-0001")]
    pub number: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-28T10:00:00.000Z")]
    pub expires_at: DateTime<Utc>,
    /// The issue date (`YYYY-MM-DD`) of `issued_at`.
    #[schema(example = "2025-10-12")]
    pub issue_date: String,
    #[schema(example = "USD")]
    pub currency: String,
    #[schema(example = 1)]
    pub business_id: i64,
    #[schema(example = 13)]
    pub customer_id: i64,
    #[schema(example = "Valid for 30 days.")]
    pub notes: String,
    #[schema(example = "this is an estimate")]
    pub summary: Option<String>,
    pub subtotal: MoneyView,
    pub discount: MoneyView,
    pub tax_total: MoneyView,
    /// `total − tax_total`: the total without any tax (the prices after the discount,
    /// less the taxes they include). Equals subtotal − discount without inclusive taxes.
    pub net: MoneyView,
    pub total: MoneyView,
    #[schema(example = "percent")]
    pub discount_type: Option<String>,
    #[schema(example = "10.0")]
    pub discount_value: Option<String>,
    /// draft, sent, viewed, accepted, rejected, expired or invoiced.
    #[schema(example = "draft")]
    pub status: String,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub emailed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub rejected_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub viewed_at: Option<DateTime<Utc>>,
    /// The documents' spelling of `viewed_at`.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub viewd_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expired_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub invoiced_at: Option<DateTime<Utc>>,
    /// The invoice this quote became.
    pub invoice_id: Option<i64>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T10:00:00.000Z")]
    pub issued_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T04:34:18.935Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T04:34:18.935Z")]
    pub updated_at: DateTime<Utc>,
    /// Who created it (an addition; null on quotes from before actors were recorded).
    pub created_by: Option<Actor>,
    /// When it was first sent (it left draft for sent), and by whom.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Actor>,
    #[schema(example = "http://localhost:3000/api/v1/quotes/25.json")]
    pub url: String,
    /// The customer's page (absolute): null until the quote is sent, and after its link
    /// is revoked.
    #[schema(example = "http://localhost:3000/p/3q2-7wEjm0bX5Yt8vJ1kQk4nQ8m2pQy5Zs1wVb3LcXo")]
    pub public_url: Option<String>,
    /// What the customer wrote when accepting or declining on the page; null if nothing.
    pub customer_response: Option<CustomerResponseView>,
    /// The PDF (PDF/A-3b): `…/api/v1/quotes/{id}/pdf`.
    #[schema(example = "http://localhost:3000/api/v1/quotes/25/pdf")]
    pub pdf_url: String,
    pub items: Vec<ItemView>,
    pub taxes: Vec<TaxLineView>,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
}

/// A quote's answer on the customer's page.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerResponseView {
    /// The name the customer gave, if any.
    pub name: Option<String>,
    pub comment: Option<String>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub responded_at: DateTime<Utc>,
}

/// Renders quotes read with everything they embed (`read::FullRow`); no query.
pub(crate) fn render(views: Views<'_>, rows: Vec<FullRow<Quote>>) -> sqlx::Result<Vec<QuoteView>> {
    rows.into_iter()
        .map(|row| Ok(view(views.public_url(), Embedded::new(views, row)?)))
        .collect()
}

fn view(public_url: &str, embedded: Embedded<Quote>) -> QuoteView {
    let Embedded {
        document: q,
        items,
        taxes,
        business,
        customer,
        public_url: page_url,
        response,
    } = embedded;
    QuoteView {
        url: resource_url(public_url, "quotes", q.id),
        public_url: page_url,
        customer_response: response.map(|r| CustomerResponseView {
            name: r.name,
            comment: r.comment,
            responded_at: r.responded_at,
        }),
        pdf_url: format!("{public_url}/api/v1/quotes/{}/pdf", q.id),
        id: q.id,
        number: q.number,
        expires_at: q.expires_at,
        issue_date: q.issued_at.date_naive().to_string(),
        business_id: q.business_id,
        customer_id: q.customer_id,
        notes: q.notes.unwrap_or_default(),
        summary: q.summary,
        subtotal: money(q.subtotal_cents, &q.currency),
        discount: money(q.discount_cents, &q.currency),
        tax_total: money(q.tax_total_cents, &q.currency),
        net: money(q.total_cents - q.tax_total_cents, &q.currency),
        total: money(q.total_cents, &q.currency),
        discount_type: q.discount_type,
        discount_value: q.discount_value.map(format_decimal),
        status: q.status.as_str().to_string(),
        emailed_at: q.emailed_at,
        accepted_at: q.accepted_at,
        rejected_at: q.rejected_at,
        viewed_at: q.viewed_at,
        viewd_at: q.viewed_at,
        expired_at: q.expired_at,
        invoiced_at: q.invoiced_at,
        invoice_id: q.invoice_id,
        issued_at: q.issued_at,
        discarded_at: q.discarded_at,
        created_at: q.created_at,
        updated_at: q.updated_at,
        created_by: q.created_by.map(|a| a.0),
        sent_at: q.sent_at,
        sent_by: q.sent_by.map(|a| a.0),
        items: item_views(items, &q.currency),
        taxes: tax_views(taxes, &q.currency),
        business,
        customer,
        currency: q.currency,
    }
}

/// One quote as the API shows it, on any connection (so that an event can show the quote
/// inside the transaction that changes it): one query.
pub async fn show_one(
    conn: &mut PgConnection,
    views: Views<'_>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<QuoteView>> {
    let deleted = Deleted::included_if(include_deleted);
    let Some(row) = read::find_full::<Quote>(conn, business_id, id, deleted).await? else {
        return Ok(None);
    };
    Ok(render(views, vec![row])?.pop())
}
