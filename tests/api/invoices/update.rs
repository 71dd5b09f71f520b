//! `PATCH /api/v1/invoices/{id}` of a draft: items and totals (an issued invoice:
//! `locked.rs`).

use serde_json::json;

use crate::harness::{TestApp, documented_invoice, patch, post, setup, usd};

#[tokio::test]
async fn items_are_added_changed_and_destroyed_with_totals_recomputed() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    let first = inv["items"][0]["id"].as_i64().unwrap();

    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice": {"items_attributes": [
            {"id": first, "quantity": "2"},
            {"name": "Support", "quantity": 1.5, "unit_price": 100}
        ]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let inv2 = &body["data"];
    // 2 × 400 + 1.5 × 100 = 950.00; 5 % off = 902.50; VAT 15 % = 135.375 → 135.38.
    assert_eq!(inv2["subtotal"], usd(95000));
    assert_eq!(inv2["discount"], usd(4750));
    assert_eq!(inv2["tax_total"], usd(13538));
    assert_eq!(inv2["total"], usd(103788));
    assert_eq!(inv2["items"][0]["id"], first);
    assert_eq!(inv2["items"][0]["quantity"], 2);
    assert_eq!(inv2["items"][1]["quantity"], 1.5);
    assert_eq!(inv2["items"][1]["total"], "150.0");

    let second = inv2["items"][1]["id"].as_i64().unwrap();
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"id": first, "_destroy": true}],
               "discount_type": null, "invoice_taxes_attributes": []}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let inv3 = &body["data"];
    assert_eq!(inv3["items"].as_array().unwrap().len(), 1);
    assert_eq!(inv3["items"][0]["id"], second);
    assert_eq!(inv3["discount"], usd(0));
    // The VAT line stays: an empty list removes nothing.
    assert_eq!(inv3["tax_total"], usd(2250));
    let vat_line = inv3["taxes"][0]["id"].as_i64().unwrap();
    let (_, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice_taxes_attributes": [{"id": vat_line, "_destroy": true}]}),
    )
    .await;
    assert_eq!(body["data"]["taxes"], json!([]));
    assert_eq!(body["data"]["total"], usd(15000));

    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"id": 999999, "quantity": 1}, {"name": "x", "quantity": 1, "unit_price": 1}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["errors"]["items_attributes[0].id"].is_array(),
        "{body}"
    );
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"name": "No price", "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["errors"]["items_attributes[0].unit_price"].is_array(),
        "{body}"
    );
}
