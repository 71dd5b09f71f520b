//! An invoice priced with an inclusive tax: its PDF shows the figures its JSON shows
//! (subtotal, net, the tax marked included, total), read back with pdftotext.

use serde_json::json;

use crate::harness::{TestApp, flat_text, get_pdf, post, setup};

#[tokio::test]
async fn an_inclusive_invoice_pdf_shows_the_figures_of_its_json() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = post(
        &app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "VAT", "rate": "15", "inclusive": true}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let inv = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"invoice": {
            "customer_id": s.customer_id, "currency": "USD",
            "items_attributes": [
                {"name": "Mug", "quantity": 3, "unit_price": "9.99", "tax_ids": [vat]}],
            "invoice_taxes_attributes": []}}),
    )
    .await;
    let money = |field: &str| inv[field]["cents"].as_i64().unwrap();
    assert_eq!(
        [
            money("subtotal"),
            money("net"),
            money("tax_total"),
            money("total")
        ],
        [2997, 2606, 391, 2997]
    );
    let id = inv["id"].as_i64().unwrap();
    let text = flat_text(&get_pdf(&app, &s.tenant, &format!("/api/v1/invoices/{id}.pdf")).await);
    for expected in [
        "Mug 3 9.99 VAT 15% incl. 29.97",
        "Subtotal USD 29.97",
        "Net USD 26.06",
        "VAT (15%, incl.) USD 3.91",
        "Total USD 29.97",
        "Balance due USD 29.97",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(
        !text.contains("Tax USD"),
        "one tax line is its own sum: {text}"
    );
}
