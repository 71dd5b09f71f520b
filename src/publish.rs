//! The last step of every change, for handlers, sweeps and jobs alike: render what the
//! change touched (through `views`, on the change's own transaction, so an event shows
//! exactly the state being committed), record its events with their webhook deliveries,
//! commit. The domain only says what changed (`billing::events::Outcome`).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, Postgres, Transaction};

use crate::billing::events::{Change, EventType, Outcome, new_id};
use crate::views::Views;
use crate::webhooks::deliveries::{DELIVER, MAX_ATTEMPTS};

/// What a published change looked like: each change's record as the API shows it.
#[derive(Debug)]
pub struct Published {
    rendered: Vec<(Change, Value)>,
}

impl Published {
    /// The first change's record: what a create answers (byte for byte what a GET of it
    /// answers once committed), so it reads nothing after its commit.
    pub fn first(self) -> Option<Value> {
        self.rendered.into_iter().next().map(|(_, value)| value)
    }

    /// The records of every `event` change, in order (what a batch create answers).
    pub fn of(self, event: EventType) -> Vec<Value> {
        self.rendered
            .into_iter()
            .filter(|(change, _)| change.event == event)
            .map(|(_, value)| value)
            .collect()
    }
}

/// Renders, records and commits a change's outcome.
pub async fn commit(
    mut tx: Transaction<'_, Postgres>,
    views: Views<'_>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> sqlx::Result<Published> {
    let published = record(&mut tx, views, outcome, now).await?;
    tx.commit().await?;
    Ok(published)
}

/// Renders and records a change's outcome in the caller's transaction, without
/// committing (an API write stores its answer on the transaction first, `api::write`). A
/// record that several events announce (an invoice updated and paid) is rendered once.
pub async fn record(
    conn: &mut PgConnection,
    views: Views<'_>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> sqlx::Result<Published> {
    let mut rendered: Vec<(Change, Value)> = Vec::with_capacity(outcome.changes().len());
    for &change in outcome.changes() {
        let resource = change.event.resource();
        let earlier = rendered.iter().find(|(c, _)| {
            c.event.resource() == resource
                && c.id == change.id
                && c.business_id == change.business_id
        });
        let data = match earlier {
            Some((_, data)) => data.clone(),
            None => {
                views
                    .render(&mut *conn, resource, change.business_id, change.id)
                    .await?
            }
        };
        record_event(&mut *conn, change.business_id, change.event, &data, now).await?;
        rendered.push((change, data));
    }
    Ok(Published { rendered })
}

/// Inserts an event and, in the same statement, a `webhook.deliver` job for each of the
/// business's enabled endpoints subscribed to it: one round trip, committed or rolled
/// back with the change. The unique key makes a second fan-out of one event a no-op.
pub async fn record_event(
    conn: &mut PgConnection,
    business_id: i64,
    event: EventType,
    data: &Value,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    const SQL: &str = "WITH event AS (
             INSERT INTO events (id, business_id, type, data, created_at)
             VALUES ($1, $2, $3, $4, $5)
         )
         INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, business_id)
         SELECT $6,
                jsonb_build_object('business_id', e.business_id, 'endpoint_id', e.id,
                                   'event_id', $1::text),
                $5, $7, 'webhook:' || $1 || ':' || e.id, e.business_id
         FROM webhook_endpoints e
         WHERE e.business_id = $2 AND e.enabled AND e.discarded_at IS NULL
           AND e.enabled_events && ARRAY[$3::text, '*']
         ON CONFLICT (unique_key)
             WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
         DO NOTHING";
    let id = new_id();
    sqlx::query(SQL)
        .bind(&id)
        .bind(business_id)
        .bind(event.name())
        .bind(sqlx::types::Json(data))
        .bind(now)
        .bind(DELIVER)
        // The delivery handler decides when to give up (`MAX_ATTEMPTS`); the queue's own
        // limit only stops a job whose worker keeps dying.
        .bind(MAX_ATTEMPTS * 2)
        .execute(conn)
        .await?;
    Ok(id)
}
