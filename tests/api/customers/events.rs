//! The events a customer's create, update and delete record.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, send};

#[tokio::test]
async fn create_update_and_delete_record_customer_events_showing_the_customer() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let (status, created) = send(
        app.authed(&tenant, Method::POST, "/api/v1/customers")
            .json(&json!({"name": "Texas Ins"})),
    )
    .await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/customers/{}", created["data"]["id"]);
    let (_, updated) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"notes": "n"})),
    )
    .await;
    app.authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    // Deleting again finds nothing and records nothing.
    app.authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    let log: Vec<(String, sqlx::types::Json<Value>)> =
        sqlx::query_as("SELECT type, data FROM events WHERE business_id = $1 ORDER BY seq")
            .bind(tenant.business_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let types: Vec<&str> = log.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        ["customer.created", "customer.updated", "customer.deleted"]
    );
    assert_eq!(log[0].1.0, created["data"]);
    assert_eq!(log[1].1.0, updated["data"]);
    assert!(log[2].1.0["discarded_at"].is_string());
}
