//! `POST /oauth/introspect` (RFC 7662) for confidential clients, about their own tokens.
//! A token that is unknown, dead, or another client's is exactly `{"active": false}`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::auth::secrets::token_hash;
use crate::http::client_ip::ClientIp;
use crate::oauth::client_auth;
use crate::oauth::errors::{OAuthError, no_store};
use crate::state::AppState;

/// RFC 7662.
#[utoipa::path(
    post, path = "/oauth/introspect", tag = "OAuth",
    request_body(content = crate::oauth::docs::TokenTarget, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token's state", body = crate::oauth::docs::Introspection),
        (status = 400, description = "RFC 6749 error", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 401, description = "invalid_client", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 429, description = "slow_down: too many requests from this address or for this client id", body = crate::oauth::docs::OAuthErrorResponse),
    )
)]
pub async fn introspect(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(limited) = client_auth::limit_address(&state, ip).await {
        return limited.into_response();
    }
    match run(&state, &headers, &body).await {
        Ok(body) => {
            let mut response = (StatusCode::OK, axum::Json(body)).into_response();
            no_store(&mut response);
            response
        }
        Err(err) => err.into_response(),
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    email: String,
    scopes: String,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    family_started_at: DateTime<Utc>,
    is_access: bool,
}

async fn run(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let params = client_auth::form(headers, body)?;
    let credentials = client_auth::claimed(state, headers, &params).await?;
    let client = client_auth::authenticate(state, &credentials).await?;
    if !client.confidential {
        return Err(OAuthError::invalid_client());
    }
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required"))?;
    let now = state.clock.now();
    // A live access token, else a live (unrotated, unrevoked, unexpired) refresh token:
    // used within the idle window ($4), of a family within its lifetime ($5).
    let limits = &state.config.limits;
    let row = sqlx::query_as::<_, TokenRow>(
        "SELECT t.user_id, u.email, t.scopes, t.expires_at, t.created_at,
                t.family_started_at, t.token_hash = $1 AS is_access
         FROM oauth_access_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.application_id = $2 AND t.revoked_at IS NULL
           AND ((t.token_hash = $1 AND t.expires_at > $3)
                OR (t.refresh_token_hash = $1 AND t.refreshed_at IS NULL
                    AND t.created_at > $4 AND t.family_started_at > $5))
         LIMIT 1",
    )
    .bind(token_hash(token))
    .bind(client.id)
    .bind(now)
    .bind(now - limits.refresh_token_idle)
    .bind(now - limits.refresh_token_lifetime)
    .fetch_optional(&state.pool)
    .await
    .map_err(|err| OAuthError::server_error(Some(err.into())))?;
    let Some(row) = row else {
        return Ok(json!({ "active": false }));
    };
    let mut body = json!({
        "active": true,
        "scope": row.scopes,
        "client_id": client.uid,
        "username": row.email,
        "sub": row.user_id.to_string(),
        "iat": row.created_at.timestamp(),
        "token_type": if row.is_access { "Bearer" } else { "refresh_token" },
    });
    let exp = if row.is_access {
        row.expires_at
    } else {
        (row.created_at + limits.refresh_token_idle)
            .min(row.family_started_at + limits.refresh_token_lifetime)
    };
    body["exp"] = json!(exp.timestamp());
    Ok(body)
}
