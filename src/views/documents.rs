//! What invoices and quotes show alike: money, items and tax lines.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use sqlx::PgConnection;

use crate::billing::customers::{self, Customer};
use crate::billing::documents::items::Item;
use crate::billing::documents::tax_lines::TaxLine;
use crate::money::{Currency, cents_to_decimal, format_decimal};
use crate::timestamp;
use crate::views::business::{BusinessView, find_business};
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

#[derive(Debug, Serialize, ToSchema)]
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
    /// quantity × unit_price, rounded to the currency's minor unit, as a decimal string.
    #[schema(example = "400.0")]
    pub total: String,
    /// Item-level taxes.
    pub tax_ids: Vec<i64>,
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
            total: format_decimal(cents_to_decimal(item.total_cents, currency)),
            tax_ids: item.tax_ids,
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
            invoice_level: line.invoice_level,
            created_at: line.created_at,
            updated_at: line.updated_at,
            tax: EmbeddedTax {
                id: line.tax_id,
                name: line.current_name,
                rate: format_decimal(line.current_rate),
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

/// What a page of documents embeds: the business once, and each document's customer
/// (two queries for any number of documents).
pub struct Embeds {
    pub business: BusinessView,
    customers: Vec<Customer>,
}

impl Embeds {
    pub async fn load(
        conn: &mut PgConnection,
        business_id: i64,
        customer_ids: &[i64],
    ) -> sqlx::Result<Embeds> {
        let business = find_business(&mut *conn, business_id)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let customers = customers::find_many(&mut *conn, business_id, customer_ids).await?;
        Ok(Embeds {
            business,
            customers,
        })
    }

    pub fn customer(&self, id: i64, public_url: &str) -> Option<CustomerView> {
        self.customers
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .map(|c| CustomerView::new(c, public_url))
    }
}
