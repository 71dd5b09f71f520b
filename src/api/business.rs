//! The business as the documents embed it in invoices and quotes (and `/me` shows it):
//! exactly their keys, in their order, `address` null when there is none.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::billing::addresses::JoinedAddress;
use crate::timestamp;
use crate::views::address::AddressView;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BusinessView {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub slug: String,
    pub phone: Option<String>,
    pub phone_country: Option<String>,
    /// Kept for the money code; not in the documents' embedded object, so not rendered.
    #[serde(skip)]
    pub default_currency: String,
    #[serde(skip)]
    pub time_zone: String,
    #[serde(serialize_with = "timestamp::serialize_option")]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
    pub address: Option<AddressView>,
    pub logo: Option<String>,
}

/// A business row (also read back as JSON, from a query that embeds it).
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct BusinessRow {
    id: i64,
    user_id: Option<i64>,
    name: String,
    slug: String,
    phone: Option<String>,
    phone_country: Option<String>,
    default_currency: String,
    time_zone: String,
    logo_url: Option<String>,
    discarded_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(flatten)]
    #[serde(flatten)]
    address: JoinedAddress,
}

/// One query: the business joined with its address.
/// The select list and join of a business read (`WHERE b.id = …` to follow).
pub(crate) const SELECT_BUSINESS: &str = "SELECT b.id, b.user_id, b.name, b.slug, b.phone,
        b.phone_country, b.default_currency, b.time_zone, b.logo_url, b.discarded_at,
        b.created_at, b.updated_at,
        a.id AS address_id, a.line AS address_line, a.line2 AS address_line2,
        a.post_code AS address_post_code, a.city AS address_city,
        a.country AS address_country, a.created_at AS address_created_at,
        a.updated_at AS address_updated_at
    FROM businesses b LEFT JOIN addresses a ON a.id = b.address_id";

pub async fn find_business<'e>(
    executor: impl PgExecutor<'e>,
    id: i64,
) -> sqlx::Result<Option<BusinessView>> {
    let row = sqlx::query_as::<_, BusinessRow>(
        "SELECT b.id, b.user_id, b.name, b.slug, b.phone, b.phone_country, b.default_currency,
                b.time_zone, b.logo_url, b.discarded_at, b.created_at, b.updated_at,
                a.id AS address_id, a.line AS address_line, a.line2 AS address_line2,
                a.post_code AS address_post_code, a.city AS address_city,
                a.country AS address_country, a.created_at AS address_created_at,
                a.updated_at AS address_updated_at
         FROM businesses b LEFT JOIN addresses a ON a.id = b.address_id
         WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await?;
    Ok(row.map(BusinessView::from))
}

impl From<BusinessRow> for BusinessView {
    fn from(r: BusinessRow) -> Self {
        BusinessView {
            address: r.address.into_address().map(AddressView::from),
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            slug: r.slug,
            phone: r.phone,
            phone_country: r.phone_country,
            default_currency: r.default_currency,
            time_zone: r.time_zone,
            logo: r.logo_url,
            discarded_at: r.discarded_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
