//! Middleware every request passes through: request ids, tracing, JSON for the errors the
//! framework and tower answer by themselves, panics turned into a bare 500.

use std::any::Any;

use axum::body::Body;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Span;

use crate::error::{ApiError, json_error_response};

pub const REQUEST_ID: &str = "x-request-id";

/// Builds the span of a request: every log line inside it carries the request id.
pub fn request_span(req: &Request<Body>) -> Span {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id,
    )
}

/// The router answers OPTIONS for `/invoices/{id}` and `/quotes/{id}` with the show's
/// methods; their `{id}.pdf` form is GET only (`api::ids` refuses the others with 405).
pub async fn pdf_allow(req: Request, next: Next) -> Response {
    let pdf_options = req.method() == Method::OPTIONS
        && (req.uri().path().ends_with(".pdf") || req.uri().path().ends_with(".xml"));
    let mut response = next.run(req).await;
    if pdf_options && response.status().is_success() {
        let allow = HeaderValue::from_static("GET,HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// Errors answered outside our handlers (405 from the router, 413 from the body limit,
/// timeouts) come with a plain-text or empty body: give them the documented JSON shape,
/// keeping their headers (`Allow`, `Retry-After`).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let is_head = req.method() == Method::HEAD;
    let response = next.run(req).await;
    let status = response.status();
    // HTML is deliberate (the OAuth authorization page's errors), so it stays.
    let deliberate = is_json(&response) || is_html(&response);
    if !(status.is_client_error() || status.is_server_error()) || deliberate || is_head {
        return response;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = response
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            format!("Method not allowed here; allowed: {allowed}")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            crate::http::json::payload_too_large().message().to_string()
        }
        StatusCode::SERVICE_UNAVAILABLE => "The request took too long to process".to_string(),
        _ => crate::error::reason_phrase(status).to_string(),
    };
    let (mut parts, _) = response.into_parts();
    let rendered = json_error_response(status, &message, None);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let (_, body) = rendered.into_parts();
    Response::from_parts(parts, body)
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// A panic in a handler: logged (inside the request's span, so with its id), answered
/// as a bare 500 that leaks nothing.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    json_error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        None,
    )
}

/// The answer for a path that no route matches.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    // OriginalUri: inside a nested router the plain Uri has lost its prefix.
    ApiError::not_found(format!("No route matches {method} {}", uri.path())).into_response()
}
