//! `POST /api/v1/customers`.

use reqwest::Method;
use serde_json::json;

use super::create;
use crate::harness::{TestApp, assert_error, documented_customer, send};

#[tokio::test]
async fn a_bare_body_is_accepted_like_the_wrapped_one() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let bare = documented_customer()["customer"].clone();
    let created = create(&app, &tenant, bare).await;
    assert_eq!(created["name"], "Texas Ins");
    assert_eq!(created["address"]["city"], "East London");
}

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"customer": {
            "email": "not-an-email",
            "currency": "ABC",
            "customer_type": "robot",
            "website": ["x"],
            "address": "1 Main St",
            "notes": "x".repeat(10_001),
        }}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["error"], "Unprocessable Entity");
    for field in [
        "name",
        "email",
        "currency",
        "customer_type",
        "website",
        "address",
        "notes",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(body["errors"]["name"], json!(["can't be blank"]));

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "A", "address": {"city": 5, "country": {"x": 1}}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["address.country"].is_array(), "{body}");

    // Nothing was written by the failed attempts.
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 0);
}

#[tokio::test]
async fn a_read_only_token_cannot_create() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant_with_scopes("Flixtechs", "read").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&documented_customer())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen", error="insufficient_scope", scope="write""#
    );
    let body = assert_error(response, 403).await;
    assert_eq!(body["error"], "Forbidden");
    let (status, _) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(status, 200);
}
