//! Requests and their answers: JSON checked against the OpenAPI document, the error
//! shape, and typed shortcuts for the calls most tests make.

use reqwest::Method;
use serde_json::Value;

use super::{Tenant, TestApp};

/// The body of a response as JSON, failing loudly when it is not JSON.
pub async fn json(response: reqwest::Response) -> serde_json::Value {
    let status = response.status();
    let url = response.url().clone();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.expect("body");
    assert!(
        content_type.starts_with("application/json"),
        "{status}: expected JSON, got {content_type:?}: {text}"
    );
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status}: invalid JSON {e}: {text}"));
    super::conformance::check(&url, status.as_u16(), &content_type, &value).await;
    value
}

/// Asserts the documented error shape and returns it.
pub async fn assert_error(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let body = json(response).await;
    assert!(body["error"].is_string(), "no error field: {body}");
    assert!(body["message"].is_string(), "no message field: {body}");
    body
}

/// The overview's body for a bad token, exactly: no other keys.
pub async fn assert_invalid_token(response: reqwest::Response) {
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen", error="invalid_token""#
    );
    let body = assert_error(response, 401).await;
    assert_eq!(
        body,
        serde_json::json!({
            "error": "Invalid token",
            "message": "The provided token is expired or invalid"
        })
    );
}

/// Sends a request and answers its status and JSON body.
pub async fn send(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    if status == 204 {
        return (status, serde_json::Value::Null);
    }
    (status, json(response).await)
}

/// POSTs `body` and expects 201: the created resource (`data`).
pub async fn post(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> Value {
    let (status, body) = send(app.authed(tenant, Method::POST, path).json(&body)).await;
    assert_eq!(status, 201, "POST {path}: {body}");
    body["data"].clone()
}

/// PATCHes `body`: the status and the body, whatever they are.
pub async fn patch(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> (u16, Value) {
    send(app.authed(tenant, Method::PATCH, path).json(&body)).await
}

/// POSTs `body` to an action (`send_invoice`, `send`, …): the status and the body.
pub async fn action(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> (u16, Value) {
    send(app.authed(tenant, Method::POST, path).json(&body)).await
}

/// GETs and expects 200: the whole body (`data` and `meta`).
pub async fn get(app: &TestApp, tenant: &Tenant, path: &str) -> Value {
    let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// GETs and expects 200: the resource shown (`data`).
pub async fn show(app: &TestApp, tenant: &Tenant, path: &str) -> Value {
    get(app, tenant, path).await["data"].clone()
}
