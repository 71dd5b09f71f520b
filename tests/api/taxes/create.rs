//! `POST /api/v1/taxes` (and the same rules on `PATCH`).

use reqwest::Method;
use serde_json::json;

use super::create;
use crate::harness::{TestApp, assert_error, send};

#[tokio::test]
async fn rates_are_read_from_numbers_and_strings_and_rendered_as_strings() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!("15"), "15.0"),
        (json!(15.5), "15.5"),
        (json!("7.25"), "7.25"),
        (json!(0), "0.0"),
        (json!("100"), "100.0"),
        (json!(" 7.3750 "), "7.375"),
        (json!("0.0001"), "0.0001"),
    ];
    for (rate, expected) in cases {
        // A bare body, unlike the round trip above.
        let tax = create(&app, &tenant, json!({"name": "T", "rate": rate})).await;
        assert_eq!(tax["rate"], expected, "{rate}");
        assert_eq!(tax["is_default"], false);
    }
}

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!(101), "must be less than or equal to 100"),
        (json!("-1"), "must be greater than or equal to 0"),
        (json!("abc"), "is not a number"),
        (json!("1.23456"), "must have at most 4 decimal places"),
        (json!(true), "is not a number"),
        (json!("1e400"), "is too large"),
    ];
    for (rate, message) in cases {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/taxes")
            .json(&json!({"tax": {"name": "VAT", "rate": rate}}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert_eq!(body["errors"], json!({"rate": [message]}), "{rate}");
    }

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/taxes")
        .json(&json!({"tax": {"name": "  ", "rate": 101, "is_default": "maybe"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({
            "name": ["can't be blank"],
            "rate": ["must be less than or equal to 100"],
            "is_default": ["must be true or false"],
        })
    );
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/taxes")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "rate": ["can't be blank"]})
    );

    // An update may leave fields out but not clear them.
    let tax = create(&app, &tenant, json!({"name": "VAT", "rate": 15})).await;
    let path = format!("/api/v1/taxes/{}", tax["id"]);
    let response = app
        .authed(&tenant, Method::PATCH, &path)
        .json(&json!({"name": null, "rate": null, "is_default": null}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in ["name", "rate", "is_default"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (_, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
    assert_eq!(shown["data"]["rate"], "15.0");

    // Nothing was written by the failed attempts.
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/taxes")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);
}
