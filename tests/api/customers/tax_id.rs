//! A customer's `tax_id` and `address.country_code`: on create, update and show, and in
//! the customer the invoices and quotes embed.

use reqwest::Method;
use serde_json::json;

use super::create;
use crate::harness::{TestApp, assert_error, documented_invoice, patch, post, setup, show};

#[tokio::test]
async fn tax_id_and_country_code_round_trip_and_reach_the_documents() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let c = create(
        &app,
        t,
        json!({"customer": {"name": "Ромашка", "tax_id": "DE 123.456.789",
               "address": {"city": "Berlin", "country": "Germany", "country_code": "de"}}}),
    )
    .await;
    assert_eq!(c["tax_id"], "DE123456789");
    assert_eq!(c["address"]["country"], "Germany");
    assert_eq!(c["address"]["country_code"], "DE");
    let path = format!("/api/v1/customers/{}", c["id"]);
    let shown = show(&app, t, &path).await;
    assert_eq!(
        (
            shown["tax_id"].clone(),
            shown["address"]["country_code"].clone()
        ),
        (json!("DE123456789"), json!("DE"))
    );

    // A two-letter country fills the code and stays as sent; other tax ids as sent.
    let (status, body) = patch(
        &app,
        t,
        &path,
        json!({"tax_id": "12-3456789", "address": {"country": "us", "country_code": null}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // `country_code: null` was sent: it is cleared, not filled.
    assert!(body["data"]["address"]["country_code"].is_null());
    let (_, body) = patch(&app, t, &path, json!({"address": {"country": "us"}})).await;
    assert_eq!(body["data"]["tax_id"], "12-3456789");
    assert_eq!(body["data"]["address"]["country"], "us");
    assert_eq!(body["data"]["address"]["country_code"], "US");

    let mut invoice = documented_invoice(&s);
    invoice["invoice"]["customer_id"] = c["id"].clone();
    let invoice = post(&app, t, "/api/v1/invoices", invoice).await;
    assert_eq!(invoice["customer"]["tax_id"], "12-3456789");
    assert_eq!(invoice["customer"]["address"]["country_code"], "US");
    let quote = post(
        &app,
        t,
        "/api/v1/quotes",
        crate::harness::documented_quote(c["id"].as_i64().unwrap()),
    )
    .await;
    assert_eq!(quote["customer"]["tax_id"], "12-3456789");

    // Clearing.
    let (_, body) = patch(&app, t, &path, json!({"tax_id": null})).await;
    assert!(body["data"]["tax_id"].is_null());
}

#[tokio::test]
async fn a_bad_tax_id_or_country_code_is_a_422_naming_it() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    let response = app
        .authed(&t, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "X", "tax_id": "FR123", "address": {"country_code": "EU"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["tax_id"].is_array(), "{body}");
    assert!(body["errors"]["address.country_code"].is_array(), "{body}");
    let response = app
        .authed(&t, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "X", "address_attributes": {"country_code": "ZZ"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(
        body["errors"]["address_attributes.country_code"].is_array(),
        "{body}"
    );
}
