//! What invoices and quotes show alike: money, items and tax lines, and what they embed
//! (the business and the customer).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::billing::customers::Customer;
use crate::billing::documents::items::Item;
use crate::billing::documents::read::FullRow;
use crate::billing::documents::tax_lines::TaxLine;
use crate::money::{Currency, cents_to_decimal, format_decimal};
use crate::timestamp;
use crate::views::Views;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;

/// `{"cents": 43700, "currency_iso": "USD"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyView {
    #[schema(example = 43700)]
    pub cents: i64,
    #[schema(example = "USD")]
    pub currency_iso: String,
}

pub fn money(cents: i64, currency: &str) -> MoneyView {
    MoneyView {
        cents,
        currency_iso: currency.to_string(),
    }
}

/// A decimal as a JSON number with its exact digits (`1`, `1.5`), as the documents show
/// quantities.
pub fn serialize_number<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let number = serde_json::Number::from_str(&value.normalize().to_string())
        .map_err(serde::ser::Error::custom)?;
    number.serialize(s)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    #[schema(example = 181)]
    pub id: i64,
    #[schema(example = "Items Consulting")]
    pub name: String,
    pub description: Option<String>,
    /// Decimal as a string.
    #[schema(example = "400.0")]
    pub unit_price: String,
    #[serde(serialize_with = "serialize_number")]
    #[schema(value_type = f64, example = 1)]
    pub quantity: Decimal,
    /// The unit of the quantity: a UN/ECE Recommendation 20 code (`C62`, one, by
    /// default; `HUR` hour, `DAY`, `KGM` kilogram…).
    #[schema(example = "C62")]
    pub unit_code: String,
    /// quantity × unit_price, rounded to the currency's minor unit, as a decimal string.
    #[schema(example = "400.0")]
    pub total: String,
    /// Item-level taxes.
    pub tax_ids: Vec<i64>,
    /// The catalogue product the item's defaults came from (`null`: none). The item is
    /// its own copy: changing the product changes no document.
    #[schema(example = json!(null))]
    pub product_id: Option<i64>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.893Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.893Z")]
    pub updated_at: DateTime<Utc>,
}

impl ItemView {
    pub fn new(item: Item, currency: Currency) -> Self {
        ItemView {
            id: item.id,
            name: item.name,
            description: item.description,
            unit_price: format_decimal(item.unit_price),
            quantity: item.quantity,
            unit_code: item.unit_code,
            total: format_decimal(cents_to_decimal(item.total_cents, currency)),
            tax_ids: item.tax_ids,
            product_id: item.product_id,
            created_at: item.created_at,
            updated_at: item.updated_at,
        }
    }
}

/// The tax record a tax line refers to.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmbeddedTax {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "VAT")]
    pub name: String,
    #[schema(example = "15.0")]
    pub rate: String,
    /// As the tax is now (the tax line's `inclusive` is as applied).
    pub inclusive: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxLineView {
    #[schema(example = 18)]
    pub id: i64,
    #[schema(example = "VAT")]
    pub tax_name: String,
    pub tax_amount: MoneyView,
    #[schema(example = "15.0")]
    pub tax_rate: String,
    /// As applied: `true`, the prices include this tax and `tax_amount` was extracted
    /// from them; `false`, it was added on top. Later changes to the tax leave it.
    pub inclusive: bool,
    /// The VAT category (S, Z, E, AE, K, G, O) and exemption reason, as applied.
    #[schema(example = "S")]
    pub category: String,
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
    /// `true`: applies to the whole document; `false`: to the items that name it.
    pub invoice_level: bool,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
    pub tax: EmbeddedTax,
}

impl TaxLineView {
    pub fn new(line: TaxLine, currency: &str) -> Self {
        TaxLineView {
            id: line.id,
            tax_name: line.tax_name,
            tax_amount: money(line.amount_cents, currency),
            tax_rate: format_decimal(line.tax_rate),
            inclusive: line.inclusive,
            category: line.category,
            exemption_reason: line.exemption_reason,
            exemption_reason_code: line.exemption_reason_code,
            invoice_level: line.invoice_level,
            created_at: line.created_at,
            updated_at: line.updated_at,
            tax: EmbeddedTax {
                id: line.tax_id,
                name: line.current_name,
                rate: format_decimal(line.current_rate),
                inclusive: line.current_inclusive,
            },
        }
    }
}

/// The items of a document rendered in its currency.
pub fn item_views(items: Vec<Item>, currency: &str) -> Vec<ItemView> {
    match Currency::parse(currency) {
        Ok(currency) => items
            .into_iter()
            .map(|item| ItemView::new(item, currency))
            .collect(),
        Err(_) => Vec::new(),
    }
}

pub fn tax_views(taxes: Vec<TaxLine>, currency: &str) -> Vec<TaxLineView> {
    taxes
        .into_iter()
        .map(|t| TaxLineView::new(t, currency))
        .collect()
}

/// A document read with everything it embeds (`read::FullRow`), its business and
/// customer as the documents show them: what each kind's view is made of; no query.
pub(crate) struct Embedded<D> {
    pub document: D,
    pub items: Vec<Item>,
    pub taxes: Vec<TaxLine>,
    pub business: BusinessView,
    pub customer: Option<CustomerView>,
    /// The customer's page (`billing::links`), absolute; none before it is sent.
    pub public_url: Option<String>,
    pub response: Option<crate::billing::documents::read::Response>,
}

impl<D> Embedded<D> {
    pub(crate) fn new(views: Views<'_>, row: FullRow<D>) -> sqlx::Result<Embedded<D>> {
        let public_url = views.public_url();
        let business = row.business.ok_or(sqlx::Error::RowNotFound)?.0;
        Ok(Embedded {
            public_url: views.page_url(row.link_nonce.as_deref()),
            response: row.response.map(|r| r.0),
            document: row.document,
            items: row.items.0,
            taxes: row.taxes.0,
            business: BusinessView::new(business, public_url),
            customer: row
                .customer
                .map(|c| CustomerView::new(Customer::from(c.0), public_url)),
        })
    }
}
