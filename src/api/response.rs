//! The `{"data": …}` envelope and 201 answers with `Location`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The envelope, serialized straight from the view (no `serde_json::Value` in between).
#[derive(Serialize)]
struct Data<T> {
    data: T,
}

/// `{"data": value}` with 200.
pub fn data<T: Serialize>(value: T) -> Response {
    axum::Json(Data { data: value }).into_response()
}

/// `{"data": value}` with 201 and `Location: url`.
pub fn created<T: Serialize>(url: &str, value: T) -> Response {
    let mut response = (StatusCode::CREATED, data(value)).into_response();
    if let Ok(location) = HeaderValue::from_str(url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// 204 with no body (DELETE).
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
