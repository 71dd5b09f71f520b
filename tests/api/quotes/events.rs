//! The events a quote's changes record.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, documented_quote, json, patch, post, setup};

#[tokio::test]
async fn quote_changes_record_their_events_with_the_quote_as_shown() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let id = q["id"].as_i64().unwrap();
    for status in ["sent", "viewed", "accepted"] {
        patch(
            &app,
            &s.tenant,
            &format!("/api/v1/quotes/{id}/status"),
            json!({"status": status}),
        )
        .await;
    }
    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    let invoice = json(response).await["data"].clone();
    let events: Vec<(String, Value)> = sqlx::query_as(
        "SELECT type, data FROM events WHERE business_id = $1 AND type LIKE 'quote.%' ORDER BY seq",
    )
    .bind(s.tenant.business_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "quote.created",
            "quote.sent",
            "quote.viewed",
            "quote.accepted",
            "quote.converted"
        ]
    );
    assert_eq!(
        events[0].1, q,
        "an event's data is the quote as the API shows it"
    );
    assert_eq!(events[4].1["status"], "invoiced");
    assert_eq!(events[4].1["invoice_id"], invoice["id"]);
    let created: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE type = 'invoice.created' AND data->>'id' = $1",
    )
    .bind(invoice["id"].to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(created, 1);
}
