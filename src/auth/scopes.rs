//! The two scopes: `read` for GET/HEAD, `write` for POST/PUT/PATCH/DELETE.

use axum::http::Method;

pub const ALL: [&str; 2] = ["read", "write"];

/// The scope a request with this method needs.
pub fn required_for(method: &Method) -> &'static str {
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        "read"
    } else {
        "write"
    }
}

/// Does a space-separated scope string grant `scope`?
pub fn grants(scopes: &str, scope: &str) -> bool {
    scopes.split_whitespace().any(|s| s == scope)
}

/// Normalises a requested scope string: known scopes only, deduplicated, in canonical
/// order; `None` when it names an unknown scope or nothing at all.
pub fn normalize(requested: &str) -> Option<String> {
    let mut out = Vec::new();
    for s in requested.split_whitespace() {
        if !ALL.contains(&s) {
            return None;
        }
    }
    for known in ALL {
        if grants(requested, known) {
            out.push(known);
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_map_to_scopes() {
        assert_eq!(required_for(&Method::GET), "read");
        assert_eq!(required_for(&Method::HEAD), "read");
        assert_eq!(required_for(&Method::POST), "write");
        assert_eq!(required_for(&Method::PATCH), "write");
        assert_eq!(required_for(&Method::DELETE), "write");
    }

    #[test]
    fn normalize_orders_and_rejects_unknown_scopes() {
        assert_eq!(normalize("write read write").as_deref(), Some("read write"));
        assert_eq!(normalize("read").as_deref(), Some("read"));
        assert_eq!(normalize("admin"), None);
        assert_eq!(normalize(""), None);
    }
}
