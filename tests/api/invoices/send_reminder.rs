//! `POST /api/v1/invoices/{id}/send_reminder` (a draft's refusal is in `send_invoice.rs`,
//! beside a void invoice's).

use serde_json::json;

use crate::harness::{action, app_with_sink, documented_invoice, post, setup};

#[tokio::test]
async fn send_reminder_emails_a_reminder_now() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_reminder"),
        json!({"message": "Please pay"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["id"], id);
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    let reminder = messages
        .iter()
        .find(|m| m.header("Subject").unwrap().starts_with("Reminder"))
        .expect("a reminder");
    assert_eq!(
        reminder.header("Subject").as_deref(),
        Some("Reminder: invoice INV-0001 from Flixtechs (USD 437.00 due 2025-10-12)")
    );
    assert!(reminder.text().contains("Please pay"));
}
