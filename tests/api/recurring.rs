//! Recurring invoices: month ends from the anchor, catch-up after downtime, two workers,
//! daylight saving in a non-UTC zone, pause/resume/cancel, auto-send, validation, tenancy.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, send};
use crate::invoices::{Setup, documented_body, post, setup};
use crate::sending::app_with_sink;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A business and a template invoice issued at `issued` (due 14 days later).
async fn template(app: &TestApp, issued: &str) -> (Setup, i64) {
    app.clock.set(at(issued));
    let s = setup(app, "Flixtechs").await;
    let mut body = documented_body(&s);
    body["invoice"]["issued_at"] = json!(issued);
    body["invoice"]["due_at"] = json!((at(issued) + Duration::days(14)).to_rfc3339());
    body["invoice"]["notes"] = json!("Monthly retainer");
    let invoice = post(app, &s.tenant, "/api/v1/invoices", body).await;
    (s, invoice["id"].as_i64().unwrap())
}

async fn make_recurring(app: &TestApp, s: &Setup, id: i64, body: Value) -> Value {
    let (status, body) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/recurring"),
        )
        .json(&body),
    )
    .await;
    // Koteshen's page: the recurring action answers 201.
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

/// The generated invoices: (issued_at, due_at, number, total_cents, notes), by issue date.
async fn generated(app: &TestApp) -> Vec<(DateTime<Utc>, DateTime<Utc>, String, i64, String)> {
    sqlx::query_as(
        "SELECT i.issued_at, i.due_at, i.number, i.total_cents, coalesce(i.notes, '')
         FROM recurring_runs r JOIN invoices i ON i.id = r.invoice_id
         ORDER BY i.issued_at, i.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn issue_dates(app: &TestApp) -> Vec<String> {
    generated(app)
        .await
        .into_iter()
        .map(|g| g.0.format("%Y-%m-%d %H:%M").to_string())
        .collect()
}

#[tokio::test]
async fn a_monthly_subscription_started_jan_31_makes_feb_28_mar_31_and_apr_30_invoices() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    let sub = make_recurring(
        &app,
        &s,
        id,
        json!({"invoices_subscription": {"frequency": "monthly", "interval": 1,
                                         "starts_at": "2026-01-31T09:00:00Z"}}),
    )
    .await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["next_run_at"], "2026-01-31T09:00:00.000Z");
    assert_eq!(sub["occurrences_count"], 0);
    let runner = app.runner();
    for when in [
        "2026-01-31T09:00:00Z",
        "2026-02-28T09:00:00Z",
        "2026-03-31T09:00:00Z",
        "2026-04-30T09:00:00Z",
    ] {
        app.clock.set(at(when) - Duration::seconds(1));
        runner.run_due().await.unwrap();
        app.clock.set(at(when));
        runner.run_due().await.unwrap();
        runner.run_due().await.unwrap();
    }
    assert_eq!(
        issue_dates(&app).await,
        [
            "2026-01-31 09:00",
            "2026-02-28 09:00",
            "2026-03-31 09:00",
            "2026-04-30 09:00"
        ]
    );
    let made = generated(&app).await;
    let numbers: Vec<&str> = made.iter().map(|g| g.2.as_str()).collect();
    assert_eq!(numbers, ["INV-0002", "INV-0003", "INV-0004", "INV-0005"]);
    for (issued, due, _, total, notes) in &made {
        assert_eq!(
            *due - *issued,
            Duration::days(14),
            "the term moves with the date"
        );
        assert_eq!(*total, 43700, "same items, taxes and discount");
        assert_eq!(notes, "Monthly retainer");
    }
    let (next, count): (DateTime<Utc>, i32) = sqlx::query_as(
        "SELECT next_run_at, occurrences_count FROM invoice_subscriptions WHERE invoice_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(next, at("2026-05-31T09:00:00Z"));
    assert_eq!(count, 4);
}

#[tokio::test]
async fn after_three_months_of_downtime_the_missed_invoices_are_made_once_each() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "monthly", "starts_at": "2026-01-31T09:00:00Z"}),
    )
    .await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await.len(), 1);
    app.clock.set(at("2026-05-15T00:00:00Z"));
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(
        issue_dates(&app).await,
        [
            "2026-01-31 09:00",
            "2026-02-28 09:00",
            "2026-03-31 09:00",
            "2026-04-30 09:00"
        ]
    );
}

#[tokio::test]
async fn two_worker_processes_never_make_a_duplicate() {
    let app = TestApp::spawn().await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let (s, first) = template(&app, "2026-01-01T06:00:00Z").await;
    let mut templates = vec![first];
    for _ in 0..3 {
        let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
        templates.push(invoice["id"].as_i64().unwrap());
    }
    for id in &templates {
        make_recurring(
            &app,
            &s,
            *id,
            json!({"frequency": "daily", "starts_at": "2026-01-01T06:00:00Z"}),
        )
        .await;
    }
    app.clock.set(at("2026-01-08T07:00:00Z"));
    let (a, b) = (app.runner(), sibling.runner());
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
    ra.unwrap();
    rb.unwrap();
    let per_subscription: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.invoice_id, count(*) FROM recurring_runs r
         JOIN invoice_subscriptions s ON s.id = r.subscription_id
         GROUP BY s.invoice_id ORDER BY s.invoice_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        per_subscription,
        templates.iter().map(|id| (*id, 8)).collect::<Vec<_>>(),
        "Jan 1 to Jan 8, once each"
    );
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(invoices, 4 + 32);
    let numbers: i64 = sqlx::query_scalar("SELECT count(DISTINCT number) FROM invoices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(numbers, 36, "gap-free numbers, none taken twice");
}

#[tokio::test]
async fn across_daylight_saving_in_berlin_the_local_day_and_time_hold() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-03-15T08:00:00Z").await;
    sqlx::query("UPDATE businesses SET time_zone = 'Europe/Berlin' WHERE id = $1")
        .bind(s.tenant.business_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // 09:00 in Berlin: UTC+1 until March 29, UTC+2 after; back to UTC+1 on October 25.
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "monthly", "starts_at": "2026-03-15T08:00:00Z"}),
    )
    .await;
    app.clock.set(at("2026-11-20T00:00:00Z"));
    app.runner().run_due().await.unwrap();
    let dates = issue_dates(&app).await;
    assert_eq!(
        dates,
        [
            "2026-03-15 08:00",
            "2026-04-15 07:00",
            "2026-05-15 07:00",
            "2026-06-15 07:00",
            "2026-07-15 07:00",
            "2026-08-15 07:00",
            "2026-09-15 07:00",
            "2026-10-15 07:00",
            "2026-11-15 08:00"
        ]
    );
}

#[tokio::test]
async fn pause_resume_and_cancel() {
    let app = TestApp::spawn().await;
    let (mut s, id) = template(&app, "2026-01-01T09:00:00Z").await;
    let path = format!("/api/v1/invoices/{id}/invoices_subscription");
    let (status, _) = send(app.authed(&s.tenant, Method::GET, &path)).await;
    assert_eq!(status, 404, "not recurring yet");
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "weekly", "starts_at": "2026-01-01T09:00:00Z",
               "max_occurrences": 3}),
    )
    .await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    let (status, paused) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"status": "paused"})),
    )
    .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(paused["data"]["status"], "paused");
    app.clock.set(at("2026-01-20T00:00:00Z"));
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await.len(), 1, "nothing while paused");
    app.reissue(&mut s.tenant).await;
    let (_, resumed) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"invoices_subscription": {"status": "active"}})),
    )
    .await;
    assert_eq!(resumed["data"]["status"], "active");
    assert_eq!(
        resumed["data"]["next_run_at"], "2026-01-22T09:00:00.000Z",
        "a resumed schedule does not catch up the paused weeks"
    );
    app.clock.set(at("2026-02-10T00:00:00Z"));
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await.len(), 3);
    app.reissue(&mut s.tenant).await;
    let (_, done) = send(app.authed(&s.tenant, Method::GET, &path)).await;
    assert_eq!(
        done["data"]["status"], "completed",
        "max_occurrences reached"
    );
    assert!(done["data"]["next_run_at"].is_null());
    assert_eq!(done["data"]["occurrences_count"], 3);

    let (status, _) = send(app.authed(&s.tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    let (status, _) = send(app.authed(&s.tenant, Method::GET, &path)).await;
    assert_eq!(status, 404);
    let (status, _) = send(app.authed(&s.tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 404);
    assert_eq!(issue_dates(&app).await.len(), 3, "generated invoices stay");
}

#[tokio::test]
async fn auto_send_marks_each_new_invoice_sent_and_emails_it() {
    let (app, sink) = app_with_sink().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "monthly", "starts_at": "2026-01-31T09:00:00Z", "auto_send": true}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    let status: String = sqlx::query_scalar(
        "SELECT i.status FROM recurring_runs r JOIN invoices i ON i.id = r.invoice_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "sent");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Invoice INV-0002 from Flixtechs")
    );
}

#[tokio::test]
async fn bad_schedules_answer_422_and_other_businesses_404() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    let other = setup(&app, "Other").await;
    let path = format!("/api/v1/invoices/{id}/recurring");
    for (body, fields) in [
        (json!({}), vec!["frequency"]),
        (json!({"frequency": "hourly"}), vec!["frequency"]),
        (
            json!({"frequency": "monthly", "interval": 0, "starts_at": "soon"}),
            vec!["interval", "starts_at"],
        ),
        (
            json!({"frequency": "monthly", "starts_at": "2026-02-01", "ends_at": "2026-01-01"}),
            vec!["ends_at"],
        ),
        (
            json!({"frequency": "monthly", "max_occurrences": 0, "auto_send": "maybe",
                   "status": "done"}),
            vec!["max_occurrences", "auto_send", "status"],
        ),
    ] {
        let response = app
            .authed(&s.tenant, Method::PATCH, &path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = assert_error(response, 422).await;
        for field in fields {
            assert!(error["errors"][field].is_array(), "{body}: {error}");
        }
    }
    make_recurring(&app, &s, id, json!({"frequency": "monthly"})).await;
    let sub_path = format!("/api/v1/invoices/{id}/invoices_subscription");
    for (method, path) in [
        (Method::PATCH, path.clone()),
        (Method::GET, sub_path.clone()),
        (Method::PATCH, sub_path.clone()),
        (Method::DELETE, sub_path.clone()),
    ] {
        let response = app
            .authed(&other.tenant, method.clone(), &path)
            .json(&json!({"frequency": "weekly"}))
            .send()
            .await
            .unwrap();
        assert_error(response, 404).await;
    }
    let (_, still) = send(app.authed(&s.tenant, Method::GET, &sub_path)).await;
    assert_eq!(still["data"]["frequency"], "monthly");
}
