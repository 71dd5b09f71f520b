//! `/api/v1/payments/{id}/refunds`: full and partial refunds, what is left of a payment,
//! the invoice's balance and status after, concurrency, events and webhooks, and voiding
//! an invoice once its payments are refunded.

mod concurrency;
mod create;
mod events;
mod void;

use reqwest::Method;
use serde_json::{Value, json};

use super::pay;
use crate::harness::{Setup, Tenant, TestApp, invoice_of, send};

/// POSTs a refund of the payment: the status and the body.
pub(crate) async fn refund(
    app: &TestApp,
    tenant: &Tenant,
    payment_id: i64,
    body: Value,
) -> (u16, Value) {
    send(
        app.authed(
            tenant,
            Method::POST,
            &format!("/api/v1/payments/{payment_id}/refunds"),
        )
        .json(&body),
    )
    .await
}

/// A sent invoice of `amount` USD paid in full by bank transfer: (invoice, payment).
pub(crate) async fn paid_invoice(app: &TestApp, s: &Setup, amount: &str) -> (i64, i64) {
    let invoice = invoice_of(app, s, amount).await;
    let (status, body) = pay(app, &s.tenant, invoice, amount).await;
    assert_eq!(status, 201, "{body}");
    (invoice, body["data"]["id"].as_i64().unwrap())
}

/// The sum and number of the payment's refunds, from the database.
async fn refunds_of(app: &TestApp, payment_id: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT coalesce(sum(amount_cents), 0)::bigint, count(*) FROM payment_refunds
         WHERE payment_id = $1",
    )
    .bind(payment_id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(crate) fn refund_body(amount: &str) -> Value {
    json!({"refund": {"amount": amount}})
}
