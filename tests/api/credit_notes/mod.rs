//! `/api/v1/invoices/{id}/credit_notes`, `/api/v1/credit_notes` and `apply_credit`: the
//! three ways to credit, what each refuses (by field), the series, lists and shows, the
//! balances a credit note moves (the invoice's, the customer's credit), voiding and
//! deleting a credited invoice, concurrency, events and webhooks.

mod balances;
mod concurrency;
mod create;
mod documents;
mod events;
mod list;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Setup, Tenant, TestApp, post, send, set_invoice_status, show};

/// POSTs a credit note on the invoice: the status and the body.
async fn credit(app: &TestApp, tenant: &Tenant, invoice_id: i64, body: Value) -> (u16, Value) {
    send(
        app.authed(
            tenant,
            Method::POST,
            &format!("/api/v1/invoices/{invoice_id}/credit_notes"),
        )
        .json(&body),
    )
    .await
}

/// POSTs a credit note and expects 201: the credit note.
async fn credited(app: &TestApp, tenant: &Tenant, invoice_id: i64, body: Value) -> Value {
    let (status, body) = credit(app, tenant, invoice_id, body).await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

/// A sent USD invoice of two lines with the 15 % VAT on the whole: 3 × 10.00 and
/// 1 × 50.00, so 80.00 + 12.00 VAT = 92.00. Its id and its items' ids.
async fn sent_invoice(app: &TestApp, s: &Setup) -> (i64, Vec<i64>) {
    let invoice = post(
        app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"invoice": {
            "customer_id": s.customer_id, "currency": "USD",
            "issued_at": "2025-10-12T00:00:00Z",
            "items_attributes": [
                {"name": "Licence", "quantity": 3, "unit_price": "10.00"},
                {"name": "Setup", "quantity": 1, "unit_price": "50.00"},
            ],
            "invoice_taxes_attributes": [{"tax_id": s.vat_id}],
        }}),
    )
    .await;
    let id = invoice["id"].as_i64().unwrap();
    set_invoice_status(app, &s.tenant, id, "sent").await;
    let items = invoice["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    (id, items)
}

/// An invoice's (status, balance, credited) in cents.
async fn invoice_state(app: &TestApp, tenant: &Tenant, id: i64) -> (String, i64, i64) {
    let shown = show(app, tenant, &format!("/api/v1/invoices/{id}")).await;
    (
        shown["status"].as_str().unwrap().to_string(),
        shown["balance"]["cents"].as_i64().unwrap(),
        shown["credited"]["cents"].as_i64().unwrap(),
    )
}

/// The customer's credit balances as the API shows them.
async fn credit_balances(app: &TestApp, s: &Setup) -> Value {
    show(
        app,
        &s.tenant,
        &format!("/api/v1/customers/{}", s.customer_id),
    )
    .await["credit_balances"]
        .clone()
}

/// (subtotal, discount, net, tax_total, total) in cents.
fn figures(doc: &Value) -> [i64; 5] {
    ["subtotal", "discount", "net", "tax_total", "total"].map(|f| doc[f]["cents"].as_i64().unwrap())
}
