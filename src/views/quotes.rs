//! A quote as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::timestamp;
use crate::views::resource_url;
use sqlx::PgConnection;

use crate::billing::quotes::{self, QuoteDetail};
use crate::money::format_decimal;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;
use crate::views::documents::Embeds;
use crate::views::documents::{ItemView, MoneyView, TaxLineView, item_views, money, tax_views};

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
    #[schema(example = "http://localhost:3000/api/v1/quotes/25.json")]
    pub url: String,
    pub items: Vec<ItemView>,
    pub taxes: Vec<TaxLineView>,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
}

/// Renders quotes with their embedded business and customers (two queries for any
/// number), on any connection, so an event can show a quote inside its transaction.
pub async fn render(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    details: Vec<QuoteDetail>,
) -> sqlx::Result<Vec<QuoteView>> {
    let customer_ids: Vec<i64> = details.iter().map(|d| d.quote.customer_id).collect();
    let embeds = Embeds::load(conn, business_id, &customer_ids).await?;
    Ok(details
        .into_iter()
        .map(|d| {
            let q = d.quote;
            QuoteView {
                url: resource_url(public_url, "quotes", q.id),
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
                total: money(q.total_cents, &q.currency),
                discount_type: q.discount_type,
                discount_value: q.discount_value.map(format_decimal),
                status: q.status,
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
                items: item_views(d.items, &q.currency),
                taxes: tax_views(d.taxes, &q.currency),
                business: embeds.business.clone(),
                customer: embeds.customer(q.customer_id, public_url),
                currency: q.currency,
            }
        })
        .collect())
}

/// One quote as the API shows it, on any connection.
pub async fn show_one(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<QuoteView>> {
    let Some(detail) = quotes::find(&mut *conn, business_id, id, include_deleted).await? else {
        return Ok(None);
    };
    Ok(render(conn, public_url, business_id, vec![detail])
        .await?
        .pop())
}
