//! `POST /api/v1/payment_terms` (and the same rules on `PATCH` and the list's
//! parameters).

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, send};

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!(-1), "must be between 0 and 3650"),
        (json!(3651), "must be between 0 and 3650"),
        (json!("99999999999"), "must be between 0 and 3650"),
        (json!("x"), "must be a whole number"),
        (json!(7.5), "must be a whole number"),
        (json!([7]), "must be a whole number"),
    ];
    for (value, message) in cases {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/payment_terms")
            .json(&json!({"payment_term": {"name": "Net", "value": value}}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert_eq!(body["errors"], json!({"value": [message]}), "{value}");
    }
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/payment_terms")
        .json(&json!({"payment_term": {"name": ["x"], "value": "x"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["must be a string"], "value": ["must be a whole number"]})
    );
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/payment_terms")
        .json(&json!({"payment_term": {}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "value": ["can't be blank"]})
    );

    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    let id = list["data"][0]["id"].as_i64().unwrap();
    let response = app
        .authed(
            &tenant,
            Method::PATCH,
            &format!("/api/v1/payment_terms/{id}"),
        )
        .json(&json!({"name": "", "value": null}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "value": ["can't be blank"]})
    );
    assert_eq!(list["meta"]["pagination"]["total_count"], 4);

    let response = app
        .authed(
            &tenant,
            Method::GET,
            "/api/v1/payment_terms?sort=days&per_page=0",
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["sort"].is_array() && body["errors"]["per_page"].is_array());
}
