//! `PATCH /api/v1/customers/{id}`.

use reqwest::Method;
use serde_json::json;

use super::create_named;
use crate::harness::{TestApp, assert_error, send};

#[tokio::test]
async fn an_update_cannot_blank_the_name_and_validates_like_create() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let c = create_named(&app, &tenant, "Keep").await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let response = app
        .authed(&tenant, Method::PATCH, &path)
        .json(&json!({"name": null, "email": "nope"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["name"].is_array() && body["errors"]["email"].is_array());
    let (_, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
    assert_eq!(shown["data"]["name"], "Keep");

    // Adding then removing an address.
    let (_, with) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"address": {"city": "Durban"}})),
    )
    .await;
    assert_eq!(with["data"]["address"]["city"], "Durban");
    let (_, without) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"address": null})),
    )
    .await;
    assert!(without["data"]["address"].is_null());
}
