//! Invoices priced with taxes the prices include: the total is what the prices say, the
//! tax is extracted, net + tax = total; with exclusive taxes beside them; the figures as
//! applied survive later changes to the tax; a converted quote keeps them.

use serde_json::{Value, json};

use crate::harness::{Setup, TestApp, patch, post, set_invoice_status, setup, show, usd};

async fn inclusive_tax(app: &TestApp, s: &Setup, name: &str, rate: &str) -> i64 {
    post(
        app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": name, "rate": rate, "inclusive": true}}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn invoice(s: &Setup, items: Value, taxes: &[i64]) -> Value {
    let taxes: Vec<Value> = taxes.iter().map(|id| json!({"tax_id": id})).collect();
    json!({"invoice": {
        "customer_id": s.customer_id, "currency": "USD",
        "items_attributes": items, "invoice_taxes_attributes": taxes,
    }})
}

/// (subtotal, discount, net, tax_total, total) in cents.
fn figures(doc: &Value) -> [i64; 5] {
    ["subtotal", "discount", "net", "tax_total", "total"].map(|f| doc[f]["cents"].as_i64().unwrap())
}

#[tokio::test]
async fn an_invoice_priced_inclusive_totals_its_prices_and_extracts_the_tax() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = inclusive_tax(&app, &s, "VAT incl.", "15").await;
    let items = json!([{"name": "Mug", "quantity": 3, "unit_price": "9.99"}]);
    let inv = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        invoice(&s, items, &[vat]),
    )
    .await;

    // 29.97 incl. 15 %: tax 3.91, net 26.06.
    assert_eq!(figures(&inv), [2997, 0, 2606, 391, 2997]);
    assert_eq!(inv["balance"], usd(2997));
    assert_eq!(inv["items"][0]["total"], "29.97");
    let line = &inv["taxes"][0];
    assert_eq!(line["inclusive"], true);
    assert_eq!(line["tax_amount"], usd(391));
    assert_eq!(line["tax_rate"], "15.0");
    assert_eq!(line["tax"]["inclusive"], true);
    let id = inv["id"].as_i64().unwrap();
    assert_eq!(
        show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await,
        inv
    );
}

#[tokio::test]
async fn a_discount_comes_off_inclusive_prices_before_the_tax_is_extracted() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = inclusive_tax(&app, &s, "VAT incl.", "15").await;
    let items = json!([{"name": "Chair", "quantity": 1, "unit_price": "100"}]);
    let mut body = invoice(&s, items, &[vat]);
    body["invoice"]["discount_type"] = json!("percent");
    body["invoice"]["discount_value"] = json!("10");
    let inv = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    // 90.00 incl. 15 %: tax 11.74, net 78.26.
    assert_eq!(figures(&inv), [10000, 1000, 7826, 1174, 9000]);

    // A fixed discount the same way: 100.00 − 5.00 = 95.00 incl., tax 12.39.
    let id = inv["id"].as_i64().unwrap();
    let (status, inv) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}"),
        json!({"discount_type": "fixed", "discount_value": "5"}),
    )
    .await;
    assert_eq!(status, 200, "{inv}");
    assert_eq!(figures(&inv["data"]), [10000, 500, 8261, 1239, 9500]);
}

#[tokio::test]
async fn exclusive_taxes_are_computed_on_the_net_of_inclusive_prices() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = inclusive_tax(&app, &s, "VAT incl.", "15").await;
    let levy = post(
        &app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "Levy", "rate": "2"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    // 115.00 incl. VAT is 100.00 net + 15.00 VAT; the levy adds 2 % of the net; a plain
    // line with only the exclusive s.vat (15 %) on top of its 40.00.
    let items = json!([
        {"name": "Retail", "quantity": 1, "unit_price": "115", "tax_ids": [vat, levy]},
        {"name": "Service", "quantity": 1, "unit_price": "40", "tax_ids": [s.vat_id]},
    ]);
    let inv = post(&app, &s.tenant, "/api/v1/invoices", invoice(&s, items, &[])).await;
    let amounts: Vec<(bool, i64)> = inv["taxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["inclusive"].as_bool().unwrap(),
                t["tax_amount"]["cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(amounts, vec![(true, 1500), (false, 200), (false, 600)]);
    assert_eq!(figures(&inv), [15500, 0, 14000, 2300, 16300]);
}

#[tokio::test]
async fn changing_the_tax_later_leaves_the_issued_invoice_as_priced() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = inclusive_tax(&app, &s, "VAT incl.", "15").await;
    let items = json!([{"name": "Mug", "quantity": 3, "unit_price": "9.99"}]);
    let inv = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        invoice(&s, items, &[vat]),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;

    let (status, tax) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/taxes/{vat}"),
        json!({"tax": {"rate": "20", "inclusive": false}}),
    )
    .await;
    assert_eq!(status, 200, "{tax}");
    assert_eq!(tax["data"]["inclusive"], false);

    let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(figures(&shown), [2997, 0, 2606, 391, 2997]);
    let line = &shown["taxes"][0];
    assert_eq!(
        (&line["inclusive"], &line["tax_rate"]),
        (&json!(true), &json!("15.0"))
    );
    // The embedded tax is the record as it is now.
    assert_eq!(line["tax"]["inclusive"], false);
    assert_eq!(line["tax"]["rate"], "20.0");

    // A new invoice takes the tax as it is now: 20 % on top.
    let items = json!([{"name": "Mug", "quantity": 3, "unit_price": "9.99"}]);
    let new = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        invoice(&s, items, &[vat]),
    )
    .await;
    assert_eq!(figures(&new), [2997, 0, 2997, 599, 3596]);
}

#[tokio::test]
async fn a_quote_converted_to_an_invoice_keeps_its_inclusive_figures() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = inclusive_tax(&app, &s, "VAT incl.", "20").await;
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        json!({"quote": {
            "customer_id": s.customer_id, "currency": "USD",
            "issued_at": "2025-10-12T10:00:00.000Z", "expires_at": "2025-10-28T10:00:00.000Z",
            "items_attributes": [
                {"name": "Kettle", "quantity": 1, "unit_price": "120"},
                {"name": "Cup", "quantity": 3, "unit_price": "0.99"}],
            "quote_taxes_attributes": [{"tax_id": vat}]}}),
    )
    .await;
    // 122.97 incl. 20 %: 122.97 / 6 = 20.495 → 20.50.
    assert_eq!(figures(&quote), [12297, 0, 10247, 2050, 12297]);
    assert_eq!(quote["taxes"][0]["inclusive"], true);
    let id = quote["id"].as_i64().unwrap();
    for status in ["sent", "accepted"] {
        let path = format!("/api/v1/quotes/{id}/status");
        let (code, body) = patch(&app, &s.tenant, &path, json!({"status": status})).await;
        assert_eq!(code, 200, "{body}");
    }
    // The tax changes before the conversion: the invoice is the quote as quoted.
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/taxes/{vat}"),
        json!({"inclusive": false}),
    )
    .await;
    assert_eq!(status, 200);
    let inv = post(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/convert"),
        json!({}),
    )
    .await;
    assert_eq!(figures(&inv), [12297, 0, 10247, 2050, 12297]);
    assert_eq!(inv["taxes"][0]["inclusive"], true);
    assert_eq!(inv["taxes"][0]["tax_amount"], usd(2050));
}
