//! The OAuth 2.0 authorization server (RFC 6749, 7636, 7009, 7662, 8414, RFC 9700's
//! advice). The authorization-code and refresh flows run on oxide-auth with stores in
//! PostgreSQL; what oxide-auth lacks (revocation, introspection, token info, metadata,
//! code-reuse and refresh-family revocation, the login page) is ours.

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub mod authorize;
pub mod authorize_page;
pub mod authorizer;
pub mod client_auth;
pub mod clients;
pub mod endpoint;
pub mod errors;
pub mod flow_state;
pub mod introspect;
pub mod issuer;
pub mod metadata;
pub mod pkce;
pub mod registrar;
pub mod revoke;
pub mod throttle;
pub mod token;
pub mod token_info;

/// Authorization codes live ten minutes (RFC 6749 §4.1.2 recommends at most that).
pub const CODE_TTL_SECONDS: i64 = 600;

/// The scope granted when an authorization request names none: the least one.
pub const DEFAULT_SCOPE: &str = "read";

/// `/oauth/*` and the RFC 8414 metadata. No CORS layer: these never answer cross-origin.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/token", post(token::exchange))
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::decide),
        )
        .route("/oauth/revoke", post(revoke::revoke))
        .route("/oauth/introspect", post(introspect::introspect))
        .route("/oauth/token/info", get(token_info::show))
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::show),
        )
}
