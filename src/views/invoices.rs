//! An invoice as the API shows it, from the one query that reads it with everything it
//! embeds (`billing::documents::read::find_full`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::timestamp;
use crate::views::{Views, resource_url};
use sqlx::PgConnection;

use crate::billing::documents::read::{self, Deleted, FullRow};
use crate::billing::invoices::Invoice;
use crate::money::format_decimal;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;
use crate::views::documents::{
    Embedded, ItemView, MoneyView, TaxLineView, item_views, money, tax_views,
};
use crate::views::einvoice_ready::{EinvoiceReady, einvoice_ready_schema};

/// The payment term as the documents embed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmbeddedTermView {
    #[schema(example = 89)]
    pub id: i64,
    #[schema(example = "Due on Receipt")]
    pub name: String,
    /// Days until due.
    #[schema(example = 0)]
    pub value: i32,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// An invoice as the documents show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceView {
    #[schema(example = 150)]
    pub id: i64,
    #[schema(example = "INV-0001")]
    pub number: String,
    #[schema(example = 13)]
    pub customer_id: i64,
    #[schema(example = 1)]
    pub business_id: i64,
    #[schema(example = "USD")]
    pub currency: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T00:00:00.000Z")]
    pub due_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T00:00:00.000Z")]
    pub issued_at: DateTime<Utc>,
    #[schema(example = "")]
    pub notes: String,
    /// `percent`, `fixed` or null.
    #[schema(example = "percent")]
    pub discount_type: Option<String>,
    /// Decimal as a string.
    #[schema(example = "5.0")]
    pub discount_value: Option<String>,
    /// draft, sent, viewed, partial, paid, overdue or void.
    #[schema(example = "draft")]
    pub status: String,
    pub paid: bool,
    #[schema(example = 89)]
    pub payment_term_id: Option<i64>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub emailed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub viewed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub voided_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paid_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.913Z")]
    pub updated_at: DateTime<Utc>,
    /// Who created it (an addition: `created_at` says when). Null on invoices from before
    /// actors were recorded.
    pub created_by: Option<Actor>,
    /// When it was first sent (it left draft for sent: by email, by status, or a
    /// recurring run's auto-send), and by whom.
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Actor>,
    /// Who voided it (`voided_at` says when).
    pub voided_by: Option<Actor>,
    pub subtotal: MoneyView,
    pub discount: MoneyView,
    pub tax_total: MoneyView,
    /// `total − tax_total`: the total without any tax (the prices after the discount,
    /// less the taxes they include). Equals subtotal − discount without inclusive taxes.
    pub net: MoneyView,
    pub total: MoneyView,
    /// What its credit notes took off the total (an addition: `GET /credit_notes?invoice_id=`
    /// lists them).
    pub credited: MoneyView,
    /// What was applied to it from the customer's credit balance (`apply_credit`).
    pub credit_applied: MoneyView,
    /// total − paid − credited − credit applied, never below 0.
    pub balance: MoneyView,
    pub payment_term: Option<EmbeddedTermView>,
    /// The buyer's reference (BT-10 of an e-invoice).
    pub buyer_reference: Option<String>,
    /// The buyer's purchase order number (BT-13).
    pub purchase_order: Option<String>,
    /// Whether the invoice can be an EN 16931 e-invoice (`GET /invoices/{id}.xml`):
    /// `true`, or every missing piece by the field to fill in, as a 422's `errors`
    /// (`{"business.tax_id": ["BT-31: …"]}`).
    #[schema(schema_with = einvoice_ready_schema)]
    pub einvoice_ready: EinvoiceReady,
    #[schema(example = "http://localhost:3000/api/v1/invoices/150.json")]
    pub url: String,
    /// The customer's page (absolute): null until the invoice is sent, and after its
    /// link is revoked or the invoice deleted.
    #[schema(example = "http://localhost:3000/p/3q2-7wEjm0bX5Yt8vJ1kQk4nQ8m2pQy5Zs1wVb3LcXo")]
    pub public_url: Option<String>,
    /// The PDF (PDF/A-3b): `…/api/v1/invoices/{id}/pdf`.
    #[schema(example = "http://localhost:3000/api/v1/invoices/150/pdf")]
    pub download_url: String,
    pub items: Vec<ItemView>,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
    pub taxes: Vec<TaxLineView>,
}

/// Renders invoices read with everything they embed (`read::FullRow`); no query.
pub(crate) fn render(
    views: Views<'_>,
    rows: Vec<FullRow<Invoice>>,
) -> sqlx::Result<Vec<InvoiceView>> {
    rows.into_iter()
        .map(|row| {
            let ready = EinvoiceReady::of(&row);
            Ok(view(views.public_url(), Embedded::new(views, row)?, ready))
        })
        .collect()
}

fn view(public_url: &str, embedded: Embedded<Invoice>, ready: EinvoiceReady) -> InvoiceView {
    let Embedded {
        document: i,
        items,
        taxes,
        business,
        customer,
        public_url: page_url,
        response: _,
    } = embedded;
    let payment_term = match (i.payment_term_id, i.term.term_name, i.term.term_value) {
        (Some(id), Some(name), Some(value)) => Some(EmbeddedTermView {
            id,
            name,
            value,
            created_at: i.term.term_created_at.unwrap_or(i.created_at),
            updated_at: i.term.term_updated_at.unwrap_or(i.created_at),
        }),
        _ => None,
    };
    InvoiceView {
        url: resource_url(public_url, "invoices", i.id),
        public_url: page_url,
        download_url: format!("{public_url}/api/v1/invoices/{}/pdf", i.id),
        id: i.id,
        number: i.number,
        customer_id: i.customer_id,
        business_id: i.business_id,
        due_at: i.due_at,
        issued_at: i.issued_at,
        notes: i.notes.unwrap_or_default(),
        discount_type: i.discount_type,
        discount_value: i.discount_value.map(format_decimal),
        status: i.status.as_str().to_string(),
        paid: i.paid,
        payment_term_id: i.payment_term_id,
        emailed_at: i.emailed_at,
        viewed_at: i.viewed_at,
        voided_at: i.voided_at,
        paid_at: i.paid_at,
        discarded_at: i.discarded_at,
        created_at: i.created_at,
        updated_at: i.updated_at,
        created_by: i.created_by.map(|a| a.0),
        sent_at: i.sent_at,
        sent_by: i.sent_by.map(|a| a.0),
        voided_by: i.voided_by.map(|a| a.0),
        subtotal: money(i.subtotal_cents, &i.currency),
        discount: money(i.discount_cents, &i.currency),
        tax_total: money(i.tax_total_cents, &i.currency),
        net: money(i.total_cents - i.tax_total_cents, &i.currency),
        total: money(i.total_cents, &i.currency),
        credited: money(i.credited_cents, &i.currency),
        credit_applied: money(i.credit_applied_cents, &i.currency),
        balance: money(i.balance_cents, &i.currency),
        payment_term,
        buyer_reference: i.buyer_reference,
        purchase_order: i.purchase_order,
        einvoice_ready: ready,
        items: item_views(items, &i.currency),
        business,
        customer,
        taxes: tax_views(taxes, &i.currency),
        currency: i.currency,
    }
}

/// One invoice as the API shows it, deleted or not, on any connection (so that an event
/// can show the invoice inside the transaction that changes it): one query.
pub async fn show_one(
    conn: &mut PgConnection,
    views: Views<'_>,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<InvoiceView>> {
    find_view(conn, views, business_id, id, true).await
}

pub async fn find_view(
    conn: &mut PgConnection,
    views: Views<'_>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<InvoiceView>> {
    let deleted = Deleted::included_if(include_deleted);
    let Some(row) = read::find_full::<Invoice>(conn, business_id, id, deleted).await? else {
        return Ok(None);
    };
    Ok(render(views, vec![row])?.pop())
}
