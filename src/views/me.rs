//! The caller as `GET /me` shows it: the token's user and their business.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::accounts::User;
use crate::timestamp;
use crate::views::business::BusinessView;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id,
            email: u.email,
            name: u.name,
            business_id: u.business_id,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// The caller: the token's user and their business.
#[derive(Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub business: BusinessView,
}
