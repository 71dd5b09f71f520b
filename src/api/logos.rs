//! `/logos/{business_token}/{digest}.{ext}`: the businesses' logos, public (documents,
//! emails and the customer's page link to them). The URL names the bytes, so it is
//! cached for good; the business is named by a random token, not its id, so logos cannot
//! be walked. Anything unknown is the plain 404 of a path that does not exist.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::billing::businesses::logos;
use crate::error::ApiResult;
use crate::http::middleware;
use crate::state::AppState;

/// An SVG shown on its own must not run anything, even if the upload check missed it.
const SVG_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

pub async fn serve(
    State(state): State<AppState>,
    Path((token, file)): Path<(String, String)>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (digest, ext) = file.rsplit_once('.').unwrap_or_default();
    let plausible =
        token.len() <= 64 && digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
    let found = if plausible {
        logos::served(&state.pool, &token, digest, ext).await?
    } else {
        None
    };
    let Some(logo) = found else {
        // The answer of a path that does not exist: no hint that the business does.
        return Ok(middleware::not_found(method, uri).await);
    };
    let etag = format!("\"{}\"", logo.digest);
    let mut response = if if_none_match(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        logo.bytes.into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is a header value"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(content_type) = HeaderValue::from_str(&logo.content_type) {
        h.insert(header::CONTENT_TYPE, content_type);
    }
    if logo.content_type == crate::billing::profile::image::SVG {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SVG_CSP),
        );
    }
    Ok(response)
}

/// Whether `If-None-Match` names this ETag (or is `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}
