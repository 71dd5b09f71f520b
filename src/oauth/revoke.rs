//! `POST /oauth/revoke` (RFC 7009): the client authenticates (a public client by its
//! client_id), and the answer is 200 whether or not the token existed. Revoking an access
//! token kills its row (and so its refresh token); revoking a refresh token kills every
//! token of its grant.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::secrets::token_hash;
use crate::http::client_ip::ClientIp;
use crate::oauth::authorizer::revoke_family;
use crate::oauth::client_auth;
use crate::oauth::errors::{OAuthError, no_store};
use crate::state::AppState;

/// RFC 7009.
#[utoipa::path(
    post, path = "/oauth/revoke", tag = "OAuth",
    request_body(content = crate::oauth::docs::TokenTarget, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked (also for an unknown token)", body = crate::oauth::docs::Revoked),
        (status = 400, description = "RFC 6749 error", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 401, description = "invalid_client", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 429, description = "slow_down: too many requests from this address or for this client id", body = crate::oauth::docs::OAuthErrorResponse),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(limited) = client_auth::limit_address(&state, ip).await {
        return limited.into_response();
    }
    match run(&state, &headers, &body).await {
        Ok(()) => {
            let mut response = (StatusCode::OK, axum::Json(json!({}))).into_response();
            no_store(&mut response);
            response
        }
        Err(err) => err.into_response(),
    }
}

async fn run(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<(), OAuthError> {
    let params = client_auth::form(headers, body)?;
    let credentials = client_auth::claimed(state, headers, &params).await?;
    let client = client_auth::authenticate(state, &credentials).await?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    // token_type_hint only speeds a lookup up (RFC 7009 §2.1); both kinds are searched.
    revoke_token(state, client.id, token)
        .await
        .map_err(|err| OAuthError::server_error(Some(err.into())))
}

/// Revokes `token` if it is one of `application_id`'s; anything else is left alone.
pub async fn revoke_token(state: &AppState, application_id: i64, token: &str) -> sqlx::Result<()> {
    let now = state.clock.now();
    let hash = token_hash(token);
    let revoked: Option<i64> = sqlx::query_scalar(
        "UPDATE oauth_access_tokens SET revoked_at = $3
         WHERE token_hash = $1 AND application_id = $2 AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(&hash)
    .bind(application_id)
    .bind(now)
    .fetch_optional(&state.pool)
    .await?;
    if let Some(id) = revoked {
        state.token_cache.evict(&[id]);
        return Ok(());
    }
    let family: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT family_id FROM oauth_access_tokens
         WHERE refresh_token_hash = $1 AND application_id = $2",
    )
    .bind(&hash)
    .bind(application_id)
    .fetch_optional(&state.pool)
    .await?;
    if let Some(family) = family {
        revoke_family(state, family, now).await?;
    }
    Ok(())
}
