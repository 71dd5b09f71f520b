//! A catalogue product as the API shows it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::products::Product;
use crate::money::format_decimal;
use crate::timestamp;
use crate::views::resource_url;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "Web hosting")]
    pub name: String,
    #[schema(example = "Annual web hosting package")]
    pub description: Option<String>,
    /// Unique among the business's live products, whatever its case.
    #[schema(example = "HOST-12")]
    pub sku: Option<String>,
    /// Per unit, a decimal string as items show theirs.
    #[schema(example = "99.99")]
    pub unit_price: String,
    /// ISO 4217: an item takes the product's price only on a document in this currency.
    #[schema(example = "USD")]
    pub currency: String,
    /// UN/ECE Recommendation 20 (`C62`, one).
    #[schema(example = "C62")]
    pub unit_code: String,
    /// Default taxes an item naming the product takes when it names none.
    pub tax_ids: Vec<i64>,
    /// An inactive product stays listed but may not be named by a new item.
    #[schema(example = true)]
    pub active: bool,
    #[schema(example = 1)]
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.293Z")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[schema(example = "http://localhost:3000/api/v1/products/7.json")]
    pub url: String,
}

impl ProductView {
    pub fn new(p: Product, public_url: &str) -> Self {
        ProductView {
            url: resource_url(public_url, "products", p.id),
            id: p.id,
            name: p.name,
            description: p.description,
            sku: p.sku,
            unit_price: format_decimal(p.unit_price),
            currency: p.currency,
            unit_code: p.unit_code,
            tax_ids: p.tax_ids,
            active: p.active,
            business_id: p.business_id,
            discarded_at: p.discarded_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
