//! Invoice and quote PDFs over HTTP: `/invoices/{id}/pdf`, `/invoices/{id}.pdf` and
//! `Accept: application/pdf` on the show (quotes alike) all answer here. The ETag names
//! the document's version, so `If-None-Match` costs the reads and no typesetting.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::api::ids::record_not_found;
use crate::error::{ApiError, ApiResult};
use crate::render::DocKind;
use crate::state::AppState;

pub const PDF: &str = "application/pdf";

/// Whether the client asks for the PDF: `application/pdf` in `Accept` (not refused with
/// `q=0`) and not after `application/json`.
pub fn wants_pdf(headers: &HeaderMap) -> bool {
    asks_for(headers, &[PDF], &["application/json"])
}

/// Whether `Accept` names one of `wanted` (not refused with `q=0`) before any of
/// `instead`: the one reading of `Accept` the PDF and XML forms share.
pub fn asks_for(headers: &HeaderMap, wanted: &[&str], instead: &[&str]) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in accept {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        if refused {
            continue;
        }
        if wanted.contains(&media.as_str()) {
            return true;
        }
        if instead.contains(&media.as_str()) {
            return false;
        }
    }
    false
}

/// The document's PDF for this business, or a 304 when `If-None-Match` names its
/// version, or a 404.
pub async fn answer(
    state: &AppState,
    business_id: i64,
    kind: DocKind,
    id: i64,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let mut conn = state.pool.acquire().await?;
    let prepared = state
        .renderer
        .prepare(&mut conn, state.views(), business_id, kind, id)
        .await?
        .ok_or_else(record_not_found)?;
    // The reads are done: the connection goes back before the (slower) typesetting.
    drop(conn);
    let etag = HeaderValue::from_str(&prepared.etag).map_err(ApiError::internal)?;
    if matches_etag(headers, &prepared.etag) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, "private, no-cache")
            .body(Body::empty())
            .map_err(ApiError::internal);
    }
    let rendered = state.renderer.render(prepared).await?;
    Response::builder()
        .header(header::CONTENT_TYPE, PDF)
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, "private, no-cache")
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", rendered.file_name),
        )
        .body(Body::from(rendered.bytes))
        .map_err(ApiError::internal)
}

/// The show routes answer JSON or the PDF by `Accept`: caches must key on it.
pub fn vary_on_accept(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// `If-None-Match: *`, or a list naming this ETag (weak or strong).
pub(crate) fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The spec's side: `/{id}.pdf` documented as `/{id}/pdf` is (one handler reads both:
/// `ids::ShowId`), the PDF's schema as binary, and the show's 200 offering the PDF too.
pub(crate) fn document(spec: &mut Value) {
    let binary = json!({"schema": {"type": "string", "format": "binary", "contentMediaType": PDF}});
    for resource in ["invoices", "quotes"] {
        let slash = format!("/api/v1/{resource}/{{id}}/pdf");
        let Some(item) = spec["paths"].get_mut(&slash) else {
            continue;
        };
        item["get"]["responses"]["200"]["content"] = json!({ PDF: binary.clone() });
        let mut dot = item.clone();
        dot["get"]["operationId"] = json!("dot_pdf");
        dot["get"]["summary"] = json!(format!(
            "{} (the same as /{resource}/{{id}}/pdf)",
            item["get"]["summary"].as_str().unwrap_or("The PDF")
        ));
        spec["paths"][format!("/api/v1/{resource}/{{id}}.pdf")] = dot;
        let show =
            &mut spec["paths"][format!("/api/v1/{resource}/{{id}}")]["get"]["responses"]["200"];
        if show.is_object() {
            show["content"][PDF] = binary.clone();
            show["description"] = json!(format!(
                "{} (`Accept: application/pdf`: the PDF)",
                show["description"].as_str().unwrap_or("")
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn accept_asks_for_the_pdf_only_when_it_prefers_it() {
        assert!(wants_pdf(&accept("application/pdf")));
        assert!(wants_pdf(&accept("text/html, application/pdf;q=0.9")));
        assert!(!wants_pdf(&accept("application/json, application/pdf")));
        assert!(!wants_pdf(&accept("application/pdf;q=0")));
        assert!(!wants_pdf(&accept("*/*")));
        assert!(!wants_pdf(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_names_the_version() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(matches_etag(&h, "\"b\""));
        assert!(!matches_etag(&h, "\"c\""));
    }
}
