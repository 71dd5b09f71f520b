//! `PATCH /api/v1/invoices/{id}/mark_as_paid`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, documented_invoice, patch, post, setup, usd};

#[tokio::test]
async fn mark_as_paid_records_a_payment_for_the_balance_once() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}/mark_as_paid", inv["id"]);
    let (status, body) = patch(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "paid");
    assert_eq!(body["data"]["paid"], true);
    assert_eq!(body["data"]["balance"], usd(0));
    // Again: Koteshen's page answers 422 (no second payment).
    let (status, body) = patch(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["message"], "Invoice already paid or balance is zero");
    let payments: Vec<(i64, String)> =
        sqlx::query_as("SELECT amount_cents, currency FROM payments WHERE invoice_id = $1")
            .bind(inv["id"].as_i64().unwrap())
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(payments, vec![(43700, "USD".to_string())]);

    // Paid: items and amounts are frozen, and it cannot be deleted.
    let inv_path = format!("/api/v1/invoices/{}", inv["id"]);
    let (status, _) = patch(&app, &s.tenant, &inv_path, json!({"discount_value": 10})).await;
    assert_eq!(status, 422);
    let (status, body) = patch(&app, &s.tenant, &inv_path, json!({"notes": "Paid, thanks"})).await;
    assert_eq!(status, 200, "{body}");
    let response = app
        .authed(&s.tenant, Method::DELETE, &inv_path)
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["message"].as_str().unwrap().contains("void"));
}
