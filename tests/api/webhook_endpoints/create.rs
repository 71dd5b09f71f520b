//! `POST /api/v1/webhook_endpoints`: where an endpoint may point.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, send};

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
async fn a_refused_host_name_is_not_told_what_it_resolved_to() {
    let app = TestApp::spawn_with(|c| c.webhook_allow_private = false).await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"url": "http://localhost:3000/hooks", "enabled_events": ["*"]}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    let message = body["errors"]["url"][0].as_str().unwrap();
    assert!(message.contains("not allowed"), "{message}");
    for leak in ["127.0.0.1", "::1", "loopback"] {
        assert!(!message.contains(leak), "names {leak}: {message}");
    }
}
