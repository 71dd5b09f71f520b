//! `GET /api/v1/me`: the caller's user and business.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::auth::accounts::find_user;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::business::{BusinessView, find_business};
use crate::views::me::{MeView, UserView};

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
    let business: BusinessView =
        find_business(&state.pool, auth.business_id, &state.config.public_url)
            .await?
            .ok_or_else(|| ApiError::not_found("Business not found"))?;
    Ok(axum::Json(MeEnvelope {
        data: MeView { user, business },
    }))
}
