//! `/api/v1/payment_terms`: the five endpoints and the defaults of a new business.

mod create;
mod list;
mod round_trip;

use reqwest::Method;
use serde_json::Value;

use crate::harness::{Tenant, TestApp, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/payment_terms")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn names_and_days(body: &Value) -> Vec<(String, i64)> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(n, d)| (n.to_string(), *d)).collect()
}
