//! The events payments and invoices record, inside the change's transaction.

use reqwest::Method;
use serde_json::{Value, json};

use super::{count, events, pay};
use crate::harness::{TestApp, invoice_of, send, setup, show};

#[tokio::test]
async fn every_change_records_its_event_showing_the_resource_as_the_api_does() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let inv_path = format!("/api/v1/invoices/{id}");
    let types =
        |e: &[(String, String, Value)]| e.iter().map(|(_, t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(
        types(&events(&app, s.tenant.business_id).await),
        ["invoice.created", "invoice.sent"]
    );

    let (_, p) = pay(&app, &s.tenant, id, "40").await;
    let pid = p["data"]["id"].as_i64().unwrap();
    let log = events(&app, s.tenant.business_id).await;
    // A partial payment is `invoice.paid` too (Koteshen: "new payment applied (full or
    // partial)"); the invoice's status says partial.
    assert_eq!(types(&log[2..]), ["payment.received", "invoice.paid"]);
    assert!(
        log[2].0.starts_with("evt_") && log[2].0.len() == 36,
        "{}",
        log[2].0
    );
    assert_eq!(log[2].2, p["data"], "the payment as the API shows it");
    assert_eq!(log[3].2, show(&app, &s.tenant, &inv_path).await);
    assert_eq!(log[3].2["status"], "partial");

    let path = format!("/api/v1/payments/{pid}");
    send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100"})),
    )
    .await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[4..]), ["payment.updated", "invoice.paid"]);
    assert_eq!(log[5].2["status"], "paid");

    app.authed(&s.tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[6..]), ["payment.deleted", "invoice.updated"]);
    assert!(log[6].2["discarded_at"].is_string());
    assert_eq!(log[7].2["status"], "sent");

    // mark_as_paid goes through the same path.
    send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("{inv_path}/mark_as_paid"),
    ))
    .await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[8..]), ["payment.received", "invoice.paid"]);
    assert_eq!(log[8].2["notes"], "Marked as paid");

    // Invoice lifecycle events.
    let other = invoice_of(&app, &s, "5").await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}"),
        )
        .json(&json!({"notes": "n"})),
    )
    .await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}/status"),
        )
        .json(&json!({"status": "void"})),
    )
    .await;
    app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("/api/v1/invoices/{other}"),
    )
    .send()
    .await
    .unwrap();
    send(app.authed(&s.tenant, Method::PATCH, &format!("{inv_path}/duplicate"))).await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(
        types(&log[10..]),
        [
            "invoice.created",
            "invoice.sent",
            "invoice.updated",
            "invoice.voided",
            "invoice.deleted",
            "invoice.created"
        ]
    );
    assert_eq!(log[12].2["notes"], "n");
    assert!(log[14].2["discarded_at"].is_string());

    // A refused change records nothing.
    let before = log.len();
    pay(&app, &s.tenant, id, "1").await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}/status"),
        )
        .json(&json!({"status": "sent"})),
    )
    .await;
    assert_eq!(events(&app, s.tenant.business_id).await.len(), before);
    let theirs = app.tenant("Theirs").await;
    assert!(events(&app, theirs.business_id).await.is_empty());
}

#[tokio::test]
async fn a_change_rolled_back_after_its_event_was_written_leaves_no_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    // A payment slipped in behind the invoice's back: the invoice still shows a balance
    // of 100, so the next payment passes the checks, records payment.received, and only
    // then fails to settle (the total would be over-paid), rolling everything back.
    sqlx::query(
        "INSERT INTO payments (business_id, invoice_id, amount_cents, currency, paid_at)
         VALUES ($1, $2, 10000, 'USD', now())",
    )
    .bind(s.tenant.business_id)
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let before = events(&app, s.tenant.business_id).await.len();
    let (status, err) = pay(&app, &s.tenant, id, "50").await;
    assert_eq!(status, 422, "{err}");
    assert!(err["errors"]["amount"].is_array(), "{err}");
    assert_eq!(events(&app, s.tenant.business_id).await.len(), before);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
}
