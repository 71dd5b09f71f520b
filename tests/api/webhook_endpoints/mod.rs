//! `/api/v1/webhook_endpoints` and the deliveries to a real HTTP receiver on 127.0.0.1
//! (`harness::webhook_receiver`): signed delivery, retries on the schedule, Retry-After,
//! 410, failing for days, restarts, SSRF refusals, secret rotation; the limits that keep
//! one business's receivers from slowing the others; a system without CA certificates.

mod create;
mod deliveries;
mod isolation;
mod limits;
mod retries;
mod rotate_secret;
mod round_trip;
mod tls;

use serde_json::Value;

use crate::harness::{Tenant, TestApp, get};

async fn delivery_log(app: &TestApp, tenant: &Tenant, endpoint_id: i64) -> Vec<Value> {
    get(
        app,
        tenant,
        &format!("/api/v1/webhook_endpoints/{endpoint_id}/deliveries"),
    )
    .await["data"]
        .as_array()
        .unwrap()
        .clone()
}
