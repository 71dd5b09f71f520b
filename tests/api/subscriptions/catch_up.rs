//! Schedules whose start is in the past, and catching up after downtime: no backfill, at
//! most `RECURRING_CATCH_UP_PER_SWEEP` occurrences of one subscription per sweep.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::{at, issue_dates, make_recurring, template};
use crate::harness::{TestApp, send};

#[tokio::test]
async fn a_daily_subscription_started_in_2000_does_not_backfill_and_starts_at_its_next_occurrence()
{
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    let sub = make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "daily", "starts_at": "2000-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(
        sub["starts_at"], "2000-01-01T00:00:00.000Z",
        "kept as given"
    );
    assert_eq!(sub["next_run_at"], "2026-02-01T00:00:00.000Z");
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert!(issue_dates(&app).await.is_empty(), "nothing backfilled");
    app.clock.set(at("2026-02-01T00:00:00Z"));
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await, ["2026-02-01 00:00"]);
}

#[tokio::test]
async fn a_start_in_year_one_is_accepted_without_backfill_on_create_and_on_update() {
    let app = TestApp::spawn().await;
    let (mut s, first) = template(&app, "2026-01-31T09:00:00Z").await;
    let created = make_recurring(
        &app,
        &s,
        first,
        json!({"frequency": "daily", "starts_at": "0001-01-01T09:00:00Z"}),
    )
    .await;
    assert_eq!(
        created["next_run_at"], "2026-01-31T09:00:00.000Z",
        "today's 09:00 is now, the first occurrence at or after now"
    );
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await, ["2026-01-31 09:00"]);

    // Moved: a schedule that ran is moved into the distant past.
    app.clock.set(at("2026-02-10T12:00:00Z"));
    app.reissue(&mut s.tenant).await;
    let (status, moved) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{first}/invoices_subscription"),
        )
        .json(&json!({"starts_at": "0001-01-01T09:00:00Z"})),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["data"]["next_run_at"], "2026-02-11T09:00:00.000Z");
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await.len(), 1, "nothing backfilled");
}

#[tokio::test]
async fn a_start_earlier_in_the_current_period_is_invoiced_at_once_and_only_once() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-02-10T12:00:00Z").await;
    let sub = make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "monthly", "starts_at": "2026-02-01T09:00:00Z"}),
    )
    .await;
    assert_eq!(
        sub["next_run_at"], "2026-02-01T09:00:00.000Z",
        "this month's invoice, late"
    );
    let runner = app.runner();
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await, ["2026-02-01 09:00"]);
    app.clock.set(at("2026-03-01T09:00:00Z"));
    runner.run_due().await.unwrap();
    assert_eq!(
        issue_dates(&app).await,
        ["2026-02-01 09:00", "2026-03-01 09:00"]
    );
}

#[tokio::test]
async fn a_schedule_moved_to_a_later_start_runs_first_at_that_start() {
    let app = TestApp::spawn().await;
    let (mut s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "monthly", "starts_at": "2026-01-31T09:00:00Z"}),
    )
    .await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    app.clock.set(at("2026-02-10T00:00:00Z"));
    app.reissue(&mut s.tenant).await;
    let path = format!("/api/v1/invoices/{id}/invoices_subscription");
    let (status, moved) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"starts_at": "2026-03-15T09:00:00Z"})),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        moved["data"]["next_run_at"], "2026-03-15T09:00:00.000Z",
        "the new start itself, not one period past it"
    );
    let (_, weekly) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"frequency": "weekly", "starts_at": "2026-02-09T09:00:00Z"})),
    )
    .await;
    assert_eq!(
        weekly["data"]["next_run_at"], "2026-02-09T09:00:00.000Z",
        "a new start in this period is invoiced at once"
    );
    app.clock.set(at("2026-02-16T10:00:00Z"));
    runner.run_due().await.unwrap();
    assert_eq!(
        issue_dates(&app).await,
        ["2026-01-31 09:00", "2026-02-09 09:00", "2026-02-16 09:00"]
    );
}

#[tokio::test]
async fn after_downtime_one_subscription_catches_up_three_occurrences_a_sweep_each_once() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-01T06:00:00Z").await;
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "daily", "starts_at": "2026-01-01T06:00:00Z"}),
    )
    .await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(issue_dates(&app).await.len(), 1);
    // Ten days down: Jan 2 to Jan 11 are due.
    app.clock.set(at("2026-01-11T07:00:00Z"));
    let mut made = Vec::new();
    for _ in 0..5 {
        runner.run_due().await.unwrap();
        made.push(issue_dates(&app).await.len());
    }
    assert_eq!(made, [4, 7, 10, 11, 11], "three a sweep, then the rest");
    let dates = issue_dates(&app).await;
    let expected: Vec<String> = (0..11)
        .map(|d| {
            (at("2026-01-01T06:00:00Z") + Duration::days(d))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .collect();
    assert_eq!(dates, expected, "every occurrence once, none lost");
}

#[tokio::test]
async fn the_catch_up_per_sweep_is_configurable() {
    let app = TestApp::spawn_with(|c| c.limits.recurring_catch_up = 1).await;
    let (s, id) = template(&app, "2026-01-01T06:00:00Z").await;
    make_recurring(
        &app,
        &s,
        id,
        json!({"frequency": "daily", "starts_at": "2026-01-01T06:00:00Z"}),
    )
    .await;
    app.clock.set(at("2026-01-03T07:00:00Z"));
    let runner = app.runner();
    let mut made = Vec::new();
    for _ in 0..4 {
        runner.run_due().await.unwrap();
        made.push(issue_dates(&app).await.len());
    }
    assert_eq!(made, [1, 2, 3, 3]);
}
