//! HTTP plumbing shared by every resource: the JSON extractor, middleware, and the
//! answers for requests that match no route.

pub mod bearer;
pub mod client_ip;
pub mod form;
pub mod idempotency;
pub mod json;
pub mod middleware;
pub mod ratelimit;

pub use json::{Json, OptionalJson};
