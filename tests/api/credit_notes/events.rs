//! `credit_note.created`: recorded with the credit note as committed, then the invoice's
//! change, with the actor, and delivered to subscribed webhooks.

use serde_json::json;

use super::{credited, sent_invoice};
use crate::harness::webhook_receiver::{Receiver, app_at_wall_clock, signed_with, subscribe};
use crate::harness::{get, setup, show};
use crate::payments::events;

#[tokio::test]
async fn a_credit_note_records_credit_note_created_then_the_invoice_and_a_webhook_gets_it() {
    let app = app_at_wall_clock().await;
    let s = setup(&app, "Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(
        &app,
        &s.tenant,
        &receiver.url(),
        json!(["credit_note.created"]),
    )
    .await;
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    let (invoice, _) = sent_invoice(&app, &s).await;
    let before = events(&app, s.tenant.business_id).await.len();

    let note = credited(
        &app,
        &s.tenant,
        invoice,
        json!({"amount": "9.20", "reason": "x"}),
    )
    .await;
    let log = events(&app, s.tenant.business_id).await;
    let types: Vec<_> = log[before..].iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(types, ["credit_note.created", "invoice.updated"]);
    let (event_id, _, data) = &log[before];
    assert_eq!(data, &note, "the credit note as the API shows it");
    let shown_invoice = show(&app, &s.tenant, &format!("/api/v1/invoices/{invoice}")).await;
    assert_eq!(log[before + 1].2, shown_invoice);
    assert_eq!(shown_invoice["credited"]["cents"], 920);

    app.runner().run_due().await.unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 1, "only the subscribed type is delivered");
    assert!(signed_with(&received[0], &secret));
    let body = received[0].json();
    assert_eq!(body["type"], "credit_note.created");
    assert_eq!(&body["id"], event_id);
    assert_eq!(body["data"], note);
    let event = get(&app, &s.tenant, &format!("/api/v1/events/{event_id}")).await;
    assert_eq!(event["data"], body);
    assert_eq!(event["data"]["actor"]["type"], "user");
}
