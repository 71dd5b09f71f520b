//! The address object as the documents show it (own id and timestamps): the business's
//! as documented, a customer's with its ISO country code too.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::billing::addresses::Address;
use crate::timestamp;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AddressView {
    #[schema(example = 26)]
    pub id: i64,
    #[schema(example = "1 Mahem Pl")]
    pub line: Option<String>,
    #[schema(example = "Unit 23")]
    pub line2: Option<String>,
    #[schema(example = "5256")]
    pub post_code: Option<String>,
    #[schema(example = "East London")]
    pub city: Option<String>,
    #[schema(example = "South Africa")]
    pub country: Option<String>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.300Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.300Z")]
    pub updated_at: DateTime<Utc>,
}

impl From<Address> for AddressView {
    fn from(a: Address) -> Self {
        AddressView {
            id: a.id,
            line: a.line,
            line2: a.line2,
            post_code: a.post_code,
            city: a.city,
            country: a.country,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A customer's address: the documented object and its ISO 3166-1 alpha-2 `country_code`
/// (what a document needs beside the free-text `country`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CustomerAddressView {
    #[schema(example = 26)]
    pub id: i64,
    #[schema(example = "1 Mahem Pl")]
    pub line: Option<String>,
    #[schema(example = "Unit 23")]
    pub line2: Option<String>,
    #[schema(example = "5256")]
    pub post_code: Option<String>,
    #[schema(example = "East London")]
    pub city: Option<String>,
    #[schema(example = "South Africa")]
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2, upper-case; filled from a two-letter `country` when not given.
    #[schema(example = "ZA")]
    pub country_code: Option<String>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.300Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.300Z")]
    pub updated_at: DateTime<Utc>,
}

impl From<Address> for CustomerAddressView {
    fn from(a: Address) -> Self {
        CustomerAddressView {
            id: a.id,
            line: a.line,
            line2: a.line2,
            post_code: a.post_code,
            city: a.city,
            country: a.country,
            country_code: a.country_code,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}
