//! The business's event log. Every change worth announcing records its event here, in the
//! transaction of the change, so a committed change always has its events and a
//! rolled-back one never does. Webhook delivery and `GET /events` read from this table.
//!
//! An event's `data` is the resource as the API shows it. Building that JSON is the HTTP
//! layer's business, so the domain asks a [`Render`] (implemented in `api::render`) to do
//! it on the transaction's own connection: the event shows the state being committed.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

/// Every event type, as webhook subscriptions name them.
pub const TYPES: [&str; 18] = [
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "invoice.created",
    "invoice.updated",
    "invoice.sent",
    "invoice.paid",
    "invoice.overdue",
    "invoice.voided",
    "invoice.deleted",
    "quote.created",
    "quote.sent",
    "quote.accepted",
    "quote.rejected",
    "quote.converted",
    "payment.received",
    "payment.updated",
    "payment.deleted",
];

/// A resource rendered as JSON, on a borrowed connection.
pub type Rendered<'a> = Pin<Box<dyn Future<Output = sqlx::Result<Value>> + Send + 'a>>;

/// The resources events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Customer,
    Invoice,
    Payment,
    Quote,
}

/// How resources look in the API, rendered inside the caller's transaction (deleted
/// records included). Implemented by the API layer; the domain only asks.
pub trait Render: Send + Sync {
    fn render<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        resource: Resource,
        business_id: i64,
        id: i64,
    ) -> Rendered<'a>;
}

/// A new event id: `evt_` and 32 hex digits, unique across businesses and unguessable.
pub fn new_id() -> String {
    format!("evt_{}", uuid::Uuid::new_v4().simple())
}

/// Records an event in the caller's transaction; answers its id.
pub async fn record(
    conn: &mut PgConnection,
    business_id: i64,
    event_type: &str,
    data: Value,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    debug_assert!(
        TYPES.contains(&event_type),
        "unknown event type {event_type}"
    );
    let id = new_id();
    sqlx::query(
        "INSERT INTO events (id, business_id, type, data, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(business_id)
    .bind(event_type)
    .bind(sqlx::types::Json(data))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Records an event whose data is the resource as it now stands (in this transaction).
pub async fn emit(
    conn: &mut PgConnection,
    render: &dyn Render,
    resource: Resource,
    business_id: i64,
    id: i64,
    event_type: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let data = render.render(&mut *conn, resource, business_id, id).await?;
    record(conn, business_id, event_type, data, now).await
}
