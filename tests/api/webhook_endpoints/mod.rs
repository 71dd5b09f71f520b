//! `/api/v1/webhook_endpoints` and the deliveries to a real HTTP receiver on 127.0.0.1
//! (`harness::webhook_receiver`): signed delivery, retries on the schedule, Retry-After,
//! 410, failing for days, restarts, SSRF refusals, secret rotation.

mod create;
mod deliveries;
mod retries;
mod rotate_secret;
mod round_trip;

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
