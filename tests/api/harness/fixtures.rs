//! The records most tests start from: a business with the documents' customer, a VAT and
//! its default terms; the documents' invoice and quote; invoices in a given state; and
//! what a test reads back from the database.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Tenant, TestApp, json, post, send, show};

pub struct Setup {
    pub tenant: Tenant,
    pub customer_id: i64,
    pub vat_id: i64,
    pub due_on_receipt_id: i64,
}

/// A business with the documents' customer, a 15 % VAT and its default terms.
pub async fn setup(app: &TestApp, name: &str) -> Setup {
    let tenant = app.tenant(name).await;
    let customer = post(
        app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Texas Ins", "company": "Texas Ins",
                            "email": "procurement@texas.com", "currency": "zar"}}),
    )
    .await;
    let vat = post(
        app,
        &tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "VAT", "rate": "15.0"}}),
    )
    .await;
    let (_, terms) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    let due_on_receipt = terms["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Due on Receipt")
        .expect("a new business has Due on Receipt")["id"]
        .as_i64()
        .unwrap();
    Setup {
        tenant,
        customer_id: customer["id"].as_i64().unwrap(),
        vat_id: vat["id"].as_i64().unwrap(),
        due_on_receipt_id: due_on_receipt,
    }
}

/// The documents' example customer, with every field and an address.
pub fn documented_customer() -> Value {
    json!({
        "customer": {
            "name": "Texas Ins",
            "company": "Texas Ins",
            "customer_type": "business",
            "email": "procurement@texas.com",
            "phone": "+27675711214",
            "phone_country": "za",
            "currency": "zar",
            "website": "https://texas.com",
            "notes": "notesy",
            "address": {
                "line": "1 Mahem Pl",
                "line2": "Unit 23",
                "post_code": "5256",
                "city": "East London",
                "country": "South Africa"
            }
        }
    })
}

/// The documents' create-invoice request, verbatim but for the ids of this database.
pub fn documented_invoice(s: &Setup) -> Value {
    json!({ "invoice": {
        "issued_at": "2025-10-12T00:00:00.000Z",
        "payment_term_id": s.due_on_receipt_id,
        "currency": "USD",
        "customer_id": s.customer_id,
        "items_attributes": [ { "name": "Items Consulting", "quantity": 1, "unit_price": "400.0" } ],
        "discount_type": "percent",
        "discount_value": "5",
        "invoice_taxes_attributes": [ { "tax_id": s.vat_id.to_string() } ],
        "notes": ""
    } })
}

/// The documents' create-quote request, verbatim but for the customer id.
pub fn documented_quote(customer_id: i64) -> Value {
    json!({
        "quote": {
            "issued_at": "2025-10-12T10:00:00.000Z",
            "expires_at": "2025-10-28T10:00:00.000Z",
            "currency": "USD",
            "customer_id": customer_id,
            "summary": "this is an estimate",
            "items_attributes": [
                { "name": "Design and development", "quantity": 12, "unit_price": 340, "total": 4080.0 }
            ],
            "discount_type": "percent",
            "discount_value": 10,
            "notes": "Valid for 30 days."
        }
    })
}

/// An amount in US dollars as the API shows money.
pub fn usd(cents: i64) -> Value {
    json!({"cents": cents, "currency_iso": "USD"})
}

/// Moves an invoice to `status` through `PATCH /invoices/{id}/status`, expecting 200.
pub async fn set_invoice_status(app: &TestApp, tenant: &Tenant, id: i64, status: &str) {
    let (code, body) = send(
        app.authed(
            tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/status"),
        )
        .json(&json!({"status": status})),
    )
    .await;
    assert_eq!(code, 200, "{body}");
}

/// A sent invoice with one item of `amount` USD, no discount and no tax.
pub async fn invoice_of(app: &TestApp, s: &Setup, amount: &str) -> i64 {
    let mut body = documented_invoice(s);
    let inv = body["invoice"].as_object_mut().unwrap();
    inv.remove("discount_type");
    inv.remove("discount_value");
    inv["invoice_taxes_attributes"] = json!([]);
    inv["items_attributes"][0]["unit_price"] = json!(amount);
    let id = post(app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    set_invoice_status(app, &s.tenant, id, "sent").await;
    id
}

/// An invoice due `days` after the test clock's now, moved to `status` (`draft` stays).
pub async fn invoice_due_in(app: &TestApp, s: &Setup, days: i64, status: &str) -> i64 {
    let mut body = documented_invoice(s);
    let now = app.clock.now();
    body["invoice"]["issued_at"] = json!(now.to_rfc3339());
    body["invoice"]["due_at"] = json!((now + Duration::days(days)).to_rfc3339());
    let invoice = post(app, &s.tenant, "/api/v1/invoices", body).await;
    let id = invoice["id"].as_i64().unwrap();
    if status != "draft" {
        set_invoice_status(app, &s.tenant, id, status).await;
    }
    id
}

/// Sends `n` payments of 10.00, alternating between the servers, all at once.
pub async fn concurrent_payments(
    apps: &[&TestApp],
    tenant: &Tenant,
    id: i64,
    n: usize,
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let request = apps[i % apps.len()]
            .authed(
                tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/payments"),
            )
            .json(&json!({"amount": "10.00"}));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = json(response).await;
            if status == 422 {
                assert!(body["errors"]["amount"].is_array(), "{body}");
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// Ten payments of 10.00 went in, the rest were refused, the balance is exactly 0.
pub async fn assert_settled_exactly(app: &TestApp, tenant: &Tenant, id: i64, statuses: &[u16]) {
    let ok = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((ok, refused), (10, statuses.len() - 10), "{statuses:?}");
    let shown = show(app, tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(shown["balance"], usd(0));
    assert_eq!(shown["status"], "paid");
    let (sum, n): (i64, i64) = sqlx::query_as(
        "SELECT sum(amount_cents)::bigint, count(*) FROM payments
         WHERE invoice_id = $1 AND discarded_at IS NULL",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((sum, n), (10000, 10));
}

/// How many events of `event_type` the business has recorded.
pub async fn event_count(app: &TestApp, business_id: i64, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE business_id = $1 AND type = $2")
        .bind(business_id)
        .bind(event_type)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A standalone payment of `amount` USD.
pub async fn standalone_payment(app: &TestApp, tenant: &Tenant, amount: &str) -> Value {
    post(
        app,
        tenant,
        "/api/v1/payments",
        json!({"payment": {"amount": amount, "currency": "USD", "payment_method": "cash"}}),
    )
    .await
}
