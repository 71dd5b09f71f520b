//! When reminders fire: before, on and after the due date, once each; never for a paid
//! invoice; rescheduled with the due date; once with two workers.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::{add, reminder_rows, reminders_path};
use crate::harness::{app_with_sink, invoice_due_in, send, setup};

#[tokio::test]
async fn reminders_before_on_and_after_the_due_date_fire_once_each_as_the_clock_moves() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    let due = app.clock.now() + Duration::days(10);
    let before = add(
        &app,
        &s.tenant,
        id,
        json!({"invoices_reminder": {"days": 3, "when": "before_due", "message": "Coming up"}}),
    )
    .await;
    assert_eq!(before["status"], "pending");
    assert_eq!(before["days"], 3);
    assert_eq!(before["when"], "before_due");
    assert!(before["sent_at"].is_null());
    assert_eq!(
        before["scheduled_at"],
        (due - Duration::days(3))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    );
    let on = add(&app, &s.tenant, id, json!({"when": "on_due"})).await;
    assert_eq!(on["days"], 0);
    add(
        &app,
        &s.tenant,
        id,
        json!({"days": "2", "when": "after_due"}),
    )
    .await;
    let (_, listed) = send(app.authed(&s.tenant, Method::GET, &reminders_path(id))).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
    assert_eq!(listed["meta"]["pagination"]["total_count"], 3);

    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 0);
    app.clock.advance(Duration::days(7));
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "the before_due reminder");
    assert_eq!(messages[0].to, ["procurement@texas.com"]);
    assert!(messages[0].text().contains("Coming up"));
    assert!(
        messages[0]
            .header("Subject")
            .unwrap()
            .starts_with("Reminder: invoice INV-0001")
    );
    app.clock.advance(Duration::days(3));
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 2, "the on_due reminder");
    app.clock.advance(Duration::days(2));
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 3, "the after_due reminder");
    app.clock.advance(Duration::days(30));
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 3, "each once");
    assert_eq!(
        reminder_rows(&app, id).await,
        vec![("sent".to_string(), true); 3]
    );
}

#[tokio::test]
async fn a_paid_invoices_reminder_is_skipped() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 5, "sent").await;
    add(&app, &s.tenant, id, json!({"days": 1, "when": "after_due"})).await;
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, 200);
    app.clock.advance(Duration::days(6) + Duration::seconds(1));
    app.runner().run_due().await.unwrap();
    assert!(sink.messages().is_empty());
    assert_eq!(
        reminder_rows(&app, id).await,
        vec![("skipped".to_string(), false)]
    );
}

#[tokio::test]
async fn changing_the_due_date_reschedules_pending_reminders() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    let reminder = add(
        &app,
        &s.tenant,
        id,
        json!({"days": 1, "when": "before_due"}),
    )
    .await;
    let new_due = app.clock.now() + Duration::days(20);
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &format!("/api/v1/invoices/{id}"))
            .json(&json!({"invoice": {"due_at": new_due.to_rfc3339()}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = send(app.authed(&s.tenant, Method::GET, &reminders_path(id))).await;
    let moved = &listed["data"][0];
    assert_eq!(moved["id"], reminder["id"]);
    assert_eq!(
        moved["scheduled_at"],
        (new_due - Duration::days(1))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    );
}

#[tokio::test]
async fn two_workers_send_each_due_reminder_once() {
    let (app, sink) = app_with_sink().await;
    let sibling = app
        .spawn_sibling(|c| c.smtp_url = app.config.smtp_url.clone())
        .await;
    let s = setup(&app, "Flixtechs").await;
    for _ in 0..8 {
        let id = invoice_due_in(&app, &s, 3, "sent").await;
        add(
            &app,
            &s.tenant,
            id,
            json!({"days": 1, "when": "before_due"}),
        )
        .await;
    }
    app.clock.advance(Duration::days(2) + Duration::seconds(1));
    let (a, b) = (app.runner(), sibling.runner());
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    a.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 8);
}
