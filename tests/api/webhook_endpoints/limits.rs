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
