//! The business's event log and the catalogue of what it records. Billing's writes do
//! not record events themselves: each answers an [`Outcome`] (which records it changed,
//! and the event each change raises), and `publish::commit` renders those records,
//! records the events with their webhook deliveries and commits, in the change's
//! transaction: a committed change always has its events and a rolled-back one never
//! does. Webhook delivery and `GET /events` read from the log.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// The resources events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Customer,
    Invoice,
    Payment,
    /// A payment's refund, shown with its payment.
    Refund,
    Quote,
    CreditNote,
    Product,
}

macro_rules! catalogue {
    ($($variant:ident => $name:literal, $resource:ident;)*) => {
        /// Every event type, as webhook subscriptions and `GET /events` name them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $($variant,)*
        }

        impl EventType {
            pub const ALL: [EventType; [$($name),*].len()] = [$(EventType::$variant),*];

            /// The name on the wire (`invoice.paid`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(EventType::$variant => $name,)*
                }
            }

            /// The kind of record the event's `data` is.
            pub const fn resource(self) -> Resource {
                match self {
                    $(EventType::$variant => Resource::$resource,)*
                }
            }
        }

        /// Every event type's name, in catalogue order.
        pub const TYPES: [&str; [$($name),*].len()] = [$($name),*];
    };
}

catalogue! {
    CustomerCreated => "customer.created", Customer;
    CustomerUpdated => "customer.updated", Customer;
    CustomerDeleted => "customer.deleted", Customer;
    InvoiceCreated => "invoice.created", Invoice;
    InvoiceUpdated => "invoice.updated", Invoice;
    InvoiceSent => "invoice.sent", Invoice;
    InvoiceViewed => "invoice.viewed", Invoice;
    InvoicePaid => "invoice.paid", Invoice;
    InvoiceOverdue => "invoice.overdue", Invoice;
    InvoiceVoided => "invoice.voided", Invoice;
    InvoiceDeleted => "invoice.deleted", Invoice;
    QuoteCreated => "quote.created", Quote;
    QuoteSent => "quote.sent", Quote;
    QuoteViewed => "quote.viewed", Quote;
    QuoteAccepted => "quote.accepted", Quote;
    QuoteRejected => "quote.rejected", Quote;
    QuoteConverted => "quote.converted", Quote;
    QuoteDeleted => "quote.deleted", Quote;
    PaymentReceived => "payment.received", Payment;
    PaymentUpdated => "payment.updated", Payment;
    PaymentDeleted => "payment.deleted", Payment;
    PaymentRefunded => "payment.refunded", Refund;
    CreditNoteCreated => "credit_note.created", CreditNote;
    CreditNoteSent => "credit_note.sent", CreditNote;
    ProductCreated => "product.created", Product;
    ProductUpdated => "product.updated", Product;
    ProductDeleted => "product.deleted", Product;
}

impl EventType {
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// One record a write changed, and the event that announces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub event: EventType,
    pub business_id: i64,
    pub id: i64,
}

/// What a write did, in the order it did it: the events to record when it commits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "an outcome's events are recorded by publishing it"]
pub struct Outcome {
    changes: Vec<Change>,
}

impl Outcome {
    pub fn none() -> Outcome {
        Outcome::default()
    }

    pub fn of(event: EventType, business_id: i64, id: i64) -> Outcome {
        let mut outcome = Outcome::none();
        outcome.push(event, business_id, id);
        outcome
    }

    pub fn push(&mut self, event: EventType, business_id: i64, id: i64) {
        self.changes.push(Change {
            event,
            business_id,
            id,
        });
    }

    /// Appends what a step of the same write did.
    pub fn and(mut self, later: Outcome) -> Outcome {
        self.changes.extend(later.changes);
        self
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
}

/// A new event id: `evt_` and 32 hex digits, unique across businesses and unguessable.
pub fn new_id() -> String {
    format!("evt_{}", uuid::Uuid::new_v4().simple())
}

/// An event as `GET /events` shows it and webhooks deliver it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Event {
    pub id: String,
    #[sqlx(rename = "type")]
    pub event_type: String,
    pub data: sqlx::types::Json<Value>,
    pub created_at: DateTime<Utc>,
    /// Who did it (`crate::actor`), stamped by the database from the transaction's actor.
    pub actor: sqlx::types::Json<crate::actor::Actor>,
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
        "SELECT id, type, data, created_at, actor FROM events",
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
        "SELECT id, type, data, created_at, actor FROM events WHERE id = $1 AND business_id = $2",
    )
    .bind(id)
    .bind(business_id)
    .fetch_optional(pool)
    .await
}

/// Deletes up to `limit` events recorded before `older_than` (the retention sweep,
/// `jobs::prune`), oldest first. An event a delivery attempt still logs, or a live
/// delivery job still names, stays until those are gone: the log never points at nothing.
/// The log is append-only (a trigger refuses UPDATE and DELETE); this is the one DELETE
/// it lets through, by saying so in its transaction (`koteshen.prune`).
pub async fn prune_events(
    pool: &sqlx::PgPool,
    older_than: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('koteshen.prune', 'events', true)")
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query(
        "DELETE FROM events WHERE id IN (
             SELECT e.id FROM events e
             WHERE e.created_at < $1
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
               AND e.id NOT IN (SELECT j.payload->>'event_id' FROM jobs j
                                WHERE j.status IN ('queued', 'running')
                                  AND j.payload->>'event_id' IS NOT NULL)
             ORDER BY e.created_at
             LIMIT $2
             FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(limit)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_unique_parses_back_and_starts_with_its_resource() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.name()), Some(event));
            let prefix = match event.resource() {
                Resource::Customer => "customer.",
                Resource::Invoice => "invoice.",
                // A refund is announced as a change of its payment.
                Resource::Payment | Resource::Refund => "payment.",
                Resource::Quote => "quote.",
                Resource::CreditNote => "credit_note.",
                Resource::Product => "product.",
            };
            assert!(event.name().starts_with(prefix), "{}", event.name());
        }
        let mut names = TYPES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
        assert_eq!(
            EventType::parse("invoice.viewed"),
            Some(EventType::InvoiceViewed)
        );
        assert_eq!(EventType::parse("invoice.seen"), None);
    }

    #[test]
    fn an_outcome_keeps_its_changes_in_order() {
        let outcome = Outcome::of(EventType::PaymentReceived, 1, 7)
            .and(Outcome::of(EventType::InvoicePaid, 1, 3))
            .and(Outcome::none());
        let events: Vec<EventType> = outcome.changes().iter().map(|c| c.event).collect();
        assert_eq!(events, [EventType::PaymentReceived, EventType::InvoicePaid]);
        assert_eq!(outcome.changes()[1].id, 3);
    }
}
