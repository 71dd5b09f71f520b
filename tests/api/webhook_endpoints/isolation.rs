//! Hostile and unlucky tenants: a receiver that never answers, one that answers slowly,
//! one that keeps failing. With the real worker loop running, another business's
//! webhooks and email still go out at once; one endpoint never holds more than its
//! in-flight slots; a failing one trips its circuit breaker.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration as StdDuration, Instant};

use axum::routing::post as route_post;
use chrono::Duration;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::delivery_log;
use crate::harness::smtp_sink::SmtpSink;
use crate::harness::webhook_receiver::{Receiver, subscribe};
use crate::harness::{TestApp, action, documented_invoice, get, post, setup, standalone_payment};

/// Accepts every connection and never answers a byte (the connections are held open).
async fn silent_receiver() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (url, task)
}

/// Moves the app's clock with the wall clock, as a real deployment's would.
fn tick(app: &TestApp) -> JoinHandle<()> {
    let clock = app.clock.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(StdDuration::from_millis(100)).await;
            clock.advance(Duration::milliseconds(100));
        }
    })
}

async fn wait_for(what: &str, within: StdDuration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < within, "{what} within {within:?}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_delays_no_other_business() {
    let sink = SmtpSink::start().await;
    let smtp_url = sink.url();
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = smtp_url;
        c.workers = true;
        c.worker_poll_interval = StdDuration::from_millis(20);
        c.limits.worker_concurrency = 4;
        c.limits.worker_jobs_per_business = 2;
    })
    .await;
    let ticking = tick(&app);

    // The hostile business: several endpoints on a receiver that never answers,
    // subscribed to everything, and events for all of them.
    let (silent, silent_task) = silent_receiver().await;
    let hostile = app.tenant("Hostile").await;
    for _ in 0..4 {
        subscribe(&app, &hostile, &silent, json!(["*"])).await;
    }
    for n in 0..5 {
        post(
            &app,
            &hostile,
            "/api/v1/customers",
            json!({"customer": {"name": format!("Stall {n}")}}),
        )
        .await;
    }
    // Let its deliveries take the workers first.
    tokio::time::sleep(StdDuration::from_millis(300)).await;

    // Another business: a webhook and an email.
    let receiver = Receiver::start().await;
    let s = setup(&app, "Victim").await;
    subscribe(
        &app,
        &s.tenant,
        &receiver.url(),
        json!(["payment.received"]),
    )
    .await;
    let started = Instant::now();
    standalone_payment(&app, &s.tenant, "10.00").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    wait_for(
        "the other business's webhook",
        StdDuration::from_secs(5),
        || !receiver.received().is_empty(),
    )
    .await;
    wait_for(
        "the other business's email",
        StdDuration::from_secs(5),
        || !sink.messages().is_empty(),
    )
    .await;
    assert!(started.elapsed() < StdDuration::from_secs(5));
    assert_eq!(receiver.received()[0].json()["type"], "payment.received");
    ticking.abort();
    silent_task.abort();
}

/// Counts the requests being answered at once, the most seen, and the total; answers
/// 200 after `delay`.
#[derive(Default)]
struct Concurrency {
    now: AtomicUsize,
    most: AtomicUsize,
    total: AtomicUsize,
}

async fn slow_receiver(delay: StdDuration) -> (String, Arc<Concurrency>, JoinHandle<()>) {
    let seen = Arc::new(Concurrency::default());
    let counted = seen.clone();
    let app = axum::Router::new().route(
        "/hooks",
        route_post(move || {
            let seen = counted.clone();
            async move {
                let now = seen.now.fetch_add(1, Ordering::SeqCst) + 1;
                seen.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                seen.now.fetch_sub(1, Ordering::SeqCst);
                seen.total.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_endpoint_never_has_more_deliveries_in_flight_than_its_slots_across_processes() {
    let workers = |c: &mut koteshen::config::Config| {
        c.workers = true;
        c.worker_poll_interval = StdDuration::from_millis(20);
        c.limits.worker_concurrency = 8;
        c.limits.worker_jobs_per_business = 8;
        c.limits.webhook_in_flight_per_endpoint = 2;
    };
    let app = TestApp::spawn_with(workers).await;
    let sibling = app.spawn_sibling(workers).await;
    let ticking = tick(&app);
    let (url, seen, task) = slow_receiver(StdDuration::from_millis(400)).await;
    let tenant = app.tenant("Flixtechs").await;
    subscribe(&app, &tenant, &url, json!(["*"])).await;
    for n in 0..8 {
        post(
            &app,
            &tenant,
            "/api/v1/customers",
            json!({"customer": {"name": format!("Customer {n}")}}),
        )
        .await;
    }
    wait_for("every delivery", StdDuration::from_secs(20), || {
        seen.total.load(Ordering::SeqCst) >= 8
    })
    .await;
    let most = seen.most.load(Ordering::SeqCst);
    assert!((1..=2).contains(&most), "{most} at once: two at most");
    // The last answers are being recorded: wait for the jobs to finish.
    let started = Instant::now();
    loop {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'done'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if done == 8 {
            break;
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(5),
            "{done} jobs done"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    // Waiting for a slot spent no attempt: each event was delivered at its first.
    let attempts: Vec<i32> =
        sqlx::query_scalar("SELECT attempt FROM webhook_deliveries ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, vec![1; 8]);
    let leftover: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_in_flight")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(leftover, 0, "every slot was given back");
    ticking.abort();
    task.abort();
    drop(sibling);
}

#[tokio::test]
async fn failing_attempts_in_a_row_open_the_breaker_and_a_successful_probe_closes_it() {
    let app = TestApp::spawn_with(|c| {
        c.limits.webhook_breaker_failures = 2;
        c.limits.webhook_breaker_cooldown = StdDuration::from_secs(60);
    })
    .await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    receiver.otherwise(500);
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["payment.received"])).await;
    let endpoint_id = endpoint["id"].as_i64().unwrap();
    for _ in 0..3 {
        standalone_payment(&app, &tenant, "10.00").await;
    }
    app.runner().run_due().await.unwrap();
    // Two failures opened it; the third delivery waits without being tried.
    assert_eq!(receiver.received().len(), 2);
    let log = delivery_log(&app, &tenant, endpoint_id).await;
    assert_eq!(log.len(), 2);
    let opened = log
        .iter()
        .filter_map(|d| d["error"].as_str())
        .find(|e| e.contains("circuit breaker"))
        .unwrap_or_else(|| panic!("the log says the breaker opened: {log:?}"));
    assert!(opened.contains("2 failed attempts in a row"), "{opened}");
    let path = format!("/api/v1/webhook_endpoints/{endpoint_id}");
    let shown = get(&app, &tenant, &path).await;
    assert_eq!(shown["data"]["paused_until"], "2025-10-21T03:40:57.825Z");

    // Past the first retry's wait, still inside the cooldown: nothing is tried.
    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 2);

    // After the cooldown one probe goes; it succeeds, and the rest follow at once.
    receiver.otherwise(200);
    app.clock.advance(Duration::seconds(31));
    app.runner().run_due().await.unwrap();
    let events: std::collections::HashSet<String> = receiver
        .received()
        .iter()
        .skip(2)
        .map(|r| r.header("webhook-id"))
        .collect();
    assert_eq!(
        events.len(),
        3,
        "every event delivered once the breaker closed"
    );
    let (failures, open): (i32, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
        "SELECT consecutive_failures, breaker_open_until FROM webhook_endpoints WHERE id = $1",
    )
    .bind(endpoint_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((failures, open), (0, None));
    assert!(get(&app, &tenant, &path).await["data"]["paused_until"].is_null());
    // Held back is not tried: the third event's job spent only the attempt that worked.
    let most: i32 =
        sqlx::query_scalar("SELECT max(attempts) FROM jobs WHERE kind = 'webhook.deliver'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        most, 2,
        "the two failed ones retried once each; none burned waiting"
    );
}

#[tokio::test]
async fn an_attempt_ends_at_its_deadline_when_the_receiver_never_answers() {
    let app = TestApp::spawn_with(|c| c.limits.webhook_timeout = StdDuration::from_secs(1)).await;
    let tenant = app.tenant("Flixtechs").await;
    let (silent, silent_task) = silent_receiver().await;
    let endpoint = subscribe(&app, &tenant, &silent, json!(["*"])).await;
    standalone_payment(&app, &tenant, "10.00").await;
    let started = Instant::now();
    app.runner().run_due().await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < StdDuration::from_secs(3), "{elapsed:?}");
    let log = delivery_log(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "retrying");
    let error = log[0]["error"].as_str().unwrap();
    assert!(error.contains("timed out"), "{error}");
    silent_task.abort();
}
