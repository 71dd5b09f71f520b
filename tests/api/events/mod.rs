//! `/api/v1/events`: the event log (`GET /api/v1/events/{id}` is checked against a
//! delivery in `webhook_endpoints/deliveries.rs`).

mod actors;
mod audit;
mod list;
