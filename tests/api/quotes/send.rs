//! `POST /api/v1/quotes/{id}/send`.

use serde_json::{Value, json};

use crate::harness::{action, app_with_sink, event_count, post, setup, show};

fn sent_quote_body(customer_id: i64) -> Value {
    json!({"quote": {"customer_id": customer_id, "currency": "USD",
                     "issued_at": "2025-10-20", "expires_at": "2025-11-20",
                     "items_attributes": [{"name": "Audit", "quantity": 2, "unit_price": "150"}]}})
}

#[tokio::test]
async fn sending_a_quote_marks_it_sent_records_quote_sent_and_stamps_emailed_at() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        sent_quote_body(s.customer_id),
    )
    .await;
    let id = quote["id"].as_i64().unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/send"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "sent");
    assert!(body["data"]["emailed_at"].is_null());
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.sent").await,
        1
    );
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Quote QOT-0001 from Flixtechs")
    );
    assert!(messages[0].text().contains("Total: USD 300.00"));
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert!(shown["emailed_at"].is_string());
}
