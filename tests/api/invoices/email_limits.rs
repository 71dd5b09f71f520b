//! What one business may email: at most `EMAIL_MAX_RECIPIENTS` addresses per email
//! (`to` and `cc` together), and `EMAIL_QUOTA_PER_HOUR` / `EMAIL_QUOTA_PER_DAY` emails
//! in a rolling hour / day over every path (send_invoice, send_reminder, quote send, the
//! reminder sweep), counted atomically; past either, 429 with `Retry-After`, and the
//! sweeps' emails wait instead.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::smtp_sink::SmtpSink;
use crate::harness::{
    Setup, TestApp, action, app_with_sink, assert_error, documented_quote, invoice_due_in,
    invoice_of, post, setup,
};

async fn app_with_quota(per_hour: u32, per_day: u32) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = url;
        c.limits.email_per_hour = per_hour;
        c.limits.email_per_day = per_day;
        c.database_max_connections = 20;
    })
    .await;
    (app, sink)
}

fn addresses(n: usize, domain: &str) -> Vec<String> {
    (0..n).map(|i| format!("a{i}@{domain}")).collect()
}

async fn email_jobs(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'email.document'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn send_invoice(app: &TestApp, s: &Setup, id: i64) -> reqwest::Response {
    send_invoice_request(app, s, id).send().await.unwrap()
}

fn send_invoice_request(app: &TestApp, s: &Setup, id: i64) -> reqwest::RequestBuilder {
    app.authed(
        &s.tenant,
        Method::POST,
        &format!("/api/v1/invoices/{id}/send_invoice"),
    )
    .json(&json!({}))
}

/// A 429 of the quota: the documented error JSON and `Retry-After` in seconds.
async fn assert_quota_refused(response: reqwest::Response, retry_after: &str) {
    assert_eq!(response.headers()["retry-after"], retry_after);
    let err = assert_error(response, 429).await;
    assert_eq!(err["error"], "Too Many Requests");
    assert!(err["message"].as_str().unwrap().contains("quota"), "{err}");
}

#[tokio::test]
async fn to_and_cc_together_are_capped_at_ten_addresses_and_the_field_is_named() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let path = format!("/api/v1/invoices/{id}/send_invoice");
    for (body, field) in [
        (json!({"to": addresses(11, "x.com")}), "to"),
        (
            json!({"to": addresses(5, "x.com"), "cc": addresses(6, "y.com")}),
            "cc",
        ),
        // Left out, `to` is the customer: one address.
        (json!({"cc": addresses(10, "y.com")}), "cc"),
    ] {
        let (status, err) = action(&app, &s.tenant, &path, body.clone()).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert!(err["errors"][field].is_array(), "{err}");
        assert!(
            err["errors"][field][0].as_str().unwrap().contains("10"),
            "{err}"
        );
    }
    let copy = addresses(10, "y.com").join(", ");
    let (status, err) = action(
        &app,
        &s.tenant,
        &path,
        json!({"send_invoice_form": {"recipient": "boss@x.com", "copy": copy}}),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    let named: Vec<&String> = err["errors"].as_object().unwrap().keys().collect();
    assert!(named.iter().all(|k| k.contains("copy")), "{err}");
    assert_eq!(email_jobs(&app).await, 0);

    let (status, body) = action(
        &app,
        &s.tenant,
        &path,
        json!({"to": addresses(4, "x.com"), "cc": addresses(6, "y.com")}),
    )
    .await;
    assert_eq!(status, 200, "ten is allowed: {body}");
    assert_eq!(email_jobs(&app).await, 1);
}

#[tokio::test]
async fn every_send_path_counts_against_the_hourly_and_daily_quota() {
    let (app, _sink) = app_with_quota(3, 5).await;
    let mut s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    assert_eq!(send_invoice(&app, &s, id).await.status(), 200);
    let (status, _) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_reminder"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/send", quote["id"]),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);

    // The hour is full: the oldest send leaves it in an hour, and nothing is queued.
    // A 429 says "later", so its Idempotency-Key is not kept: the retry runs.
    let keyed = |s: &Setup| send_invoice_request(&app, s, id).header("Idempotency-Key", "later");
    assert_quota_refused(keyed(&s).send().await.unwrap(), "3600").await;
    assert_eq!(email_jobs(&app).await, 3);
    app.clock.advance(Duration::minutes(30));
    app.reissue(&mut s.tenant).await;
    assert_quota_refused(keyed(&s).send().await.unwrap(), "1800").await;
    app.clock.advance(Duration::minutes(30));
    app.reissue(&mut s.tenant).await;
    let response = keyed(&s).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("idempotent-replayed").is_none());
    assert_eq!(send_invoice(&app, &s, id).await.status(), 200);
    // Five today: the day is full until the first three leave it, 23 hours from now.
    assert_quota_refused(send_invoice(&app, &s, id).await, "82800").await;
    assert_eq!(email_jobs(&app).await, 5);

    // Another business has its own quota.
    let other = setup(&app, "Theirs").await;
    let theirs = invoice_of(&app, &other, "100").await;
    assert_eq!(send_invoice(&app, &other, theirs).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_cannot_pass_the_quota() {
    let (app, _sink) = app_with_quota(3, 1000).await;
    let s = setup(&app, "Flixtechs").await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(invoice_of(&app, &s, "100").await);
    }
    let mut tasks = Vec::new();
    for id in ids {
        let request = app
            .authed(
                &s.tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/send_invoice"),
            )
            .json(&json!({}));
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    assert_eq!(email_jobs(&app).await, 3);
}

#[tokio::test]
async fn a_due_reminder_past_the_quota_waits_for_room_and_is_delivered_then() {
    let (app, sink) = app_with_quota(2, 1000).await;
    let mut s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 1, "sent").await;
    let (status, body) = crate::harness::send(
        app.authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/invoices/{id}/invoices_reminders"),
        )
        .json(&json!({"days": 1, "when": "before_due", "message": "Coming up"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for _ in 0..2 {
        assert_eq!(send_invoice(&app, &s, id).await.status(), 200);
    }
    let runner = app.runner();
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 2, "the reminder waits for room");
    let waiting: Vec<Value> = sqlx::query_scalar(
        "SELECT payload FROM jobs WHERE kind = 'email.document' AND status = 'queued'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(waiting.len(), 1, "queued, not dropped");
    assert_eq!(waiting[0]["purpose"], "reminder");

    app.clock.advance(Duration::hours(1));
    app.reissue(&mut s.tenant).await;
    runner.run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    assert!(messages[2].text().contains("Coming up"));
}
