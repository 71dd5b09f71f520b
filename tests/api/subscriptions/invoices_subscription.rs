//! `GET`, `PATCH` and `DELETE /api/v1/invoices/{id}/invoices_subscription`: pause,
//! resume, cancel.

use reqwest::Method;
use serde_json::json;

use super::{at, issue_dates, make_recurring, template};
use crate::harness::{TestApp, send};

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
