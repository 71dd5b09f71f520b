//! Webhooks against a real HTTP receiver on 127.0.0.1: subscriptions, signed delivery,
//! retries on the schedule, Retry-After, 410, failing for days, restarts, SSRF refusals,
//! secret rotation, tenancy; and the `/events` log.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chrono::Duration;
use koteshen::queue::{self, LEASE};
use reqwest::Method;
use serde_json::{Value, json};
use standardwebhooks::Webhook;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::helpers::{Tenant, TestApp, assert_error, send};
use crate::invoices::post;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Received {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub(crate) fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_string()
    }
}

#[derive(Default)]
struct Script {
    received: Vec<Received>,
    /// Answers to give, in order; then `otherwise`.
    answers: VecDeque<(u16, Vec<(&'static str, String)>)>,
    otherwise: u16,
}

/// A webhook receiver: records every request and answers as scripted (200 by default).
pub(crate) struct Receiver {
    addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    task: JoinHandle<()>,
}

async fn receive(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let mut script = script.lock().unwrap();
    script.received.push(Received {
        headers,
        body: body.to_vec(),
    });
    let (status, headers) = script
        .answers
        .pop_front()
        .unwrap_or((script.otherwise, Vec::new()));
    let mut response = (StatusCode::from_u16(status).unwrap(), "ok").into_response();
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

impl Receiver {
    pub(crate) async fn start() -> Receiver {
        Self::on(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    fn on(listener: TcpListener) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(Script {
            otherwise: 200,
            ..Script::default()
        }));
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(script.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Receiver { addr, script, task }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    pub(crate) fn answer(&self, status: u16) {
        self.answer_with(status, Vec::new());
    }

    fn answer_with(&self, status: u16, headers: Vec<(&'static str, String)>) {
        self.script
            .lock()
            .unwrap()
            .answers
            .push_back((status, headers));
    }

    fn otherwise(&self, status: u16) {
        self.script.lock().unwrap().otherwise = status;
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Subscribes and answers the endpoint (with its secret).
pub(crate) async fn subscribe(app: &TestApp, tenant: &Tenant, url: &str, events: Value) -> Value {
    post(
        app,
        tenant,
        "/api/v1/webhook_endpoints",
        json!({"url": url, "enabled_events": events}),
    )
    .await
}

/// A standalone payment of `amount` USD.
async fn pay(app: &TestApp, tenant: &Tenant, amount: &str) -> Value {
    post(
        app,
        tenant,
        "/api/v1/payments",
        json!({"payment": {"amount": amount, "currency": "USD", "payment_method": "cash"}}),
    )
    .await
}

async fn get(app: &TestApp, tenant: &Tenant, path: &str) -> Value {
    let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

async fn deliveries(app: &TestApp, tenant: &Tenant, endpoint_id: i64) -> Vec<Value> {
    get(
        app,
        tenant,
        &format!("/api/v1/webhook_endpoints/{endpoint_id}/deliveries"),
    )
    .await["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// Checks the signature the way a receiver would, with the crate's own signer, at the
/// timestamp the request carries (the test clock need not be near the wall clock).
fn signed_with(received: &Received, secret: &str) -> bool {
    let id = received.header("webhook-id");
    let timestamp: i64 = received.header("webhook-timestamp").parse().unwrap();
    let expected = Webhook::new(secret)
        .unwrap()
        .sign(&id, timestamp, &received.body)
        .unwrap();
    received
        .header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

/// The app with its clock at the wall clock's time, so the crate's `verify` (which
/// checks the timestamp against the wall clock) applies unchanged.
pub(crate) async fn app_at_wall_clock() -> TestApp {
    let app = TestApp::spawn().await;
    app.clock.set(chrono::Utc::now());
    app
}

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
    let endpoint = crate::helpers::json(response).await["data"].clone();
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
    let payment = pay(&app, &tenant, "100.00").await;
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

    let log = deliveries(&app, &tenant, id).await;
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
async fn a_receiver_failing_twice_gets_the_event_three_times_on_the_schedule() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    receiver.answer(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let secret = endpoint["secret"].as_str().unwrap();
    let endpoint_id = endpoint["id"].as_i64().unwrap();
    let payment = pay(&app, &tenant, "12.50").await;

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

    let log = deliveries(&app, &tenant, endpoint_id).await;
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
    let payment = pay(&app, &tenant, "40.00").await;
    app.runner().run_due().await.unwrap();
    let log = deliveries(&app, &tenant, endpoint_id).await;
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
    let claimed = queue::claim(&restarted.pool, "dead-worker", app.clock.now())
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
    let log = deliveries(&restarted, &tenant, endpoint_id).await;
    assert_eq!(log[0]["attempt"], 2);
    assert_eq!(log[0]["outcome"], "succeeded");
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
    let a_payment = pay(&app, &a, "10.00").await;
    post(
        &app,
        &b,
        "/api/v1/customers",
        json!({"name": "B's customer"}),
    )
    .await;
    let b_payment = pay(&app, &b, "20.00").await;
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
async fn private_and_internal_targets_are_refused_at_subscription() {
    let app = TestApp::spawn_with(|c| c.webhook_allow_private = false).await;
    let tenant = app.tenant("Flixtechs").await;
    for url in [
        "http://127.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://192.168.1.20:8080/",
        "http://100.64.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
        "http://localhost:3000/hooks",
    ] {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
            .json(&json!({"url": url, "enabled_events": ["payment.received"]}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        let message = body["errors"]["url"][0].as_str().unwrap();
        assert!(message.contains("private or internal"), "{url}: {message}");
    }
    for (url, expected) in [
        ("ftp://example.com/hooks", "http"),
        ("file:///etc/passwd", "http"),
        ("not a url", "valid URL"),
    ] {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
            .json(&json!({"url": url, "enabled_events": ["*"]}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert!(
            body["errors"]["url"][0]
                .as_str()
                .unwrap()
                .contains(expected),
            "{body}"
        );
    }
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/webhook_endpoints")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 0);
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
    pay(&app, &tenant, "10.00").await;
    let mut strict = app.config.clone();
    strict.webhook_allow_private = false;
    let mailer = koteshen::mail::Mailer::from_config(&strict).unwrap();
    koteshen::startup::jobs_runner(&strict, mailer, app.pool.clone(), app.clock.clone())
        .run_due()
        .await
        .unwrap();
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
    for endpoint in [literal, by_name] {
        let log = deliveries(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
        assert_eq!(log.len(), 1);
        assert!(log[0]["status_code"].is_null());
        let error = log[0]["error"].as_str().unwrap();
        assert!(error.contains("private or internal"), "{error}");
    }
}

#[tokio::test]
async fn a_410_disables_the_endpoint_at_once() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer(410);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["payment.received"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    pay(&app, &tenant, "10.00").await;
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
    let log = deliveries(&app, &tenant, id).await;
    assert_eq!(log[0]["status_code"], 410);
    assert_eq!(log[0]["outcome"], "failed");

    // Nothing more is sent, now or later.
    pay(&app, &tenant, "11.00").await;
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
    pay(&app, &tenant, "12.00").await;
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.answer_with(503, vec![("retry-after", "120".into())]);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    pay(&app, &tenant, "10.00").await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    let log = deliveries(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
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
async fn an_endpoint_failing_for_five_days_is_disabled_with_the_reason_shown() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.otherwise(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    pay(&app, &tenant, "10.00").await;
    let runner = app.runner();
    runner.run_due().await.unwrap();
    // Four days of failures: still enabled.
    for _ in 0..4 {
        app.clock.advance(Duration::days(1));
        app.reissue(&mut tenant).await;
        pay(&app, &tenant, "10.00").await;
        runner.run_due().await.unwrap();
    }
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert_eq!(shown["data"]["enabled"], true);
    app.clock.advance(Duration::days(1));
    app.reissue(&mut tenant).await;
    pay(&app, &tenant, "10.00").await;
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
    pay(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    app.clock.advance(Duration::seconds(6));
    app.runner().run_due().await.unwrap(); // succeeds
    receiver.otherwise(500);
    app.clock.advance(Duration::days(6));
    app.reissue(&mut tenant).await;
    pay(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    let shown = get(
        &app,
        &tenant,
        &format!("/api/v1/webhook_endpoints/{}", endpoint["id"]),
    )
    .await;
    assert_eq!(shown["data"]["enabled"], true, "{shown}");
}

#[tokio::test]
async fn a_rotated_secret_signs_alongside_the_old_one_for_24_hours() {
    let app = app_at_wall_clock().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["payment.received"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    let old = endpoint["secret"].as_str().unwrap().to_string();
    let (status, rotated) = send(app.authed(
        &tenant,
        Method::POST,
        &format!("/api/v1/webhook_endpoints/{id}/rotate_secret"),
    ))
    .await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["data"]["secret"].as_str().unwrap().to_string();
    assert!(new.starts_with("whsec_") && new != old);
    assert!(rotated["data"]["previous_secret_expires_at"].is_string());
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert!(shown["data"].get("secret").is_none());

    pay(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    let request = &receiver.received()[0];
    assert_eq!(request.header("webhook-signature").split(' ').count(), 2);
    for secret in [&old, &new] {
        Webhook::new(secret)
            .unwrap()
            .verify(&request.body, &request.headers)
            .expect("both secrets verify during the overlap");
    }

    app.clock
        .advance(Duration::hours(24) + Duration::seconds(1));
    app.reissue(&mut tenant).await;
    pay(&app, &tenant, "11.00").await;
    app.runner().run_due().await.unwrap();
    let request = &receiver.received()[1];
    assert_eq!(request.header("webhook-signature").split(' ').count(), 1);
    assert!(signed_with(request, &new));
    assert!(!signed_with(request, &old));
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert!(shown["data"]["previous_secret_expires_at"].is_null());
}

#[tokio::test]
async fn subscriptions_are_validated_and_updated_field_by_field() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"enabled_events": ["invoice.overdue", "invoice.exploded", 3]}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["url"].is_array(), "{body}");
    assert!(body["errors"]["enabled_events"].is_array(), "{body}");
    for events in [json!(["invoice.exploded"]), json!([]), json!(null)] {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
            .json(&json!({"url": receiver.url(), "enabled_events": events}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert!(
            body["errors"]["enabled_events"].is_array(),
            "{events}: {body}"
        );
    }
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"url": receiver.url(), "enabled_events": ["payment.received"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    // The documents' example body, every catalogue name, and `*`.
    let documented = subscribe(
        &app,
        &tenant,
        &receiver.url(),
        json!(["invoice.overdue", "payment.received", "Payment.Received"]),
    )
    .await;
    assert_eq!(
        documented["enabled_events"],
        json!(["invoice.overdue", "payment.received"])
    );
    let id = documented["id"].as_i64().unwrap();
    let path = format!("/api/v1/webhook_endpoints/{id}");
    let (status, body) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"enabled_events": ["*"]})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["enabled_events"], json!(["*"]));
    assert_eq!(body["data"]["url"], receiver.url(), "url untouched");
    assert!(body["data"].get("secret").is_none());
    let (status, body) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"url": "gopher://x", "enabled": "perhaps", "enabled_events": ["x"]})),
    )
    .await;
    assert_eq!(status, 422);
    for field in ["url", "enabled", "enabled_events"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (status, _) = send(app.authed(&tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    let (status, _) = send(app.authed(&tenant, Method::GET, &path)).await;
    assert_eq!(status, 404);
    let shown = get(&app, &tenant, &format!("{path}?include_deleted=true")).await;
    assert!(shown["data"]["discarded_at"].is_string());
    let (status, _) = send(app.authed(&tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 404);
    let list = get(&app, &tenant, "/api/v1/webhook_endpoints").await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);
    let list = get(
        &app,
        &tenant,
        "/api/v1/webhook_endpoints?include_deleted=true",
    )
    .await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 2);
}

#[tokio::test]
async fn another_business_endpoints_and_events_answer_404_on_every_verb() {
    let app = TestApp::spawn().await;
    let a = app.tenant("Flixtechs").await;
    let b = app.tenant("Other Co").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &a, &receiver.url(), json!(["*"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    pay(&app, &a, "10.00").await;
    app.runner().run_due().await.unwrap();
    let event_id = receiver.received()[0].header("webhook-id");

    let path = format!("/api/v1/webhook_endpoints/{id}");
    for (method, path, body) in [
        (Method::GET, path.clone(), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"enabled": false, "url": "http://127.0.0.1:1/"})),
        ),
        (Method::DELETE, path.clone(), None),
        (Method::POST, format!("{path}/rotate_secret"), None),
        (Method::GET, format!("{path}/deliveries"), None),
        (Method::GET, format!("/api/v1/events/{event_id}"), None),
        (Method::GET, "/api/v1/events/evt_nope".to_string(), None),
        (
            Method::GET,
            "/api/v1/webhook_endpoints/999999".to_string(),
            None,
        ),
    ] {
        let mut request = app.authed(&b, method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_error(response, 404).await;
    }
    let list = get(&app, &b, "/api/v1/webhook_endpoints").await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 0);
    let events = get(&app, &b, "/api/v1/events").await;
    assert_eq!(events["meta"]["pagination"]["total_count"], 0);
    // Untouched for its owner.
    let shown = get(&app, &a, &path).await;
    assert_eq!(shown["data"]["enabled"], true);
    assert_eq!(shown["data"]["url"], receiver.url());
}

#[tokio::test]
async fn the_event_log_filters_by_type_and_time_newest_first() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    post(&app, &tenant, "/api/v1/customers", json!({"name": "One"})).await;
    app.clock.advance(Duration::days(1));
    app.reissue(&mut tenant).await;
    let first = pay(&app, &tenant, "1.00").await;
    let second = pay(&app, &tenant, "2.00").await;
    let all = get(&app, &tenant, "/api/v1/events").await;
    let types: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["payment.received", "payment.received", "customer.created"]
    );
    // Same instant: the later one first, by insertion order.
    assert_eq!(all["data"][0]["data"], second);
    assert_eq!(all["data"][1]["data"], first);
    let oldest_first = get(&app, &tenant, "/api/v1/events?sort=created_at").await;
    assert_eq!(oldest_first["data"][0]["type"], "customer.created");
    assert_eq!(oldest_first["data"][2]["data"], second);

    let payments = get(&app, &tenant, "/api/v1/events?type=payment.received").await;
    assert_eq!(payments["meta"]["pagination"]["total_count"], 2);
    let day = (app.clock.now() - Duration::days(1)).date_naive();
    let on_day = get(
        &app,
        &tenant,
        &format!("/api/v1/events?created_from={day}&created_to={day}"),
    )
    .await;
    assert_eq!(on_day["meta"]["pagination"]["total_count"], 1);
    assert_eq!(on_day["data"][0]["type"], "customer.created");
    let paged = get(&app, &tenant, "/api/v1/events?per_page=1&page=2").await;
    assert_eq!(paged["data"][0]["data"], first);

    for bad in [
        "type=invoice.exploded",
        "created_from=yesterday",
        "per_page=0",
        "sort=type",
    ] {
        let response = app
            .authed(&tenant, Method::GET, &format!("/api/v1/events?{bad}"))
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
}
