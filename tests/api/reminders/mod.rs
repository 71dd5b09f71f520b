//! `/api/v1/invoices/{id}/invoices_reminders`: scheduling from the due date, firing once
//! each as the clock moves, skipping paid invoices, rescheduling, validation.

mod create;
mod delete;
mod schedule;

use reqwest::Method;
use serde_json::Value;

use crate::harness::{Tenant, TestApp, send};

fn reminders_path(id: i64) -> String {
    format!("/api/v1/invoices/{id}/invoices_reminders")
}

async fn add(app: &TestApp, tenant: &Tenant, id: i64, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, &reminders_path(id))
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

async fn reminder_rows(app: &TestApp, invoice_id: i64) -> Vec<(String, bool)> {
    sqlx::query_as(
        "SELECT status, sent_at IS NOT NULL FROM invoice_reminders
         WHERE invoice_id = $1 ORDER BY scheduled_at, id",
    )
    .bind(invoice_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}
