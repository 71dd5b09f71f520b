//! The business as the documents embed it in invoices and quotes (and `/me` shows it):
//! exactly their keys, in their order, `address` null when there is none.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::http::timestamp;

#[derive(Debug, Clone, Serialize)]
pub struct AddressView {
    pub id: i64,
    pub line: Option<String>,
    pub line2: Option<String>,
    pub post_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
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

#[derive(sqlx::FromRow)]
struct BusinessRow {
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
    address_id: Option<i64>,
    a_line: Option<String>,
    a_line2: Option<String>,
    a_post_code: Option<String>,
    a_city: Option<String>,
    a_country: Option<String>,
    a_created_at: Option<DateTime<Utc>>,
    a_updated_at: Option<DateTime<Utc>>,
}

/// One query: the business joined with its address.
pub async fn find_business(pool: &PgPool, id: i64) -> sqlx::Result<Option<BusinessView>> {
    let row = sqlx::query_as::<_, BusinessRow>(
        "SELECT b.id, b.user_id, b.name, b.slug, b.phone, b.phone_country, b.default_currency,
                b.time_zone, b.logo_url, b.discarded_at, b.created_at, b.updated_at,
                a.id AS address_id, a.line AS a_line, a.line2 AS a_line2,
                a.post_code AS a_post_code, a.city AS a_city, a.country AS a_country,
                a.created_at AS a_created_at, a.updated_at AS a_updated_at
         FROM businesses b LEFT JOIN addresses a ON a.id = b.address_id
         WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| BusinessView {
        address: match (r.address_id, r.a_created_at, r.a_updated_at) {
            (Some(id), Some(created_at), Some(updated_at)) => Some(AddressView {
                id,
                line: r.a_line,
                line2: r.a_line2,
                post_code: r.a_post_code,
                city: r.a_city,
                country: r.a_country,
                created_at,
                updated_at,
            }),
            _ => None,
        },
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
    }))
}
