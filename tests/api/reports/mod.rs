//! `/api/v1/reports/…` on a fixture whose answers are worked out by hand (`fixture`):
//! exact figures per currency, the business's time zone deciding the days, CSV, bad
//! input and tenancy.

mod figures;
mod slots;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Setup, TestApp, patch, post, send, setup};

/// The fixture's business, in Johannesburg (UTC+2); the test clock reads 2025-10-21.
///
/// | invoice | customer | issued (UTC)        | due        | amount            | then                         |
/// |---------|----------|---------------------|------------|-------------------|------------------------------|
/// | i1      | Texas    | 2025-10-05          | on receipt | 100 + 15 VAT USD  | paid 115 on 10-06; 23 credited |
/// | i2      | Texas    | 2025-10-10          | on receipt | 200 + 30 VAT USD  | 30 paid on 10-12, 10 refunded on 10-15 |
/// | i3      | Beta     | 2025-09-01          | on receipt | 50 USD            |                              |
/// | i4      | Texas    | 2025-10-11          |            | 999 USD           | a draft: never counted       |
/// | i5      | Beta     | 2025-10-15          | 2025-11-14 | 80 EUR            |                              |
/// | i7      | Texas    | 2025-09-30T23:30Z   | on receipt | 10 USD            | October 1st in Johannesburg  |
pub struct Fixture {
    pub s: Setup,
    pub credit_tax_cents: i64,
}

async fn invoice(
    app: &TestApp,
    s: &Setup,
    customer: i64,
    issued: &str,
    currency: &str,
    price: &str,
    (vat, sent): (bool, bool),
) -> i64 {
    let taxes = if vat {
        json!([{"tax_id": s.vat_id}])
    } else {
        json!([])
    };
    let body = json!({"invoice": {"customer_id": customer, "currency": currency,
        "issued_at": issued, "payment_term_id": s.due_on_receipt_id,
        "items_attributes": [{"name": "Work", "quantity": 1, "unit_price": price}],
        "invoice_taxes_attributes": taxes}});
    let id = post(app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    if sent {
        let path = format!("/api/v1/invoices/{id}/status");
        assert_eq!(
            patch(app, &s.tenant, &path, json!({"status": "sent"}))
                .await
                .0,
            200
        );
    }
    id
}

async fn pay(app: &TestApp, s: &Setup, invoice: i64, amount: &str, at: &str) -> i64 {
    let path = format!("/api/v1/invoices/{invoice}/payments");
    post(
        app,
        &s.tenant,
        &path,
        json!({"payment": {"amount": amount, "paid_at": at}}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let s = setup(app, "Reports").await;
    let t = &s.tenant;
    let (status, _) = patch(
        app,
        t,
        "/api/v1/business",
        json!({"time_zone": "Africa/Johannesburg"}),
    )
    .await;
    assert_eq!(status, 200);
    let beta = post(
        app,
        t,
        "/api/v1/customers",
        json!({"customer": {"name": "Beta"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let texas = s.customer_id;
    let i1 = invoice(
        app,
        &s,
        texas,
        "2025-10-05T08:00:00Z",
        "USD",
        "100",
        (true, true),
    )
    .await;
    pay(app, &s, i1, "115", "2025-10-06T10:00:00Z").await;
    let i2 = invoice(
        app,
        &s,
        texas,
        "2025-10-10T08:00:00Z",
        "USD",
        "200",
        (true, true),
    )
    .await;
    let p2 = pay(app, &s, i2, "30", "2025-10-12T10:00:00Z").await;
    post(
        app,
        t,
        &format!("/api/v1/payments/{p2}/refunds"),
        json!({"refund": {"amount": "10", "refunded_at": "2025-10-15T10:00:00Z"}}),
    )
    .await;
    invoice(
        app,
        &s,
        beta,
        "2025-09-01T08:00:00Z",
        "USD",
        "50",
        (false, true),
    )
    .await;
    invoice(
        app,
        &s,
        texas,
        "2025-10-11T08:00:00Z",
        "USD",
        "999",
        (false, false),
    )
    .await;
    let i5 = invoice(
        app,
        &s,
        beta,
        "2025-10-15T08:00:00Z",
        "EUR",
        "80",
        (false, false),
    )
    .await;
    let (status, _) = patch(
        app,
        t,
        &format!("/api/v1/invoices/{i5}"),
        json!({"invoice": {"due_at": "2025-11-14T08:00:00Z"}}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = patch(
        app,
        t,
        &format!("/api/v1/invoices/{i5}/status"),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(status, 200);
    invoice(
        app,
        &s,
        texas,
        "2025-09-30T23:30:00Z",
        "USD",
        "10",
        (false, true),
    )
    .await;
    let note = post(
        app,
        t,
        &format!("/api/v1/invoices/{i1}/credit_notes"),
        json!({"amount": "23", "reason": "Goodwill"}),
    )
    .await;
    let credit_tax_cents = note["tax_total"]["cents"].as_i64().unwrap();
    Fixture {
        s,
        credit_tax_cents,
    }
}

pub async fn report(app: &TestApp, s: &Setup, path: &str) -> Value {
    let (status, body) = send(app.authed(&s.tenant, Method::GET, path)).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["data"].clone()
}

/// `{"cents": …, "currency_iso": …}`.
pub fn m(cents: i64, currency: &str) -> Value {
    json!({"cents": cents, "currency_iso": currency})
}
