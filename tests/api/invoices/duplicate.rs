//! `PATCH /api/v1/invoices/{id}/duplicate`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, documented_invoice, json, patch, post, setup};

#[tokio::test]
async fn duplicate_makes_a_new_draft_with_a_new_number_and_todays_dates() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_invoice(&s);
    body["invoice"]["due_at"] = json!("2025-10-19T00:00:00Z");
    body["invoice"]["notes"] = json!("Thanks");
    body["invoice"]["buyer_reference"] = json!("04011000-12345-03");
    body["invoice"]["purchase_order"] = json!("PO-778");
    let inv = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}/status", inv["id"]),
        json!({"status": "sent"}),
    )
    .await;
    let response = app
        .authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{}/duplicate", inv["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.headers().contains_key("location"));
    let copy = json(response).await["data"].clone();
    assert_ne!(copy["id"], inv["id"]);
    assert_eq!(copy["number"], "INV-0002");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["issued_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(copy["due_at"], "2025-10-28T03:39:57.825Z");
    for field in [
        "customer_id",
        "currency",
        "notes",
        "buyer_reference",
        "purchase_order",
        "discount_type",
        "discount_value",
        "payment_term_id",
        "subtotal",
        "discount",
        "tax_total",
        "total",
    ] {
        assert_eq!(copy[field], inv[field], "{field}");
    }
    assert_eq!(copy["items"][0]["name"], inv["items"][0]["name"]);
    assert_ne!(copy["items"][0]["id"], inv["items"][0]["id"]);
    assert_eq!(
        copy["taxes"][0]["tax_amount"],
        inv["taxes"][0]["tax_amount"]
    );
}
