//! A failing receiver: retries on the schedule, Retry-After, 410, failing for days,
//! a restart between attempts.

use chrono::Duration;
use koteshen::queue::{self, LEASE};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::delivery_log;
use crate::harness::webhook_receiver::{Receiver, signed_with, subscribe};
use crate::harness::{TestApp, get, send, standalone_payment};

#[tokio::test]
async fn a_receiver_failing_twice_gets_the_event_three_times_on_the_schedule() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    receiver.answer(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let secret = endpoint["secret"].as_str().unwrap();
    let endpoint_id = endpoint["id"].as_i64().unwrap();
    let payment = standalone_payment(&app, &tenant, "12.50").await;

    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
    // Not before the schedule's 5 s (plus at most 10 % jitter).
    app.clock.advance(Duration::seconds(4));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
    app.clock.advance(Duration::seconds(2));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
    // Then 5 minutes.
    app.clock.advance(Duration::minutes(4));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
    app.clock.advance(Duration::seconds(91));
    runner.run_due().await.unwrap();

    let received = receiver.received();
    assert_eq!(received.len(), 3);
    let ids: Vec<String> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one event, three times");
    for r in &received {
        assert!(signed_with(r, secret));
        assert_eq!(r.json()["data"], payment);
    }
    // Each attempt is signed at its own time.
    assert_ne!(
        received[0].header("webhook-timestamp"),
        received[2].header("webhook-timestamp")
    );

    let log = delivery_log(&app, &tenant, endpoint_id).await;
    let summary: Vec<(i64, Value, &str)> = log
        .iter()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["status_code"].clone(),
                d["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, json!(200), "succeeded"),
            (2, json!(500), "retrying"),
            (1, json!(500), "retrying"),
        ],
        "newest first"
    );
    assert_eq!(log[2]["error"], "the receiver answered 500");
    assert!(log[2]["next_attempt_at"].is_string());
    assert!(log[0]["next_attempt_at"].is_null());
    let endpoint = get(
        &app,
        &tenant,
        &format!("/api/v1/webhook_endpoints/{endpoint_id}"),
    )
    .await;
    assert_eq!(endpoint["data"]["enabled"], true);
    // Filtered by event.
    let filtered = get(
        &app,
        &tenant,
        &format!(
            "/api/v1/webhook_endpoints/{endpoint_id}/deliveries?event_id={}&per_page=2",
            ids[0]
        ),
    )
    .await;
    assert_eq!(filtered["meta"]["pagination"]["total_count"], 3);
    assert_eq!(filtered["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_receiver_down_across_a_restart_still_gets_the_event() {
    let mut app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    // A port nobody listens on (yet).
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/hooks");
    let endpoint = subscribe(&app, &tenant, &url, json!(["payment.received"])).await;
    let endpoint_id = endpoint["id"].as_i64().unwrap();
    let payment = standalone_payment(&app, &tenant, "40.00").await;
    app.runner().run_due().await.unwrap();
    let log = delivery_log(&app, &tenant, endpoint_id).await;
    assert_eq!(log.len(), 1);
    assert!(log[0]["status_code"].is_null());
    assert!(
        log[0]["error"].as_str().unwrap().contains("connect"),
        "{}",
        log[0]
    );
    assert_eq!(log[0]["outcome"], "retrying");

    // The server goes away; another process starts on the same database.
    app.begin_shutdown().await.unwrap().unwrap();
    let restarted = app.spawn_sibling(|_| {}).await;
    // The receiver comes up.
    let receiver = Receiver::on(TcpListener::bind(("127.0.0.1", port)).await.unwrap());
    app.clock.advance(Duration::seconds(6));
    // A worker claims the retry and dies mid-delivery: its lease runs out, another runs it.
    let claimed = queue::claim(&restarted.pool, "dead-worker", app.clock.now(), 1)
        .await
        .unwrap();
    assert!(claimed.is_some());
    restarted.runner().run_due().await.unwrap();
    assert!(receiver.received().is_empty(), "still leased");
    app.clock.advance(LEASE + Duration::seconds(1));
    restarted.runner().run_due().await.unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(signed_with(
        &received[0],
        endpoint["secret"].as_str().unwrap()
    ));
    assert_eq!(received[0].json()["data"], payment);
    let log = delivery_log(&restarted, &tenant, endpoint_id).await;
    assert_eq!(log[0]["attempt"], 2);
    assert_eq!(log[0]["outcome"], "succeeded");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer_with(503, vec![("retry-after", "120".into())]);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    standalone_payment(&app, &tenant, "10.00").await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    let log = delivery_log(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
    let created =
        chrono::DateTime::parse_from_rfc3339(log[0]["created_at"].as_str().unwrap()).unwrap();
    let next =
        chrono::DateTime::parse_from_rfc3339(log[0]["next_attempt_at"].as_str().unwrap()).unwrap();
    assert_eq!(next - created, Duration::seconds(120));
    // The schedule alone would have retried after 5 s.
    app.clock.advance(Duration::seconds(60));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
    app.clock.advance(Duration::seconds(61));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_410_disables_the_endpoint_at_once() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer(410);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["payment.received"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    standalone_payment(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert_eq!(shown["data"]["enabled"], false);
    assert!(
        shown["data"]["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410 Gone"),
        "{shown}"
    );
    let log = delivery_log(&app, &tenant, id).await;
    assert_eq!(log[0]["status_code"], 410);
    assert_eq!(log[0]["outcome"], "failed");

    // Nothing more is sent, now or later.
    standalone_payment(&app, &tenant, "11.00").await;
    app.clock.advance(Duration::days(2));
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);
    app.reissue(&mut tenant).await;

    // Enabling it again clears the reason, and deliveries resume.
    let (status, body) = send(
        app.authed(
            &tenant,
            Method::PATCH,
            &format!("/api/v1/webhook_endpoints/{id}"),
        )
        .json(&json!({"enabled": "true"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["enabled"], true);
    assert!(body["data"]["disabled_reason"].is_null());
    standalone_payment(&app, &tenant, "12.00").await;
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn an_endpoint_failing_for_five_days_is_disabled_with_the_reason_shown() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.otherwise(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    standalone_payment(&app, &tenant, "10.00").await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    // Four days of failures: still enabled.
    for _ in 0..4 {
        app.clock.advance(Duration::days(1));
        app.reissue(&mut tenant).await;
        standalone_payment(&app, &tenant, "10.00").await;
        runner.run_due().await.unwrap();
    }
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert_eq!(shown["data"]["enabled"], true);
    app.clock.advance(Duration::days(1));
    app.reissue(&mut tenant).await;
    standalone_payment(&app, &tenant, "10.00").await;
    runner.run_due().await.unwrap();
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert_eq!(shown["data"]["enabled"], false);
    let reason = shown["data"]["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("failed for 5 days"), "{reason}");
    let before = receiver.received().len();
    app.clock.advance(Duration::days(1));
    runner.run_due().await.unwrap();
    assert_eq!(receiver.received().len(), before, "nothing after disabling");
}

#[tokio::test]
async fn a_success_restarts_the_failure_clock() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    standalone_payment(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    app.clock.advance(Duration::seconds(6));
    app.runner().run_due().await.unwrap(); // succeeds
    receiver.otherwise(500);
    app.clock.advance(Duration::days(6));
    app.reissue(&mut tenant).await;
    standalone_payment(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    let shown = get(
        &app,
        &tenant,
        &format!("/api/v1/webhook_endpoints/{}", endpoint["id"]),
    )
    .await;
    assert_eq!(shown["data"]["enabled"], true, "{shown}");
}
