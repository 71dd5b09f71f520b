//! Record ids in paths: `/customers/13` and `/customers/13.json` name the same record,
//! as the documents' `url` fields end in `.json`. Anything else is not a record: 404.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

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

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| record_not_found())?;
        parse_id(&raw).map(Id).ok_or_else(record_not_found)
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
