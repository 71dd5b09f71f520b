//! `GET /oauth/token/info`: the bearer's own token, as Doorkeeper shows it.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::bearer::{bearer_token, unauthorized};
use crate::auth::tokens;
use crate::error::ApiError;
use crate::state::AppState;

#[utoipa::path(
    get, path = "/oauth/token/info", tag = "OAuth",
    responses(
        (status = 200, description = "The bearer's token", body = crate::oauth::docs::TokenInfo),
        (status = 401, description = "Missing or invalid token", body = crate::api::docs::ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token_sent = headers.contains_key(axum::http::header::AUTHORIZATION);
    let Some(token) = bearer_token(&headers) else {
        return unauthorized(token_sent).into_response();
    };
    let now = state.clock.now();
    let context = match tokens::find_live_access_token(&state.pool, token, now).await {
        Ok(Some(context)) => context,
        Ok(None) => return unauthorized(true).into_response(),
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let uid: Result<String, _> =
        sqlx::query_scalar("SELECT uid FROM oauth_applications WHERE id = $1")
            .bind(context.application_id)
            .fetch_one(&state.pool)
            .await;
    let uid = match uid {
        Ok(uid) => uid,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let scopes: Vec<&str> = context.scopes.split_whitespace().collect();
    axum::Json(json!({
        "resource_owner_id": context.user_id,
        "scope": scopes,
        "expires_in": (context.expires_at - now).num_seconds().max(0),
        "application": { "uid": uid },
        "created_at": context.created_at.timestamp(),
    }))
    .into_response()
}
