//! A JSON body extractor whose every failure is our JSON error, with the right status:
//! 415 for a wrong content type, 413 for a body over the limit, 400 for malformed JSON,
//! 422 (naming the field) for JSON of the wrong shape.
//!
//! A Rails-style form body (`application/x-www-form-urlencoded`,
//! `customer[address_attributes][city]=…`, `invoice[items_attributes][][name]=…`) is
//! accepted wherever JSON is: it is read into the same JSON structure (every value a
//! string, which the input layer reads like JSON numbers and booleans) and then held to
//! the same rules.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(format) = body_format(req.headers()) else {
            return Err(unsupported_media_type());
        };
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
                _ => ApiError::bad_request("The request body could not be read"),
            }
        })?;
        parse_as(format, &bytes).map(Json)
    }
}

/// How a body is encoded, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Form,
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Content-Type must be application/json or application/x-www-form-urlencoded",
    )
}

fn parse_as<T: DeserializeOwned>(format: Format, bytes: &[u8]) -> Result<T, ApiError> {
    match format {
        Format::Json => parse(bytes),
        Format::Form => deserialize(super::form::parse(bytes)?),
    }
}

/// Parses a JSON body: 400 when it is not JSON, 422 naming the field when it is JSON of
/// the wrong shape.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
        ApiError::bad_request(format!("The request body is not valid JSON: {err}"))
    })?;
    deserialize(value)
}

/// 422 naming the field when the value has the wrong shape for `T`.
fn deserialize<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." {
            "base".to_string()
        } else {
            path
        };
        ApiError::invalid_field(field, err.into_inner().to_string())
    })
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than {} bytes", BODY_LIMIT),
    )
}

/// `application/json` or any `application/*+json` is JSON, and
/// `application/x-www-form-urlencoded` a form; parameters (charset) allowed.
fn body_format(headers: &axum::http::HeaderMap) -> Option<Format> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())?;
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Some(Format::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(Format::Form)
    } else {
        None
    }
}

#[cfg(test)]
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    body_format(headers) == Some(Format::Json)
}

/// A JSON body that may be left out (the `send_*` actions): no body at all reads as
/// `{}`; a body present is held to the same rules as `Json`.
pub struct OptionalJson(pub serde_json::Value);

impl<S> FromRequest<S> for OptionalJson
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let format = body_format(req.headers());
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
                _ => ApiError::bad_request("The request body could not be read"),
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(serde_json::Value::Object(Default::default())));
        }
        let Some(format) = format else {
            return Err(unsupported_media_type());
        };
        parse_as(format, &bytes).map(OptionalJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h
    }

    #[test]
    fn json_content_types_are_recognised() {
        assert!(is_json(&headers("application/json")));
        assert!(is_json(&headers("Application/JSON; charset=utf-8")));
        assert!(is_json(&headers("application/merge-patch+json")));
        assert!(!is_json(&headers("text/plain")));
        assert!(!is_json(&HeaderMap::new()));
        assert_eq!(
            body_format(&headers("application/x-www-form-urlencoded; charset=utf-8")),
            Some(Format::Form)
        );
    }

    #[test]
    fn wrong_shape_names_the_field() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            name: String,
        }
        let err = parse::<Body>(br#"{"name": 5}"#).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err.field_errors().unwrap().contains("name"));
        let err = parse::<Body>(b"{").unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
}
