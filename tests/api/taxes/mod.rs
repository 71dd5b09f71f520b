//! `/api/v1/taxes`: the five endpoints, rates as exact decimals, the domain's lookups.

mod create;
mod domain;
mod inclusive;
mod list;
mod round_trip;

use reqwest::Method;
use serde_json::Value;

use crate::harness::{Tenant, TestApp, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/taxes")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}
