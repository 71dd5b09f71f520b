//! RFC 6749 §5.2 error answers for `/oauth/token`, `/oauth/revoke` and
//! `/oauth/introspect`: `{"error": "invalid_grant", "error_description": "…"}`, never
//! cached, `invalid_client` with 401 and a Basic challenge, a rate limit's 429 as
//! `slow_down` with `Retry-After`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// Seconds for `Retry-After` (a 429).
    pub retry_after: Option<i64>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
            retry_after: None,
        }
    }

    /// A rate limit's 429, with `Retry-After`. RFC 6749 names no code for it; `slow_down`
    /// is the token endpoint's registered one for "ask less often" (RFC 8628 §3.5).
    pub fn slow_down(retry_after: i64) -> Self {
        OAuthError {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                format!("Too many requests; try again in {retry_after} seconds"),
            )
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        )
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn unsupported_grant_type() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only the authorization_code, refresh_token and client_credentials grants are supported",
        )
    }

    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unauthorized_client", description)
    }

    pub fn invalid_scope() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "The requested scope is invalid, unknown, or exceeds what was granted",
        )
    }

    /// A store failed: logged, and shown as nothing more than `server_error`; a database
    /// out of reach is RFC 6749's `temporarily_unavailable`, a 503 with `Retry-After`,
    /// as the API answers it.
    pub fn server_error(cause: Option<anyhow::Error>) -> Self {
        let outage = cause.as_ref().is_some_and(|cause| {
            cause
                .chain()
                .any(|c| c.downcast_ref().is_some_and(crate::db::is_outage))
        });
        if outage {
            tracing::warn!("oauth request failed: the database is out of reach");
            return OAuthError {
                retry_after: Some(crate::error::RETRY_AFTER_OUTAGE_SECONDS.into()),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "The database is unreachable; try again shortly",
                )
            };
        }
        match cause {
            Some(cause) => tracing::error!(error = format!("{cause:#}"), "oauth request failed"),
            None => tracing::error!("oauth request failed without a recorded cause"),
        }
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The server could not complete the request",
        )
    }

    /// The error an oxide-auth `error` code stands for.
    pub fn from_code(code: &str) -> Self {
        match code {
            "invalid_client" => Self::invalid_client(),
            "invalid_grant" => Self::invalid_grant(
                "The authorization code or refresh token is invalid, expired, revoked, \
                 or was issued to another client",
            ),
            "unsupported_grant_type" => Self::unsupported_grant_type(),
            "invalid_scope" => Self::invalid_scope(),
            "unauthorized_client" => Self::new(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "The client may not use this grant type",
            ),
            _ => Self::invalid_request("The request is missing a parameter or is malformed"),
        }
    }
}

/// Headers every token-endpoint answer carries (RFC 6749 §5.1).
pub fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = Body {
            error: self.error,
            error_description: &self.description,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Basic realm="koteshen""#),
            );
        }
        no_store(&mut response);
        response
    }
}
