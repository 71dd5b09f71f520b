//! A credit note as the API shows it, from the documents' one-query read
//! (`billing::documents::read::find_full`), with the invoice it corrects.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::billing::credit_notes::CreditNote;
use crate::billing::documents::read::{self, Deleted, FullRow};
use crate::money::{Currency, format_decimal};
use crate::timestamp;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;
use crate::views::documents::{Embedded, ItemView, MoneyView, TaxLineView, money, tax_views};
use crate::views::einvoice_ready::{EinvoiceReady, einvoice_ready_schema};
use crate::views::{Views, resource_url};

/// The invoice a credit note corrects.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditedInvoiceView {
    #[schema(example = 150)]
    pub id: i64,
    #[schema(example = "INV-0001")]
    pub number: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T00:00:00.000Z")]
    pub issued_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/invoices/150.json")]
    pub url: String,
}

/// A line of a credit note: an invoice line credited (all or part of its quantity), or
/// an amount credit's one line.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditNoteItemView {
    #[serde(flatten)]
    pub item: ItemView,
    /// The invoice item credited; null for an amount credit's line.
    #[schema(example = 181)]
    pub invoice_item_id: Option<i64>,
}

/// A credit note: money objects like an invoice's, for what it takes off the invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditNoteView {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "CN-0001")]
    pub number: String,
    #[schema(example = 150)]
    pub invoice_id: i64,
    pub invoice: CreditedInvoiceView,
    #[schema(example = 13)]
    pub customer_id: i64,
    #[schema(example = 1)]
    pub business_id: i64,
    /// issued, or sent once emailed.
    #[schema(example = "issued")]
    pub status: String,
    #[schema(example = "Two licences returned")]
    pub reason: Option<String>,
    #[schema(example = "USD")]
    pub currency: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T00:00:00.000Z")]
    pub issued_at: DateTime<Utc>,
    /// The discount as credited: the invoice's percentage, or (`fixed`) the amount.
    #[schema(example = "percent")]
    pub discount_type: Option<String>,
    #[schema(example = "5.0")]
    pub discount_value: Option<String>,
    pub subtotal: MoneyView,
    pub discount: MoneyView,
    pub tax_total: MoneyView,
    /// `total − tax_total`.
    pub net: MoneyView,
    /// What it takes off the invoice, tax included.
    pub total: MoneyView,
    /// The part of the total the invoice's balance could not take (it was paid): added
    /// to the customer's credit balance, for a refund or a later invoice.
    pub customer_credit: MoneyView,
    pub items: Vec<CreditNoteItemView>,
    pub taxes: Vec<TaxLineView>,
    /// Whether the credit note can be an EN 16931 e-invoice (`GET
    /// /credit_notes/{id}.xml`): `true`, or every missing piece by the field to fill in,
    /// as a 422's `errors`.
    #[schema(schema_with = einvoice_ready_schema)]
    pub einvoice_ready: EinvoiceReady,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub emailed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Actor>,
    pub created_by: Option<Actor>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/credit_notes/7.json")]
    pub url: String,
    /// The customer's page (absolute): null until the credit note is sent, and after
    /// its link is revoked.
    #[schema(example = "http://localhost:3000/p/3q2-7wEjm0bX5Yt8vJ1kQk4nQ8m2pQy5Zs1wVb3LcXo")]
    pub public_url: Option<String>,
    /// The PDF (PDF/A-3b): `…/api/v1/credit_notes/{id}/pdf`.
    #[schema(example = "http://localhost:3000/api/v1/credit_notes/7/pdf")]
    pub download_url: String,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
}

/// Renders credit notes read with everything they embed; no query.
pub(crate) fn render(
    views: Views<'_>,
    rows: Vec<FullRow<CreditNote>>,
) -> sqlx::Result<Vec<CreditNoteView>> {
    rows.into_iter()
        .map(|row| {
            let ready = EinvoiceReady::of(&row);
            Ok(view(views.public_url(), Embedded::new(views, row)?, ready))
        })
        .collect()
}

fn view(
    public_url: &str,
    embedded: Embedded<CreditNote>,
    einvoice_ready: EinvoiceReady,
) -> CreditNoteView {
    let Embedded {
        document: n,
        items,
        taxes,
        business,
        customer,
        public_url: page_url,
        ..
    } = embedded;
    let currency = Currency::parse(&n.currency).ok();
    let items = items
        .into_iter()
        .filter_map(|item| {
            let invoice_item_id = item.invoice_item_id;
            currency.map(|c| CreditNoteItemView {
                item: ItemView::new(item, c),
                invoice_item_id,
            })
        })
        .collect();
    CreditNoteView {
        url: resource_url(public_url, "credit_notes", n.id),
        public_url: page_url,
        download_url: format!("{public_url}/api/v1/credit_notes/{}/pdf", n.id),
        invoice: CreditedInvoiceView {
            id: n.invoice_id,
            number: n.invoice_number,
            issued_at: n.invoice_issued_at,
            url: resource_url(public_url, "invoices", n.invoice_id),
        },
        id: n.id,
        number: n.number,
        invoice_id: n.invoice_id,
        customer_id: n.customer_id,
        business_id: n.business_id,
        status: n.status.as_str().to_string(),
        reason: n.reason,
        issued_at: n.issued_at,
        discount_type: n.discount_type,
        discount_value: n.discount_value.map(format_decimal),
        subtotal: money(n.subtotal_cents, &n.currency),
        discount: money(n.discount_cents, &n.currency),
        tax_total: money(n.tax_total_cents, &n.currency),
        net: money(n.total_cents - n.tax_total_cents, &n.currency),
        total: money(n.total_cents, &n.currency),
        customer_credit: money(n.customer_credit_cents, &n.currency),
        items,
        taxes: tax_views(taxes, &n.currency),
        einvoice_ready,
        emailed_at: n.emailed_at,
        sent_at: n.sent_at,
        sent_by: n.sent_by.map(|a| a.0),
        created_by: n.created_by.map(|a| a.0),
        created_at: n.created_at,
        updated_at: n.updated_at,
        business,
        customer,
        currency: n.currency,
    }
}

/// One credit note as the API shows it, on any connection (an event shows it inside the
/// transaction that creates it): one query.
pub async fn show_one(
    conn: &mut PgConnection,
    views: Views<'_>,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<CreditNoteView>> {
    let Some(row) = read::find_full::<CreditNote>(conn, business_id, id, Deleted::Included).await?
    else {
        return Ok(None);
    };
    Ok(render(views, vec![row])?.pop())
}
