//! The business's event log. Every change worth announcing records its event here, in the
//! transaction of the change, so a committed change always has its events and a
//! rolled-back one never does. Webhook delivery and `GET /events` read from this table.
//!
//! An event's `data` is the resource as the API shows it. Building that JSON is the HTTP
//! layer's business, so the domain asks a [`Render`] (implemented in `api::render`) to do
//! it on the transaction's own connection: the event shows the state being committed.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

/// Every event type, as webhook subscriptions name them.
pub const TYPES: [&str; 19] = [
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
    "quote.deleted",
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

/// Records an event in the caller's transaction, with a delivery job for each webhook
/// endpoint subscribed to it, in one statement; answers its id.
pub async fn record(
    conn: &mut PgConnection,
    business_id: i64,
    event_type: &str,
    data: &Value,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    debug_assert!(
        TYPES.contains(&event_type),
        "unknown event type {event_type}"
    );
    static SQL: OnceLock<String> = OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "WITH event AS (
                 INSERT INTO events (id, business_id, type, data, created_at)
                 VALUES ($1, $2, $3, $4, $5)
             )
             {}",
            crate::webhooks::deliveries::FAN_OUT
        )
    });
    let id = new_id();
    let query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(&id)
        .bind(business_id)
        .bind(event_type)
        .bind(sqlx::types::Json(data))
        .bind(now);
    crate::webhooks::deliveries::bind_fan_out(query)
        .execute(conn)
        .await?;
    Ok(id)
}

/// Records an event whose data is the resource as it now stands (in this transaction);
/// answers that data, which is also what a GET of the resource answers once the
/// transaction commits (so a create can answer with it, without reading it again).
pub async fn emit(
    conn: &mut PgConnection,
    render: &dyn Render,
    resource: Resource,
    business_id: i64,
    id: i64,
    event_type: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Value> {
    let data = render.render(&mut *conn, resource, business_id, id).await?;
    record(conn, business_id, event_type, &data, now).await?;
    Ok(data)
}

/// An event as `GET /events` shows it and webhooks deliver it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: String,
    #[sqlx(rename = "type")]
    pub event_type: String,
    pub data: sqlx::types::Json<Value>,
    pub created_at: DateTime<Utc>,
}

/// Sortable fields of the log; ties are broken by insertion order (`seq`).
pub const SORTS: [(&str, &str); 1] = [("created_at", "created_at")];

/// Filters of `GET /events`; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub event_type: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub created_before: Option<DateTime<Utc>>,
    /// Ransack's `q[…]` (`search::EVENTS`).
    pub conditions: crate::billing::search::Conditions,
}

/// One page of the business's log and the total count.
pub async fn list(
    pool: &sqlx::PgPool,
    business_id: i64,
    filter: &Filter,
    sort: crate::paging::Sort,
    page: crate::paging::PageRequest,
) -> sqlx::Result<crate::paging::Page<Event>> {
    let push_where = |qb: &mut sqlx::QueryBuilder<sqlx::Postgres>| {
        qb.push(" WHERE business_id = ").push_bind(business_id);
        if let Some(t) = &filter.event_type {
            qb.push(" AND type = ").push_bind(t.clone());
        }
        if let Some(from) = filter.created_from {
            qb.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(before) = filter.created_before {
            qb.push(" AND created_at < ").push_bind(before);
        }
        filter.conditions.push(qb);
    };
    crate::paging::fetch(
        pool,
        "SELECT count(*) FROM events",
        "SELECT id, type, data, created_at FROM events",
        push_where,
        sort,
        "seq",
        page,
    )
    .await
}

/// One event of the business.
pub async fn find(pool: &sqlx::PgPool, business_id: i64, id: &str) -> sqlx::Result<Option<Event>> {
    sqlx::query_as(
        "SELECT id, type, data, created_at FROM events WHERE id = $1 AND business_id = $2",
    )
    .bind(id)
    .bind(business_id)
    .fetch_optional(pool)
    .await
}
