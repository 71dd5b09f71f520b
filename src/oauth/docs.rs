//! The OAuth endpoints in the OpenAPI document: shapes only (the handlers read forms
//! leniently and answer RFC 6749 errors themselves).

#![allow(dead_code)] // documentation only: these types describe bodies, nothing builds them

use serde::Serialize;
use utoipa::ToSchema;

/// `POST /oauth/token` (form-encoded). Client authentication by HTTP Basic or by
/// `client_id`/`client_secret` in the body.
#[derive(ToSchema)]
pub struct TokenRequest {
    /// `authorization_code`, `refresh_token` or `client_credentials` (a confidential
    /// application with an owner: the token acts for the owner; no refresh token).
    #[schema(example = "authorization_code")]
    grant_type: String,
    /// With `authorization_code`.
    code: Option<String>,
    /// With `authorization_code`: exactly the one sent to /oauth/authorize.
    redirect_uri: Option<String>,
    /// With `authorization_code` when the authorization used PKCE (S256).
    code_verifier: Option<String>,
    /// With `refresh_token`.
    refresh_token: Option<String>,
    /// With `refresh_token`: narrow the scope (never widen). With `client_credentials`:
    /// at most the application's registered scopes (default `read`).
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// A token answer, as Doorkeeper gives it (`Cache-Control: no-store`).
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: String,
    #[schema(example = 7200)]
    expires_in: i64,
    /// Not with `client_credentials`.
    refresh_token: Option<String>,
    #[schema(example = "read write")]
    scope: String,
    /// Epoch seconds.
    created_at: i64,
}

/// An RFC 6749 §5.2 error.
#[derive(Serialize, ToSchema)]
pub struct OAuthErrorResponse {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`; `slow_down` with a 429 and
    /// `Retry-After` (a rate limit).
    #[schema(example = "invalid_grant")]
    error: String,
    error_description: Option<String>,
}

/// `POST /oauth/revoke` and `POST /oauth/introspect` (form-encoded).
#[derive(ToSchema)]
pub struct TokenTarget {
    token: String,
    /// `access_token` or `refresh_token`.
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// RFC 7662: exactly `{"active": false}` for a dead or unknown token.
#[derive(Serialize, ToSchema)]
pub struct Introspection {
    active: bool,
    scope: Option<String>,
    client_id: Option<String>,
    token_type: Option<String>,
    exp: Option<i64>,
    iat: Option<i64>,
    sub: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenInfoApplication {
    uid: String,
}

/// The bearer's own token, as Doorkeeper shows it.
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    resource_owner_id: i64,
    scope: Vec<String>,
    expires_in: i64,
    application: TokenInfoApplication,
    created_at: i64,
}

/// The sign-in form's fields, posted back with the original query parameters.
#[derive(ToSchema)]
pub struct AuthorizeDecision {
    email: String,
    password: String,
    /// `allow` or `deny`.
    decision: String,
    csrf_token: String,
    client_id: String,
    redirect_uri: String,
    response_type: String,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// RFC 8414 authorization server metadata.
#[derive(Serialize, ToSchema)]
pub struct ServerMetadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    revocation_endpoint: String,
    introspection_endpoint: String,
    scopes_supported: Vec<String>,
    response_types_supported: Vec<String>,
    response_modes_supported: Vec<String>,
    grant_types_supported: Vec<String>,
    code_challenge_methods_supported: Vec<String>,
    /// RFC 9207: authorization responses carry `iss`, equal to `issuer`.
    authorization_response_iss_parameter_supported: bool,
    token_endpoint_auth_methods_supported: Vec<String>,
    revocation_endpoint_auth_methods_supported: Vec<String>,
    introspection_endpoint_auth_methods_supported: Vec<String>,
}

/// RFC 7009's answer: 200 with an empty JSON object, known token or not.
#[derive(Serialize, ToSchema)]
pub struct Revoked {}
