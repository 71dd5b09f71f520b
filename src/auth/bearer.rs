//! Bearer authentication for `/api/v1` (RFC 6750): a live token, and the scope the
//! method needs. Handlers take `Auth` to learn the caller's business (the extractor and
//! the route layer are in `http::bearer`).

use crate::actor::Actor;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::cache::TokenCache;
use crate::auth::secrets::token_hash;
use crate::auth::{scopes, tokens};
use crate::clock::Clock;
use crate::error::ApiError;

/// The authenticated caller. Every query a handler runs is scoped to `business_id`.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user_id: i64,
    pub business_id: i64,
    pub token_id: i64,
    /// The token's grant: refreshes keep it, so it is what the rate limit counts.
    pub family_id: Uuid,
    pub application_id: i64,
    pub scopes: String,
    /// Who the token's writes are recorded as (`crate::actor`).
    pub actor: Actor,
}

impl From<tokens::TokenContext> for Auth {
    fn from(t: tokens::TokenContext) -> Self {
        Auth {
            user_id: t.user_id,
            business_id: t.business_id,
            token_id: t.token_id,
            family_id: t.family_id,
            application_id: t.application_id,
            scopes: t.scopes,
            actor: if t.client_credentials {
                Actor::client(t.application_id, t.application_name)
            } else {
                Actor::user(t.user_id, t.user_name)
            },
        }
    }
}

/// The 401 of RFC 6750 §3.1: `error="invalid_token"` only when a token was sent. The
/// body is the overview's, word for word, for a token that is invalid, expired or revoked.
pub fn unauthorized(token_sent: bool) -> ApiError {
    let (challenge, error) = if token_sent {
        (
            r#"Bearer realm="koteshen", error="invalid_token""#,
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "The provided token is expired or invalid",
            )
            .with_error("Invalid token"),
        )
    } else {
        (
            r#"Bearer realm="koteshen""#,
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "An access token is required: send `Authorization: Bearer <token>`",
            ),
        )
    };
    error.with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    )
}

pub fn insufficient_scope(scope: &'static str) -> ApiError {
    let challenge =
        format!(r#"Bearer realm="koteshen", error="insufficient_scope", scope="{scope}""#);
    ApiError::new(
        StatusCode::FORBIDDEN,
        format!("This action needs the `{scope}` scope"),
    )
    .with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_str(&challenge).expect("a static challenge is a valid header"),
    )
}

/// The token in `Authorization: Bearer <token>`, if the header has that form.
pub fn bearer_token(parts: &HeaderMap) -> Option<&str> {
    let value = parts.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The bearer check of every protected `/api/v1` route: the caller of a live token
/// (from `cache`, else the database) whose scopes grant `method`, or the 401/403.
pub async fn authenticate(
    pool: &PgPool,
    cache: &TokenCache,
    clock: &Clock,
    headers: &HeaderMap,
    method: &Method,
) -> Result<Auth, ApiError> {
    let token_sent = headers.contains_key(header::AUTHORIZATION);
    let Some(token) = bearer_token(headers) else {
        return Err(unauthorized(token_sent));
    };
    let now = clock.now();
    let hash = token_hash(token);
    let context = match cache.get(&hash, now) {
        Ok(context) => context,
        Err(ticket) => match tokens::find_live_by_hash(pool, &hash, now).await {
            Ok(Some(context)) => {
                cache.put(ticket, hash, context.clone());
                context
            }
            Ok(None) => return Err(unauthorized(true)),
            Err(err) => return Err(ApiError::internal(err)),
        },
    };
    let needed = scopes::required_for(method);
    if !scopes::grants(&context.scopes, needed) {
        return Err(insufficient_scope(needed));
    }
    Ok(Auth::from(context))
}
