//! Recurring invoices: `PATCH /api/v1/invoices/{id}/recurring` and
//! `/api/v1/invoices/{id}/invoices_subscription`; the schedule the worker keeps (month
//! ends from the anchor, catch-up after downtime, two workers, daylight saving).

mod catch_up;
mod invoices_subscription;
mod recurring;
mod schedule;

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Setup, TestApp, documented_invoice, post, send, setup};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A business and a template invoice issued at `issued` (due 14 days later).
async fn template(app: &TestApp, issued: &str) -> (Setup, i64) {
    app.clock.set(at(issued));
    let s = setup(app, "Flixtechs").await;
    let mut body = documented_invoice(&s);
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
