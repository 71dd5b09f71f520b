//! Voiding an invoice that has payments is refused until they are refunded.

use reqwest::Method;
use serde_json::json;

use super::{paid_invoice, refund, refund_body};
use crate::harness::{TestApp, send, setup};
use crate::payments::state_of;

#[tokio::test]
async fn an_invoice_with_payments_cannot_be_voided_until_they_are_refunded() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let void = || {
        send(
            app.authed(
                &s.tenant,
                Method::PATCH,
                &format!("/api/v1/invoices/{invoice}/status"),
            )
            .json(&json!({"status": "void"})),
        )
    };
    let (status, body) = void().await;
    assert_eq!(status, 422, "{body}");
    let message = body["errors"]["status"][0].as_str().unwrap();
    assert!(message.contains("refund them"), "{message}");

    let (status, _) = refund(&app, &s.tenant, payment, refund_body("99.99")).await;
    assert_eq!(status, 201);
    let (status, body) = void().await;
    assert_eq!(status, 422, "a cent still paid: {body}");
    assert!(body["errors"]["status"].is_array(), "{body}");
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("partial".into(), 9999)
    );

    let (status, _) = refund(&app, &s.tenant, payment, json!({})).await;
    assert_eq!(status, 201);
    let (status, body) = void().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "void");
    // Nothing is left to refund.
    let (status, _) = refund(&app, &s.tenant, payment, json!({})).await;
    assert_eq!(status, 422);
}
