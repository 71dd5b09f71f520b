//! A document's create or update names every invalid field in one 422, whatever the
//! order in which the rules find them.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, documented_invoice, send, setup};

#[tokio::test]
async fn invalid_items_and_a_percent_discount_over_100_are_named_together() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for (path, wrapper) in [("/api/v1/invoices", "invoice"), ("/api/v1/quotes", "quote")] {
        let response = app
            .authed(&s.tenant, Method::POST, path)
            .json(&json!({wrapper: {
                "customer_id": s.customer_id,
                "currency": "USD",
                "discount_type": "percent",
                "discount_value": 150,
                "items_attributes": [{"name": "", "quantity": -1, "unit_price": "abc"}],
            }}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        for field in [
            "discount_value",
            "items_attributes[0].name",
            "items_attributes[0].quantity",
            "items_attributes[0].unit_price",
        ] {
            assert!(body["errors"][field].is_array(), "{path} {field}: {body}");
        }
        assert_eq!(
            body["errors"]["discount_value"],
            json!(["must be less than or equal to 100"])
        );
    }
}

#[tokio::test]
async fn an_update_with_invalid_items_also_names_its_percent_over_100() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (_, created) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&documented_invoice(&s)),
    )
    .await;
    let path = format!("/api/v1/invoices/{}", created["data"]["id"]);
    let response = app
        .authed(&s.tenant, Method::PATCH, &path)
        .json(&json!({"invoice": {
            "discount_type": "percent",
            "discount_value": "100.5",
            "items_attributes": [{"name": "More", "quantity": "x", "unit_price": 1}],
        }}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["discount_value"].is_array(), "{body}");
    assert!(
        body["errors"]["items_attributes[0].quantity"].is_array(),
        "{body}"
    );
}
