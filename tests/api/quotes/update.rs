//! `PATCH /api/v1/quotes/{id}`.

use serde_json::json;

use crate::harness::{TestApp, documented_quote, patch, post, setup, usd};

#[tokio::test]
async fn update_edits_the_summary_and_items_with_totals_recomputed() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let item = q["items"][0]["id"].as_i64().unwrap();
    let (status, body) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}", q["id"]),
        json!({"quote": {"summary": "revised", "items_attributes": [{"id": item, "quantity": 10}]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["summary"], "revised");
    assert_eq!(body["data"]["subtotal"], usd(340000));
    assert_eq!(body["data"]["total"], usd(306000));
}
