//! A receiver written from Koteshen's webhooks page: it checks `X-Koteshen-Signature`
//! (HMAC-SHA256 of the raw body with the endpoint's secret, lowercase hex) and reads
//! `event`, `occurred_at` and `data`.

use hmac::{KeyInit, Mac};
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::webhook_receiver::{Received, Receiver, app_at_wall_clock, subscribe};
use crate::harness::{invoice_of, send, setup};

/// The page's receiver: recompute the HMAC of the raw body and compare in constant time
/// (`verify_slice`), the way `OpenSSL::HMAC.hexdigest` + `secure_compare` would.
fn koteshen_verifies(request: &Received, secret: &str) -> bool {
    let given = request.header("x-koteshen-signature");
    let Some(bytes) = (0..given.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(given.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&request.body);
    given
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        && mac.verify_slice(&bytes).is_ok()
}

#[tokio::test]
async fn every_delivery_carries_a_koteshen_signature_and_the_pages_field_names() {
    let app = app_at_wall_clock().await;
    let s = setup(&app, "Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &s.tenant, &receiver.url(), json!(["*"])).await;
    let secret = endpoint["secret"].as_str().unwrap().to_string();

    let id = invoice_of(&app, &s, "100").await;
    // A partial payment, then the rest: `invoice.paid` each time (the page: "new payment
    // applied (full or partial)"), beside `payment.received`.
    for amount in ["40", "60"] {
        let (status, body) = send(
            app.authed(
                &s.tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/payments"),
            )
            .json(&json!({"payment": {"amount": amount, "channel": "cash"}})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    app.runner().run_due().await.unwrap();

    let received = receiver.received();
    let types: Vec<Value> = received.iter().map(|r| r.json()["event"].clone()).collect();
    assert_eq!(
        types,
        [
            "invoice.created",
            "invoice.sent",
            "payment.received",
            "invoice.paid",
            "payment.received",
            "invoice.paid"
        ]
    );
    for request in &received {
        assert!(koteshen_verifies(request, &secret), "X-Koteshen-Signature");
        assert!(!koteshen_verifies(request, "whsec_another"));
        let body = request.json();
        assert_eq!(body["event"], body["type"]);
        assert_eq!(body["occurred_at"], body["created_at"]);
        assert!(body["occurred_at"].as_str().unwrap().ends_with('Z'));
        assert!(body["data"].is_object());
    }
    let paid: Vec<Value> = received
        .iter()
        .map(Received::json)
        .filter(|b| b["event"] == "invoice.paid")
        .map(|b| b["data"]["status"].clone())
        .collect();
    assert_eq!(paid, ["partial", "paid"]);

    // A body altered in transit fails the check.
    let mut tampered = received[0].clone();
    tampered.body.push(b' ');
    assert!(!koteshen_verifies(&tampered, &secret));
}

#[tokio::test]
async fn during_a_rotation_the_new_secret_signs_x_koteshen_signature() {
    let app = app_at_wall_clock().await;
    let s = setup(&app, "Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &s.tenant, &receiver.url(), json!(["invoice.sent"])).await;
    let old = endpoint["secret"].as_str().unwrap().to_string();
    let (status, rotated) = send(app.authed(
        &s.tenant,
        Method::POST,
        &format!("/api/v1/webhook_endpoints/{}/rotate_secret", endpoint["id"]),
    ))
    .await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["data"]["secret"].as_str().unwrap().to_string();
    invoice_of(&app, &s, "5").await;
    app.runner().run_due().await.unwrap();
    let request = &receiver.received()[0];
    assert!(koteshen_verifies(request, &new));
    assert!(!koteshen_verifies(request, &old));
    // The Standard Webhooks header still carries both.
    assert_eq!(request.header("webhook-signature").split(' ').count(), 2);
}
