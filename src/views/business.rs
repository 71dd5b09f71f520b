//! The business as the documents embed it in invoices and quotes (and `/me` shows it):
//! exactly their keys, in their order, `address` null when there is none.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::billing::businesses::{self, BusinessRow};
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
    /// The logo's absolute URL (`{PUBLIC_URL}/logos/{token}/{digest}.{ext}`), null when
    /// there is none.
    #[schema(example = "https://billing.example.com/logos/3f2a…/9b1c….png")]
    pub logo: Option<String>,
}

/// The business with its address, as the documents embed it.
pub async fn find_business<'e>(
    executor: impl PgExecutor<'e>,
    id: i64,
    public_url: &str,
) -> sqlx::Result<Option<BusinessView>> {
    Ok(businesses::find(executor, id)
        .await?
        .map(|r| BusinessView::new(r, public_url)))
}

impl BusinessView {
    pub(crate) fn new(r: BusinessRow, public_url: &str) -> Self {
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
            logo: r.logo_path.map(|path| format!("{public_url}{path}")),
            discarded_at: r.discarded_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
