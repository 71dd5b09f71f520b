//! `payment.refunded`: recorded with the refund and its payment as they are committed,
//! the invoice's change after it, and delivered to subscribed webhooks.

use serde_json::json;

use super::{paid_invoice, refund, refund_body};
use crate::harness::webhook_receiver::{Receiver, app_at_wall_clock, signed_with, subscribe};
use crate::harness::{get, setup, show};
use crate::payments::events;

#[tokio::test]
async fn a_refund_records_payment_refunded_with_the_refund_and_its_payment_then_the_invoice() {
    let app = app_at_wall_clock().await;
    let s = setup(&app, "Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(
        &app,
        &s.tenant,
        &receiver.url(),
        json!(["payment.refunded"]),
    )
    .await;
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let before = events(&app, s.tenant.business_id).await.len();

    let (status, created) = refund(&app, &s.tenant, payment, refund_body("25")).await;
    assert_eq!(status, 201, "{created}");
    let created = created["data"].clone();
    let log = events(&app, s.tenant.business_id).await;
    let types: Vec<_> = log[before..].iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(types, ["payment.refunded", "invoice.updated"]);
    let (event_id, _, data) = &log[before];
    assert_eq!(data, &created, "the refund as the API shows it");
    assert_eq!(data["payment"]["id"], payment);
    assert_eq!(data["payment"]["refunded"]["cents"], 2500);
    let shown_invoice = show(&app, &s.tenant, &format!("/api/v1/invoices/{invoice}")).await;
    assert_eq!(log[before + 1].2, shown_invoice);
    assert_eq!(shown_invoice["status"], "partial");

    app.runner().run_due().await.unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 1, "only the subscribed type is delivered");
    assert!(signed_with(&received[0], &secret));
    let body = received[0].json();
    assert_eq!(body["type"], "payment.refunded");
    assert_eq!(&body["id"], event_id);
    assert_eq!(body["data"], created);
    let event = get(&app, &s.tenant, &format!("/api/v1/events/{event_id}")).await;
    assert_eq!(event["data"], body);
    let filtered = get(&app, &s.tenant, "/api/v1/events?type=payment.refunded").await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 1);
}
