//! `POST /api/v1/quotes/{id}/convert`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{
    TestApp, assert_error, documented_quote, json, patch, post, send, setup, usd,
};

#[tokio::test]
async fn conversion_makes_a_draft_invoice_with_the_same_totals_once() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_quote(s.customer_id);
    body["quote"]["quote_taxes_attributes"] = json!([{"tax_id": s.vat_id}]);
    let q = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    assert_eq!(q["tax_total"], usd(55080));
    let id = q["id"].as_i64().unwrap();
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/status"),
        json!({"status": "sent"}),
    )
    .await;
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/status"),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(status, 200);

    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("/api/v1/invoices/")
    );
    let inv = json(response).await["data"].clone();
    assert_eq!(inv["number"], "INV-0001");
    assert_eq!(inv["status"], "draft");
    for field in [
        "customer_id",
        "currency",
        "notes",
        "discount_type",
        "discount_value",
        "subtotal",
        "discount",
        "tax_total",
        "total",
    ] {
        assert_eq!(inv[field], q[field], "{field}");
    }
    assert_eq!(inv["balance"], q["total"]);
    assert_eq!(inv["items"][0]["name"], "Design and development");
    assert_eq!(inv["items"][0]["total"], "4080.0");
    assert_eq!(inv["taxes"][0]["tax_amount"], usd(55080));

    let (_, shown) =
        send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/quotes/{id}"))).await;
    assert_eq!(shown["data"]["status"], "invoiced");
    assert_eq!(shown["data"]["invoice_id"], inv["id"]);
    assert!(shown["data"]["invoiced_at"].is_string());

    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    let (_, invoices) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(invoices["meta"]["pagination"]["total_count"], 1);
}
