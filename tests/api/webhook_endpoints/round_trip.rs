//! `/api/v1/webhook_endpoints` and `/api/v1/webhook_endpoints/{id}`: one endpoint through
//! create, show, list, update and delete, each field validated.

use reqwest::Method;
use serde_json::json;

use crate::harness::webhook_receiver::{Receiver, subscribe};
use crate::harness::{TestApp, assert_error, get, send};

#[tokio::test]
async fn an_endpoint_is_validated_on_create_updated_field_by_field_and_deleted_softly() {
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
