//! `WEBHOOK_ENDPOINTS_PER_BUSINESS`: how many endpoints one business may register.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, send};

#[tokio::test]
async fn one_endpoint_more_than_the_cap_is_refused_with_a_field_error() {
    let app = TestApp::spawn_with(|c| c.limits.webhook_endpoints_per_business = 2).await;
    let tenant = app.tenant("Flixtechs").await;
    let other = app.tenant("Texas Ins").await;
    let create = |tenant| {
        app.authed(tenant, Method::POST, "/api/v1/webhook_endpoints")
            .json(&json!({"url": "http://127.0.0.1:9/hooks", "enabled_events": ["*"]}))
    };
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (status, body) = send(create(&tenant)).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["data"]["id"].as_i64().unwrap());
    }
    let body = assert_error(create(&tenant).send().await.unwrap(), 422).await;
    let message = body["errors"]["base"][0].as_str().unwrap();
    assert!(
        message.contains("already has 2 webhook endpoints"),
        "{body}"
    );

    // The cap is per business, and a deleted endpoint frees its place.
    let (status, _) = send(create(&other)).await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/webhook_endpoints/{}", ids[0]);
    let (status, _) = send(app.authed(&tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    let (status, body) = send(create(&tenant)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_list_of_events_longer_than_every_type_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let events: Vec<&str> = std::iter::repeat_n("invoice.sent", 5_000).collect();
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"url": "http://127.0.0.1:9/hooks", "enabled_events": events}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    let message = body["errors"]["enabled_events"][0].as_str().unwrap();
    assert!(message.contains("too long"), "{body}");
}

/// The answer of a keyed create is stored with the endpoint it made: a retry gets the
/// same endpoint (and the secret shown once), and no second one is registered.
#[tokio::test]
async fn a_keyed_create_retried_answers_the_same_endpoint_and_makes_one() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let create = || {
        app.authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
            .header("Idempotency-Key", "endpoint-once")
            .json(&json!({"url": "http://127.0.0.1:9/hooks", "enabled_events": ["*"]}))
    };
    let (first_status, first) = send(create()).await;
    let (again_status, again) = send(create()).await;
    assert_eq!((first_status, again_status), (201, 201), "{first} {again}");
    assert_eq!(first["data"]["id"], again["data"]["id"]);
    assert_eq!(first["data"]["secret"], again["data"]["secret"]);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}
