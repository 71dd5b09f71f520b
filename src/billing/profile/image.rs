//! What an uploaded logo is, from its bytes: PNG and JPEG by their signatures, SVG by an
//! `<svg>` root (then `svg::check`). The declared type must agree.

/// The largest logo, in bytes.
pub const MAX_BYTES: usize = 1_000_000;

pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const SVG: &str = "image/svg+xml";
pub const TYPES: [&str; 3] = [PNG, JPEG, SVG];

/// The content type the bytes are, if one of the three.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(JPEG)
    } else if looks_like_svg(bytes) {
        Some(SVG)
    } else {
        None
    }
}

/// Text whose first markup is an XML declaration, a comment, a doctype or `<svg`; the
/// parse in `svg::check` decides the rest.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    ["<?xml", "<svg", "<!--", "<!DOCTYPE svg"]
        .iter()
        .any(|start| text.starts_with(start))
}

/// Checks an upload declared as `declared`: its size, that its bytes are that type, and
/// for an SVG that nothing in it runs or fetches. The error is the 422's message.
pub fn check(declared: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if !TYPES.contains(&declared) {
        return Err(
            "must be sent as image/png, image/jpeg or image/svg+xml (its Content-Type), \
             or as the logo part of multipart/form-data"
                .into(),
        );
    }
    if bytes.is_empty() {
        return Err("is empty".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!("is too large (maximum is {MAX_BYTES} bytes)"));
    }
    let Some(actual) = sniff(bytes) else {
        return Err("must be a PNG, JPEG or SVG image".into());
    };
    if actual != declared {
        return Err(format!("is not {declared} (its bytes are {actual})"));
    }
    if actual == SVG {
        crate::billing::profile::svg::check(std::str::from_utf8(bytes).unwrap_or_default())?;
    }
    Ok(actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(PNG));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(JPEG));
        assert_eq!(
            sniff(b"  <svg xmlns='http://www.w3.org/2000/svg'/>"),
            Some(SVG)
        );
        assert_eq!(sniff(b"GIF89a"), None);
        assert!(
            check("image/gif", b"GIF89a")
                .unwrap_err()
                .contains("Content-Type")
        );
        assert!(
            check(PNG, &[0xFF, 0xD8, 0xFF, 0xE0])
                .unwrap_err()
                .contains("image/jpeg")
        );
        assert!(
            check(PNG, &vec![0; MAX_BYTES + 1])
                .unwrap_err()
                .contains("too large")
        );
    }
}
