//! `/api/v1/customers`, and through it the conventions every resource shares.

mod create;
mod events;
mod list;
mod round_trip;
mod tax_id;
mod update;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Tenant, TestApp, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/customers")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

async fn create_named(app: &TestApp, tenant: &Tenant, name: &str) -> Value {
    create(app, tenant, json!({ "name": name })).await
}
