//! Bearer authentication for `/api/v1` (RFC 6750): a live token, and the scope the
//! method needs. Handlers take `Auth` to learn the caller's business.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::secrets::token_hash;
use crate::auth::{scopes, tokens};
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
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Auth>()
            .cloned()
            .ok_or_else(|| unauthorized(false))
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
pub fn bearer_token(parts: &axum::http::HeaderMap) -> Option<&str> {
    let value = parts.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Route layer for every protected `/api/v1` route (so unknown routes still answer 404).
pub async fn require_bearer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let token_sent = req.headers().contains_key(header::AUTHORIZATION);
    let Some(token) = bearer_token(req.headers()) else {
        return unauthorized(token_sent).into_response();
    };
    let now = state.clock.now();
    let hash = token_hash(token);
    let context = match state.token_cache.get(&hash, now) {
        Ok(context) => context,
        Err(ticket) => match tokens::find_live_by_hash(&state.pool, &hash, now).await {
            Ok(Some(context)) => {
                state.token_cache.put(ticket, hash, context.clone());
                context
            }
            Ok(None) => return unauthorized(true).into_response(),
            Err(err) => return ApiError::internal(err).into_response(),
        },
    };
    let needed = scopes::required_for(req.method());
    if !scopes::grants(&context.scopes, needed) {
        return insufficient_scope(needed).into_response();
    }
    req.extensions_mut().insert(Auth::from(context));
    next.run(req).await
}
