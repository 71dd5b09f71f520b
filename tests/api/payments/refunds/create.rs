//! `POST /api/v1/payments/{id}/refunds` (and its list and show): full and partial
//! refunds, what is left of the payment, the invoice's balance and status after, bad
//! input named by field, payment updates and deletes once refunded, idempotency.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::{paid_invoice, refund, refund_body, refunds_of};
use crate::harness::{
    TestApp, get, invoice_due_in, patch, send, setup, show, standalone_payment, usd,
};
use crate::payments::{pay, state_of};

#[tokio::test]
async fn a_full_refund_takes_back_the_whole_payment_and_reopens_the_invoice() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    assert_eq!(state_of(&app, &s.tenant, invoice).await, ("paid".into(), 0));

    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/payments/{payment}/refunds"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = crate::harness::json(response).await["data"].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/payments/{payment}/refunds/{id}.json")
    );
    assert_eq!(created["url"], location);
    assert_eq!(created["amount"], usd(10000), "no body: all that is left");
    assert_eq!(created["payment_method"], "bank_transfer", "the payment's");
    assert_eq!(created["payment_id"], payment);
    assert_eq!(created["invoice_id"], invoice);
    assert_eq!(created["payment"]["refunded"], usd(10000));
    assert_eq!(created["payment"]["net_amount"], usd(0));
    let shown = show(
        &app,
        &s.tenant,
        &format!("/api/v1/payments/{payment}/refunds/{id}"),
    )
    .await;
    assert_eq!(shown, created, "a GET answers what the POST did");

    let payment_now = show(&app, &s.tenant, &format!("/api/v1/payments/{payment}")).await;
    assert_eq!(payment_now["amount"], usd(10000));
    assert_eq!(payment_now["refunded"], usd(10000));
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("sent".into(), 10000)
    );
    let invoice_now = show(&app, &s.tenant, &format!("/api/v1/invoices/{invoice}")).await;
    assert_eq!(invoice_now["paid"], false);

    // Nothing is left to refund.
    let (status, body) = refund(&app, &s.tenant, payment, json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"]["amount"][0]
            .as_str()
            .unwrap()
            .contains("refunded in full"),
        "{body}"
    );
    assert_eq!(refunds_of(&app, payment).await, (10000, 1));
}

#[tokio::test]
async fn partial_refunds_take_a_paid_invoice_to_partial_then_sent() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let body = json!({"refund": {"amount": "30.00", "payment_method": "cash",
        "reference": "Till 4", "refunded_at": "2030-01-02T00:00:00Z"}});
    let (status, first) = refund(&app, &s.tenant, payment, body).await;
    assert_eq!(status, 201, "{first}");
    let first = &first["data"];
    assert_eq!(first["amount"], usd(3000));
    assert_eq!(first["payment_method"], "cash");
    assert_eq!(first["reference"], "Till 4");
    assert_eq!(first["refunded_at"], "2030-01-02T00:00:00.000Z");
    assert_eq!(first["payment"]["net_amount"], usd(7000));
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("partial".into(), 3000)
    );

    let (status, second) = refund(&app, &s.tenant, payment, refund_body("70")).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("sent".into(), 10000)
    );
    let listed = get(
        &app,
        &s.tenant,
        &format!("/api/v1/payments/{payment}/refunds"),
    )
    .await;
    let amounts: Vec<_> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"]["cents"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [7000, 3000], "by refunded_at: now, then 2030");
    assert_eq!(listed["meta"]["pagination"]["total_count"], 2, "{listed}");
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["payment"]["refunded"] == usd(10000))
    );

    // The invoice takes a payment again.
    let (status, body) = pay(&app, &s.tenant, invoice, "100").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(state_of(&app, &s.tenant, invoice).await, ("paid".into(), 0));
}

#[tokio::test]
async fn a_refund_above_what_is_left_or_otherwise_bad_is_refused_by_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let (status, _) = refund(&app, &s.tenant, payment, refund_body("60")).await;
    assert_eq!(status, 201);

    let (status, body) = refund(&app, &s.tenant, payment, refund_body("40.01")).await;
    assert_eq!(status, 422, "{body}");
    let message = body["errors"]["amount"][0].as_str().unwrap();
    assert!(message.contains("40.00 USD"), "{message}");

    let paid_at = show(&app, &s.tenant, &format!("/api/v1/payments/{payment}")).await["paid_at"]
        .as_str()
        .unwrap()
        .to_string();
    let before = chrono::DateTime::parse_from_rfc3339(&paid_at).unwrap() - Duration::days(1);
    let cases = [
        (json!({"amount": "0"}), "amount"),
        (json!({"amount": "-5"}), "amount"),
        (json!({"amount": "1.234"}), "amount"),
        (json!({"amount": "ten"}), "amount"),
        (json!({"amount": null}), "amount"),
        (json!({"payment_method": "bitcoin"}), "payment_method"),
        (json!({"refunded_at": "yesterday"}), "refunded_at"),
        (json!({"refunded_at": before.to_rfc3339()}), "refunded_at"),
        (json!({"reference": "x".repeat(256)}), "reference"),
    ];
    for (body, field) in cases {
        let (status, answer) = refund(&app, &s.tenant, payment, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["errors"][field].is_array(), "{body}: {answer}");
    }
    assert_eq!(refunds_of(&app, payment).await, (6000, 1));
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("partial".into(), 6000)
    );

    // A deleted payment and one that does not exist are not found.
    let (status, _) = refund(&app, &s.tenant, payment + 1000, json!({})).await;
    assert_eq!(status, 404);
    let standalone = standalone_payment(&app, &s.tenant, "5").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/payments/{standalone}");
    let (status, _) = send(app.authed(&s.tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    let (status, _) = refund(&app, &s.tenant, standalone, json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = send(app.authed(&s.tenant, Method::GET, &format!("{path}/refunds"))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_standalone_payment_is_refunded_without_an_invoice() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let payment = standalone_payment(&app, &s.tenant, "25.50").await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = refund(&app, &s.tenant, payment, refund_body("0.50")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["data"]["invoice_id"], json!(null));
    assert_eq!(body["data"]["payment_method"], "cash");
    assert_eq!(body["data"]["payment"]["net_amount"], usd(2500));
}

#[tokio::test]
async fn a_refunded_payment_keeps_at_least_its_refunds_and_its_currency_and_may_be_deleted() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let (status, _) = refund(&app, &s.tenant, payment, refund_body("40")).await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/payments/{payment}");

    let (status, body) = patch(&app, &s.tenant, &path, json!({"amount": "39.99"})).await;
    assert_eq!(status, 422, "{body}");
    let message = body["errors"]["amount"][0].as_str().unwrap();
    assert!(message.contains("refunded (40.00 USD)"), "{message}");
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"amount": "100", "currency": "EUR"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["currency"].is_array(), "{body}");

    // Lowered to what was refunded: it counts for nothing on the invoice.
    let (status, body) = patch(&app, &s.tenant, &path, json!({"amount": "40"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["net_amount"], usd(0));
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("sent".into(), 10000)
    );
    // Raised again, the net amount is checked against the balance.
    let (status, body) = patch(&app, &s.tenant, &path, json!({"amount": "140.01"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = patch(&app, &s.tenant, &path, json!({"amount": "140"})).await;
    assert_eq!(status, 200);
    assert_eq!(state_of(&app, &s.tenant, invoice).await, ("paid".into(), 0));

    // Deleted, its refunds go with it; the invoice is reopened.
    let (status, _) = send(app.authed(&s.tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("sent".into(), 10000)
    );
}

#[tokio::test]
async fn a_refund_reopening_an_invoice_past_due_lets_it_go_overdue() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let invoice = invoice_due_in(&app, &s, 10, "sent").await;
    let (status, body) = pay(&app, &s.tenant, invoice, "437.00").await;
    assert_eq!(status, 201, "{body}");
    let payment = body["data"]["id"].as_i64().unwrap();
    app.clock.advance(Duration::days(11));
    app.reissue(&mut s.tenant).await;
    let (status, body) = refund(&app, &s.tenant, payment, refund_body("37")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("partial".into(), 3700)
    );
    app.runner().run_due().await.unwrap();
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("overdue".into(), 3700)
    );
}

#[tokio::test]
async fn a_refund_with_an_idempotency_key_is_made_once_and_replayed() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (_, payment) = paid_invoice(&app, &s, "100.00").await;
    let path = format!("/api/v1/payments/{payment}/refunds");
    let keyed = || {
        app.authed(&s.tenant, Method::POST, &path)
            .header("Idempotency-Key", "refund-1")
            .json(&refund_body("10"))
    };
    let first = keyed().send().await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = crate::harness::json(first).await;
    let again = keyed().send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert!(again.headers().get("idempotent-replayed").is_some());
    assert_eq!(crate::harness::json(again).await, first);
    assert_eq!(refunds_of(&app, payment).await, (1000, 1));

    // The same key with another body is refused.
    let (status, _) = send(
        app.authed(&s.tenant, Method::POST, &path)
            .header("Idempotency-Key", "refund-1")
            .json(&refund_body("20")),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(refunds_of(&app, payment).await, (1000, 1));
}
