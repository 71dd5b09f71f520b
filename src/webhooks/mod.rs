//! Webhooks: a business's endpoints, and signed, retried, at-least-once delivery of its
//! events to them.
//!
//! - `endpoints`: subscriptions, signing secrets (shown once, rotated with 24 hours of
//!   overlap), and the disabled state delivery leaves on them.
//! - `deliveries`: the `webhook.deliver` job (the jobs are enqueued by `publish` in the
//!   event's own statement, one per subscribed endpoint) and the attempts log.
//! - `signature`: the Standard Webhooks and `X-Koteshen-Signature` signatures.
//! - `client`: the one shared HTTP client, Standard Webhooks headers, bounded answers.
//! - `throttle`: at most N deliveries in flight per endpoint (across processes) and the
//!   per-endpoint circuit breaker.
//! - `address`: which targets are allowed (no private or internal addresses), checked
//!   at subscription and on the address each delivery connects to.

pub mod address;
pub mod client;
pub mod deliveries;
pub mod endpoints;
pub mod resend;
pub mod signature;
pub mod throttle;
