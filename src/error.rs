//! The one error type every handler returns, and the one JSON shape every failure answers:
//! `{"error": "<reason phrase>", "message": "<human sentence>", "errors": {field: [..]}}`.
//!
//! `errors` appears on 422 answers only. A 500 logs its cause chain and shows the client
//! nothing but "Internal Server Error"; a database out of reach is a 503 with
//! `Retry-After` instead.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use crate::billing::error::FieldErrors;

// How a domain's field errors answer: a 422 naming every field.
impl FieldErrors {
    /// `Ok(())` when nothing was added, else the 422 that names every field.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self))
        }
    }

    /// "name can't be blank, email is invalid": the sentence for `message`.
    fn sentence(&self) -> String {
        let parts: Vec<String> = self
            .entries()
            .flat_map(|(field, msgs)| msgs.iter().map(move |m| format!("{field} {m}")))
            .collect();
        parts.join(", ")
    }
}

/// Boxed so `Result<T, ApiError>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    status: StatusCode,
    /// `error` when it is not the reason phrase (the documents' 401 says "Invalid token").
    error: Option<&'static str>,
    message: String,
    errors: Option<FieldErrors>,
    headers: HeaderMap,
    /// The cause of a 500, logged and never shown.
    source: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a 503 for a database outage asks a client to wait: about a PostgreSQL restart.
pub const RETRY_AFTER_OUTAGE_SECONDS: u32 = 5;

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError(Box::new(Inner {
            status,
            error: None,
            message: message.into(),
            errors: None,
            headers: HeaderMap::new(),
            source: None,
        }))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// The 404 of a record that is not in the caller's business (or not at all).
    pub fn record_not_found() -> Self {
        ApiError::not_found("The record does not exist")
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// A 422 naming every invalid field.
    pub fn validation(errors: FieldErrors) -> Self {
        let message = format!("Validation failed: {}", errors.sentence());
        let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, message);
        err.0.errors = Some(errors);
        err
    }

    /// A 422 naming every field a rule refuses, with the rule as its message.
    pub fn refused_fields(message: impl Into<String>, errors: FieldErrors) -> Self {
        let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, message);
        err.0.errors = Some(errors);
        err
    }

    /// A 422 about one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::validation(errors)
    }

    /// A 422 about the request as a whole (a rule rather than a field).
    pub fn unprocessable(message: impl Into<String>) -> Self {
        let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, message);
        err.0.errors = Some(FieldErrors::new());
        err
    }

    /// A failure of the server's own: a 500 whose cause is logged, not shown. When the
    /// cause is the database being out of reach (`db::is_outage` anywhere in the chain)
    /// the answer is a 503 with `Retry-After` instead: the request may well pass later.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        let source = source.into();
        let outage = source
            .chain()
            .any(|cause| cause.downcast_ref().is_some_and(crate::db::is_outage));
        let mut err = if outage {
            Self::unavailable()
        } else {
            Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        };
        err.0.source = Some(source);
        err
    }

    /// A 429: the budget or quota `message` names is used up; `Retry-After` says when to
    /// come back (a rate limit's window, an email quota's oldest send leaving it).
    pub fn too_many_requests(message: impl Into<String>, retry_after: i64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, message)
            .with_header(header::RETRY_AFTER, HeaderValue::from(retry_after))
    }

    /// The 503 of a database out of reach, with the `Retry-After` a client should wait.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The database is unreachable; try again shortly",
        )
        .with_header(
            header::RETRY_AFTER,
            HeaderValue::from(RETRY_AFTER_OUTAGE_SECONDS),
        )
    }

    /// Answers `error` with these words instead of the status's reason phrase.
    pub fn with_error(mut self, error: &'static str) -> Self {
        self.0.error = Some(error);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.insert(name, value);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        self.0.errors.as_ref()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0.status, self.0.message)
    }
}

/// The body of every error answer.
#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub error: &'a str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<&'a FieldErrors>,
}

/// The reason phrase used as `error`, e.g. "Unprocessable Entity".
pub fn reason_phrase(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

/// Renders the documented shape for any status; used by `ApiError` and by the middleware
/// that turns the framework's own plain-text errors into JSON.
pub fn json_error_response(
    status: StatusCode,
    message: &str,
    errors: Option<&FieldErrors>,
) -> Response {
    render_error(status, reason_phrase(status), message, errors)
}

fn render_error(
    status: StatusCode,
    error: &str,
    message: &str,
    errors: Option<&FieldErrors>,
) -> Response {
    let body = ErrorBody {
        error,
        message,
        errors,
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let inner = *self.0;
        if let Some(source) = &inner.source {
            // `{:#}` prints the whole cause chain on one line.
            if inner.status == StatusCode::SERVICE_UNAVAILABLE {
                tracing::warn!(error = format!("{source:#}"), "database unreachable");
            } else {
                tracing::error!(error = format!("{source:#}"), "request failed");
            }
        }
        let error = inner.error.unwrap_or_else(|| reason_phrase(inner.status));
        let mut response = render_error(inner.status, error, &inner.message, inner.errors.as_ref());
        response.headers_mut().extend(inner.headers);
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        ApiError::internal(err)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(err)
    }
}

/// The domain's refusals as answers: invalid fields 422 with each named, a refused change
/// 422, a record not in this business 404.
impl From<crate::billing::error::BillingError> for ApiError {
    fn from(err: crate::billing::error::BillingError) -> Self {
        use crate::billing::error::BillingError;
        match err {
            BillingError::Invalid(errors) => ApiError::validation(errors),
            BillingError::Refused(message) => ApiError::unprocessable(message),
            BillingError::Locked(message, errors) => ApiError::refused_fields(message, errors),
            BillingError::NotFound => ApiError::record_not_found(),
            BillingError::Database(err) => ApiError::internal(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_names_every_field() {
        let mut errors = FieldErrors::new();
        errors.add("name", "can't be blank");
        errors.add("email", "is invalid");
        let err = ApiError::validation(errors);
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            err.message(),
            "Validation failed: email is invalid, name can't be blank"
        );
    }

    #[test]
    fn prefixed_merge_keys_nested_fields_by_path() {
        let mut inner = FieldErrors::new();
        inner.add("quantity", "must be greater than or equal to 0");
        let mut outer = FieldErrors::new();
        outer.merge_prefixed("items_attributes[2].", inner);
        assert!(outer.contains("items_attributes[2].quantity"));
    }
}
