//! Timestamps as the documents show them: ISO 8601 UTC with milliseconds,
//! `2025-10-21T03:39:57.825Z`. Use with `#[serde(serialize_with = "…")]`.
//!
//! Top-level, not under `http`: webhook payloads and their headers use it too, and the
//! domain modules sit below the HTTP layer.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(at))
}

pub fn serialize_option<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.serialize_str(&format(at)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds_and_a_z() {
        let at = DateTime::parse_from_rfc3339("2025-10-21T03:39:57.825123+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(&at), "2025-10-21T03:39:57.825Z");
        let whole = DateTime::parse_from_rfc3339("2025-10-21T03:39:57Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(&whole), "2025-10-21T03:39:57.000Z");
    }
}
