//! The profile's prefixes and padding make the next invoice and quote numbers.

use serde_json::json;

use super::change;
use crate::harness::{TestApp, documented_invoice, documented_quote, post, setup};

#[tokio::test]
async fn prefixes_and_padding_drive_the_next_numbers() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let first = post(&app, t, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(first["number"], "INV-0001");

    let (status, body) = change(
        &app,
        t,
        json!({"invoice_prefix": "2026/", "quote_prefix": "OFFER-", "number_padding": 6}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let next = post(&app, t, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(next["number"], "2026/000002");
    let quote = post(&app, t, "/api/v1/quotes", documented_quote(s.customer_id)).await;
    assert_eq!(quote["number"], "OFFER-000001");

    // No prefix, the least padding.
    change(
        &app,
        t,
        json!({"invoice_prefix": null, "number_padding": 1}),
    )
    .await;
    let bare = post(&app, t, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(bare["number"], "3");
}
