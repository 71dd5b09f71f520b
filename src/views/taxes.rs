//! A tax rate as the API shows it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::taxes::Tax;
use crate::money::format_decimal;
use crate::timestamp;
use crate::views::resource_url;

/// A tax. Documents embed `id`, `name` and `rate` of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxView {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "VAT")]
    pub name: String,
    /// A percentage as a decimal string, like the documents' other decimals.
    #[schema(example = "15.0")]
    pub rate: String,
    /// Applied to a new invoice or quote that names no taxes.
    #[schema(example = true)]
    pub is_default: bool,
    /// Included in the prices (extracted from them) rather than added on top; documents
    /// show the flag as they applied it on their tax lines.
    #[schema(example = false)]
    pub inclusive: bool,
    /// The VAT category (UNCL 5305): S, Z, E, AE, K, G or O.
    #[schema(example = "S")]
    pub category: String,
    /// Why the tax is not charged (BT-120), for E, AE, K, G and O.
    pub exemption_reason: Option<String>,
    /// The reason's VATEX code (BT-121).
    pub exemption_reason_code: Option<String>,
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
    #[schema(example = "http://localhost:3000/api/v1/taxes/1.json")]
    pub url: String,
}

impl TaxView {
    pub fn new(t: Tax, public_url: &str) -> Self {
        TaxView {
            url: resource_url(public_url, "taxes", t.id),
            id: t.id,
            name: t.name,
            rate: format_decimal(t.rate),
            is_default: t.is_default,
            inclusive: t.inclusive,
            category: t.category,
            exemption_reason: t.exemption_reason,
            exemption_reason_code: t.exemption_reason_code,
            business_id: t.business_id,
            discarded_at: t.discarded_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}
