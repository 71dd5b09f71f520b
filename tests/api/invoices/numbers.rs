//! `POST /api/v1/invoices`: the numbers it gives, under concurrency and beside numbers
//! a client chose.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, documented_invoice, post, send, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_creates_get_two_hundred_consecutive_numbers() {
    let app = TestApp::spawn_with(|c| {
        c.database_max_connections = 20;
        c.rate_limit_per_minute = 100_000;
    })
    .await;
    let s = setup(&app, "Flixtechs").await;
    let body = documented_invoice(&s);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let request = app
            .authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body);
        // On a loaded machine (CI runs eight tests at once on two cores) some of the 200
        // wait longer for a connection than the pool's acquire timeout and answer 503
        // with Retry-After, before any transaction began; a client retries them, and the
        // numbers must still come out gap-free.
        tasks.push(tokio::spawn(async move {
            loop {
                let (status, body) = send(request.try_clone().unwrap()).await;
                if status != 503 {
                    return (status, body);
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }));
    }
    let mut numbers = HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
        numbers.insert(body["data"]["number"].as_str().unwrap().to_string());
    }
    let expected: HashSet<String> = (1..=200).map(|n| format!("INV-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_client_chosen_number_is_kept_unique_and_consumes_no_counter_value() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_invoice(&s);
    body["invoice"]["number"] = json!("CUSTOM-7");
    let custom = post(&app, &s.tenant, "/api/v1/invoices", body.clone()).await;
    assert_eq!(custom["number"], "CUSTOM-7");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(err["errors"]["number"], json!(["has already been taken"]));
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(next["number"], "INV-0001");

    // A client taking a number the sequence will reach: the sequence steps over it.
    let mut body = documented_invoice(&s);
    body["invoice"]["number"] = json!("INV-0002");
    post(&app, &s.tenant, "/api/v1/invoices", body).await;
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(next["number"], "INV-0003");
}
