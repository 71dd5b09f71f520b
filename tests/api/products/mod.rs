//! `/api/v1/products`: the catalogue's endpoints, and items that name a product.

mod crud;
mod items;

use reqwest::Method;
use serde_json::Value;

use crate::harness::{Tenant, TestApp, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/products")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn names(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}
