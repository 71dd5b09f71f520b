//! A payment term as the API shows it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::payment_terms::PaymentTerm;
use crate::timestamp;
use crate::views::resource_url;

/// A payment term. Documents embed `id`, `name`, `value`, `created_at` and
/// `updated_at` of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentTermView {
    #[schema(example = 89)]
    pub id: i64,
    #[schema(example = "Due on Receipt")]
    pub name: String,
    /// Whole days from issue to due.
    #[schema(example = 0)]
    pub value: i32,
    #[schema(example = 1)]
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[schema(example = "http://localhost:3000/api/v1/payment_terms/89.json")]
    pub url: String,
}

impl PaymentTermView {
    pub fn new(p: PaymentTerm, public_url: &str) -> Self {
        PaymentTermView {
            url: resource_url(public_url, "payment_terms", p.id),
            id: p.id,
            name: p.name,
            value: p.value,
            business_id: p.business_id,
            discarded_at: p.discarded_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
