//! What is delivered, to whom, signed how (and `GET
//! /api/v1/webhook_endpoints/{id}/deliveries`, the log of it).

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use standardwebhooks::Webhook;

use super::delivery_log;
use crate::harness::webhook_receiver::{Received, Receiver, app_at_wall_clock, subscribe};
use crate::harness::{TestApp, get, post, send, standalone_payment};

#[tokio::test]
async fn a_payment_is_delivered_once_signed_with_the_secret_and_carrying_the_payment() {
    let app = app_at_wall_clock().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"webhook_endpoint": {"url": receiver.url(),
                      "enabled_events": ["payment.received"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let endpoint = crate::harness::json(response).await["data"].clone();
    let id = endpoint["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/webhook_endpoints/{id}.json")
    );
    assert_eq!(endpoint["self_url"], location);
    assert_eq!(endpoint["url"], receiver.url());
    assert_eq!(endpoint["enabled_events"], json!(["payment.received"]));
    assert_eq!(endpoint["enabled"], true);
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    // The secret is never shown again.
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert!(shown["data"].get("secret").is_none(), "{shown}");
    let listed = get(&app, &tenant, "/api/v1/webhook_endpoints").await;
    assert!(!listed.to_string().contains(&secret));

    // A customer (not subscribed to), then a payment.
    post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Texas Ins"}}),
    )
    .await;
    let payment = standalone_payment(&app, &tenant, "100.00").await;
    app.runner().run_due().await.unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 1, "exactly one delivery");
    let request = &received[0];
    Webhook::new(&secret)
        .unwrap()
        .verify(&request.body, &request.headers)
        .expect("the signature verifies with the secret");
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(
        request.header("webhook-timestamp"),
        app.clock.now().timestamp().to_string()
    );
    let body = request.json();
    assert_eq!(body["type"], "payment.received");
    assert_eq!(body["id"], request.header("webhook-id"));
    assert!(body["id"].as_str().unwrap().starts_with("evt_"));
    let shown_payment = get(
        &app,
        &tenant,
        &format!("/api/v1/payments/{}", payment["id"]),
    )
    .await;
    assert_eq!(
        body["data"], shown_payment["data"],
        "the data is the payment"
    );
    assert_eq!(body["data"], payment);

    // The event log has it, exactly as delivered.
    let event = get(
        &app,
        &tenant,
        &format!("/api/v1/events/{}", body["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(event["data"], body);

    let log = delivery_log(&app, &tenant, id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["event_id"], body["id"]);
    assert_eq!(log[0]["event_type"], "payment.received");
    assert_eq!(log[0]["attempt"], 1);
    assert_eq!(log[0]["status_code"], 200);
    assert_eq!(log[0]["outcome"], "succeeded");
    assert!(log[0]["error"].is_null());
    assert!(log[0]["duration_ms"].as_i64().unwrap() >= 0);

    // Done is done.
    app.clock.advance(Duration::days(1));
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn other_businesses_events_unsubscribed_types_and_disabled_endpoints_get_nothing() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Flixtechs").await;
    let b = app.tenant("Other Co").await;
    let payments_only = Receiver::start().await;
    let everything_b = Receiver::start().await;
    let disabled = Receiver::start().await;
    let deleted = Receiver::start().await;
    subscribe(&app, &a, &payments_only.url(), json!(["payment.received"])).await;
    subscribe(&app, &b, &everything_b.url(), json!(["*"])).await;
    let off = subscribe(&app, &a, &disabled.url(), json!(["*"])).await;
    let (status, patched) = send(
        app.authed(
            &a,
            Method::PATCH,
            &format!("/api/v1/webhook_endpoints/{}", off["id"]),
        )
        .json(&json!({"enabled": false})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(patched["data"]["enabled"], false);
    let gone = subscribe(&app, &a, &deleted.url(), json!(["*"])).await;
    let (status, _) = send(app.authed(
        &a,
        Method::DELETE,
        &format!("/api/v1/webhook_endpoints/{}", gone["id"]),
    ))
    .await;
    assert_eq!(status, 204);

    post(
        &app,
        &a,
        "/api/v1/customers",
        json!({"name": "A's customer"}),
    )
    .await;
    let a_payment = standalone_payment(&app, &a, "10.00").await;
    post(
        &app,
        &b,
        "/api/v1/customers",
        json!({"name": "B's customer"}),
    )
    .await;
    let b_payment = standalone_payment(&app, &b, "20.00").await;
    app.runner().run_due().await.unwrap();

    let got: Vec<Value> = payments_only
        .received()
        .iter()
        .map(Received::json)
        .collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["type"], "payment.received");
    assert_eq!(got[0]["data"], a_payment);
    let got: Vec<Value> = everything_b.received().iter().map(Received::json).collect();
    let types: Vec<&str> = got.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.len(), 2, "{types:?}");
    assert!(types.contains(&"customer.created") && types.contains(&"payment.received"));
    assert!(
        got.iter()
            .all(|e| e["data"]["business_id"] == b.business_id)
    );
    assert!(got.iter().any(|e| e["data"] == b_payment));
    assert!(disabled.received().is_empty());
    assert!(deleted.received().is_empty());

    // Only the jobs that had somewhere to go were ever enqueued.
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'webhook.deliver'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 3);
}

#[tokio::test]
async fn a_rolled_back_change_enqueues_no_delivery() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let mut tx = app.pool.begin().await.unwrap();
    koteshen::publish::record_event(
        &mut tx,
        tenant.business_id,
        koteshen::billing::events::EventType::CustomerCreated,
        &json!({"id": 1}),
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    app.runner().run_due().await.unwrap();
    assert!(receiver.received().is_empty());
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}

#[tokio::test]
async fn private_targets_are_refused_again_at_delivery_on_the_address_connected_to() {
    // Saved while private targets were allowed; delivered by a worker that forbids them.
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let literal = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let by_name = subscribe(
        &app,
        &tenant,
        &format!("http://localhost:{}/hooks", receiver.addr.port()),
        json!(["*"]),
    )
    .await;
    standalone_payment(&app, &tenant, "10.00").await;
    let mut strict = app.config.clone();
    strict.webhook_allow_private = false;
    let mailer = koteshen::mail::Mailer::from_config(&strict).unwrap();
    koteshen::startup::jobs_runner(
        &strict,
        mailer,
        app.pool.clone(),
        app.clock.clone(),
        app.links.clone(),
    )
    .run_due()
    .await
    .unwrap();
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
    for endpoint in [&literal, &by_name] {
        let log = delivery_log(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
        assert_eq!(log.len(), 1);
        assert!(log[0]["status_code"].is_null());
        let error = log[0]["error"].as_str().unwrap();
        assert!(error.contains("private or internal"), "{error}");
    }
    // The name's refusal does not say what it resolved to.
    let log = delivery_log(&app, &tenant, by_name["id"].as_i64().unwrap()).await;
    let error = log[0]["error"].as_str().unwrap();
    assert!(error.contains("not allowed"), "{error}");
    for leak in ["127.0.0.1", "::1", "loopback"] {
        assert!(!error.contains(leak), "names {leak}: {error}");
    }
}
