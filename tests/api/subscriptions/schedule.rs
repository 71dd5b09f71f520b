//! The invoices the worker makes, when: month ends, downtime, two workers, daylight
//! saving, auto-send.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{at, generated, issue_dates, make_recurring, template};
use crate::harness::{TestApp, app_with_sink, documented_invoice, post};

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
        let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
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
    // Eight runs each, at most three of a subscription per sweep: three rounds.
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(a.run_due(), b.run_due());
        ra.unwrap();
        rb.unwrap();
    }
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
    // Nine runs, caught up three a sweep.
    for _ in 0..3 {
        app.runner().run_due().await.unwrap();
    }
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
