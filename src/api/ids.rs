//! Record ids in paths: `/customers/13` and `/customers/13.json` name the same record,
//! as the documents' `url` fields end in `.json`. Anything else is not a record: 404.
//! Invoices and quotes also answer `/invoices/13.pdf` (`ShowId`): the router cannot tell
//! `{id}.pdf` from `{id}`, so the suffix is read here; on any other method than GET the
//! `.pdf` form is a 405, as the document says it is GET only.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};

use crate::error::ApiError;

/// The `{id}` of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub i64);

pub fn parse_id(raw: &str) -> Option<i64> {
    let digits = raw.strip_suffix(".json").unwrap_or(raw);
    digits.parse::<i64>().ok().filter(|id| *id > 0)
}

pub fn record_not_found() -> ApiError {
    ApiError::record_not_found()
}

async fn raw_id<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<String, ApiError> {
    let Path(raw) = Path::<String>::from_request_parts(parts, state)
        .await
        .map_err(|_| record_not_found())?;
    let document_form = raw.ends_with(".pdf") || raw.ends_with(".xml");
    if document_form && !matches!(parts.method, Method::GET | Method::HEAD) {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "A document's PDF or XML is read with GET only",
        )
        .with_header(header::ALLOW, HeaderValue::from_static("GET,HEAD")));
    }
    Ok(raw)
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = raw_id(parts, state).await?;
        parse_id(&raw).map(Id).ok_or_else(record_not_found)
    }
}

/// The `{id}` of an invoice's or quote's show: `13`, `13.json`, `13.pdf` (`pdf`) or
/// `13.xml` (`xml`, the e-invoice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShowId {
    pub id: i64,
    pub pdf: bool,
    pub xml: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for ShowId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = raw_id(parts, state).await?;
        let (digits, pdf, xml) = if let Some(digits) = raw.strip_suffix(".pdf") {
            (digits, true, false)
        } else if let Some(digits) = raw.strip_suffix(".xml") {
            (digits, false, true)
        } else {
            (raw.as_str(), false, false)
        };
        let suffixed = pdf || xml;
        let id = parse_id(digits).filter(|_| !(suffixed && digits.ends_with(".json")));
        id.map(|id| ShowId { id, pdf, xml })
            .ok_or_else(record_not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_id;

    #[test]
    fn ids_may_carry_a_json_suffix() {
        assert_eq!(parse_id("13"), Some(13));
        assert_eq!(parse_id("13.json"), Some(13));
        assert_eq!(parse_id("13.xml"), None);
        assert_eq!(parse_id("-1"), None);
        assert_eq!(parse_id("99999999999999999999"), None);
    }
}
