//! `/api/v1/payments` and `/api/v1/invoices/{id}/payments`: balances, statuses, the rules
//! of a payment, concurrency, lists, the events every change records, and refunds.

mod create;
mod events;
mod list;
pub(crate) mod refunds;
mod update;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Tenant, TestApp, send, show};

pub(crate) async fn pay(
    app: &TestApp,
    tenant: &Tenant,
    invoice_id: i64,
    amount: &str,
) -> (u16, Value) {
    send(
        app.authed(
            tenant,
            Method::POST,
            &format!("/api/v1/invoices/{invoice_id}/payments"),
        )
        .json(&json!({"payment": {"amount": amount, "payment_method": "bank_transfer"}})),
    )
    .await
}

/// The business's invoice and payment events, oldest first (its customers' are left out).
pub(crate) async fn events(app: &TestApp, business_id: i64) -> Vec<(String, String, Value)> {
    sqlx::query_as::<_, (String, String, sqlx::types::Json<Value>)>(
        "SELECT id, type, data FROM events
         WHERE business_id = $1 AND type NOT LIKE 'customer.%' ORDER BY seq",
    )
    .bind(business_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(id, t, data)| (id, t, data.0))
    .collect()
}

/// An invoice's status and balance in cents.
async fn state_of(app: &TestApp, tenant: &Tenant, id: i64) -> (String, i64) {
    let shown = show(app, tenant, &format!("/api/v1/invoices/{id}")).await;
    (
        shown["status"].as_str().unwrap().to_string(),
        shown["balance"]["cents"].as_i64().unwrap(),
    )
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}
