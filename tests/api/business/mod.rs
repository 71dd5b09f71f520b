//! `/api/v1/business`: the business profile (`show_update.rs`, `validation.rs`), the
//! numbering it drives (`numbering.rs`), its logo (`logo.rs`) and that a business only
//! ever sees and changes its own (`tenancy.rs`).

pub mod logo;
mod numbering;
mod show_update;
mod tenancy;
mod validation;

use reqwest::Method;
use serde_json::Value;

use crate::harness::{Tenant, TestApp, send};

/// `GET /api/v1/business`: the profile (`data`).
async fn profile(app: &TestApp, tenant: &Tenant) -> Value {
    let (status, body) = send(app.authed(tenant, Method::GET, "/api/v1/business")).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// `PATCH /api/v1/business`: the status and body.
async fn change(app: &TestApp, tenant: &Tenant, body: Value) -> (u16, Value) {
    send(
        app.authed(tenant, Method::PATCH, "/api/v1/business")
            .json(&body),
    )
    .await
}
