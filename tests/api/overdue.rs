//! Overdue detection: once, with its event, never for drafts, void or paid invoices, and
//! never twice with two workers sweeping at once.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    Tenant, TestApp, event_count, invoice_due_in, post, send, set_invoice_status, setup,
};

/// The invoice's status, read from the database (the clock has moved past the token's
/// life).
pub async fn status(app: &TestApp, _tenant: &Tenant, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sent_invoice_past_its_due_date_becomes_overdue_once_with_its_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(status(&app, &s.tenant, id).await, "sent");
    app.clock.advance(Duration::days(10) + Duration::seconds(1));
    runner.run_due().await.unwrap();
    assert_eq!(status(&app, &s.tenant, id).await, "overdue");
    runner.run_due().await.unwrap();
    app.clock.advance(Duration::days(3));
    runner.run_due().await.unwrap();
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.overdue").await,
        1
    );
    let data: Value = sqlx::query_scalar(
        "SELECT data FROM events WHERE business_id = $1 AND type = 'invoice.overdue'",
    )
    .bind(s.tenant.business_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(data["id"], id);
    assert_eq!(
        data["status"], "overdue",
        "the event shows the overdue invoice"
    );
}

#[tokio::test]
async fn drafts_void_and_paid_invoices_never_go_overdue() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let draft = invoice_due_in(&app, &s, 1, "draft").await;
    let void = invoice_due_in(&app, &s, 1, "void").await;
    let paid = invoice_due_in(&app, &s, 1, "sent").await;
    let viewed = invoice_due_in(&app, &s, 1, "sent").await;
    set_invoice_status(&app, &s.tenant, viewed, "viewed").await;
    let (code, _) = send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{paid}/mark_as_paid"),
    ))
    .await;
    assert_eq!(code, 200);
    app.clock.advance(Duration::days(30));
    app.runner().run_due().await.unwrap();
    assert_eq!(status(&app, &s.tenant, draft).await, "draft");
    assert_eq!(status(&app, &s.tenant, void).await, "void");
    assert_eq!(status(&app, &s.tenant, paid).await, "paid");
    assert_eq!(status(&app, &s.tenant, viewed).await, "overdue");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.overdue").await,
        1
    );
}

#[tokio::test]
async fn two_workers_sweeping_at_once_mark_each_invoice_overdue_once() {
    let app = TestApp::spawn().await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let s = setup(&app, "Flixtechs").await;
    for _ in 0..12 {
        invoice_due_in(&app, &s, 1, "sent").await;
    }
    app.clock.advance(Duration::days(2));
    let (a, b) = (app.runner(), sibling.runner());
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.overdue").await,
        12
    );
}

#[tokio::test]
async fn expiring_quotes_records_no_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        json!({"quote": {"customer_id": s.customer_id, "currency": "USD",
                         "issued_at": "2025-10-20", "expires_at": "2025-10-25",
                         "items_attributes": [{"name": "Audit", "quantity": 1, "unit_price": "10"}]}}),
    )
    .await;
    let id = quote["id"].as_i64().unwrap();
    let (code, _) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/quotes/{id}/status"),
        )
        .json(&json!({"status": "sent"})),
    )
    .await;
    assert_eq!(code, 200);
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.clock.advance(Duration::days(10));
    app.runner().run_due().await.unwrap();
    let shown: String = sqlx::query_scalar("SELECT status FROM quotes WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(shown, "expired");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, before, "no event type exists for expiry");
}
