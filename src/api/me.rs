//! `GET /api/v1/me`: the caller's user and business.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::auth::accounts::{User, find_user};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::timestamp;
use crate::views::business::{BusinessView, find_business};

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
    user: UserView,
    business: BusinessView,
}

#[derive(Serialize, ToSchema)]
pub struct MeEnvelope {
    data: MeView,
}

#[utoipa::path(
    get, path = "/me", tag = "Account",
    summary = "The current user and business",
    responses(
        (status = 200, description = "The token's user and business", body = MeEnvelope),
        (status = 401, description = "Missing or invalid token", body = crate::api::docs::ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(State(state): State<AppState>, auth: Auth) -> ApiResult<axum::Json<MeEnvelope>> {
    let user: UserView = find_user(&state.pool, auth.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("User not found"))?
        .into();
    let business: BusinessView = find_business(&state.pool, auth.business_id)
        .await?
        .ok_or_else(|| ApiError::not_found("Business not found"))?;
    Ok(axum::Json(MeEnvelope {
        data: MeView { user, business },
    }))
}
