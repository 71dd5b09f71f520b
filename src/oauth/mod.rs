//! The OAuth 2.0 authorization server (RFC 6749, 7636, 7009, 7662, 8414, RFC 9700's
//! advice). The authorization-code and refresh flows run on oxide-auth with stores in
//! PostgreSQL; what oxide-auth lacks (revocation, introspection, token info, metadata,
//! code-reuse and refresh-family revocation, the login page) is ours.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub mod authorize;
pub mod authorize_page;
pub mod authorizer;
pub mod client_auth;
pub mod client_credentials;
pub mod clients;
pub mod docs;
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

/// `/oauth/*` and the RFC 8414 metadata, with their part of the OpenAPI document. No
/// CORS layer: these never answer cross-origin.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(token::exchange))
        .routes(routes!(authorize::show, authorize::decide))
        .routes(routes!(revoke::revoke))
        .routes(routes!(introspect::introspect))
        .routes(routes!(token_info::show))
        .routes(routes!(metadata::show))
}
