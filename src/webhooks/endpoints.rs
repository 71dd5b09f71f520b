//! Webhook endpoints: a business's subscriptions, their signing secrets, and the state
//! delivery leaves on them (disabled, and why). Every query is scoped to the business.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::paging::{self, Page, PageRequest, Sort};

/// `*` subscribes to every event type.
pub const ALL_EVENTS: &str = "*";
/// How long a rotated-out secret keeps signing alongside the new one.
pub const PREVIOUS_SECRET_LIFETIME: Duration = Duration::hours(24);

pub const SORTS: [(&str, &str); 2] = [("created_at", "created_at"), ("url", "url")];

/// A new signing secret: `whsec_` and 32 random bytes in base64, as the Standard
/// Webhooks libraries read it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    format!("whsec_{}", STANDARD.encode(bytes))
}

#[derive(Clone, sqlx::FromRow)]
pub struct Endpoint {
    pub id: i64,
    pub business_id: i64,
    pub url: String,
    pub enabled_events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    /// Failed attempts in a row since the last success (the circuit breaker's count).
    pub consecutive_failures: i32,
    /// While the breaker is open, when one delivery may be tried again.
    pub breaker_open_until: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The secrets never reach a log.
impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("id", &self.id)
            .field("business_id", &self.business_id)
            .field("url", &self.url)
            .field("enabled_events", &self.enabled_events)
            .field("enabled", &self.enabled)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    pub fn subscribes_to(&self, event_type: &str) -> bool {
        self.enabled_events
            .iter()
            .any(|e| e == ALL_EVENTS || e == event_type)
    }

    /// The secrets that sign at `now`: the current one, and the previous one while it
    /// is still within its 24 hours.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) =
            (&self.previous_secret, self.previous_secret_expires_at)
            && now < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

const SELECT: &str = "SELECT id, business_id, url, enabled_events, enabled, disabled_reason,
        secret, previous_secret, previous_secret_expires_at, failing_since,
        consecutive_failures, breaker_open_until, discarded_at, created_at, updated_at
    FROM webhook_endpoints";

pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<Endpoint>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND business_id = ")
        .push_bind(business_id);
    if !include_deleted {
        qb.push(" AND discarded_at IS NULL");
    }
    qb.build_query_as().fetch_optional(executor).await
}

/// One page and the total count.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    include_deleted: bool,
    conditions: &crate::billing::search::Conditions,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<Endpoint>> {
    let filter = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE business_id = ").push_bind(business_id);
        if !include_deleted {
            qb.push(" AND discarded_at IS NULL");
        }
        conditions.push(qb);
    };
    paging::fetch(
        pool,
        "SELECT count(*) FROM webhook_endpoints",
        SELECT,
        filter,
        sort,
        "id",
        page,
    )
    .await
}

/// A new endpoint, unless the business already has `cap` live ones (`Ok(None)`). The
/// count and the insert run under a per-business lock, so two concurrent creates
/// cannot both take the last place.
/// Registers an endpoint on the caller's transaction (the API stores its answer on it),
/// under the business's lock, so parallel creates cannot pass the cap; `None` past it.
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    url: &str,
    enabled_events: &[String],
    cap: u32,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints', $1))")
        .bind(business_id)
        .execute(&mut *tx)
        .await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM webhook_endpoints WHERE business_id = $1 AND discarded_at IS NULL",
    )
    .bind(business_id)
    .fetch_one(&mut *tx)
    .await?;
    if live >= i64::from(cap) {
        return Ok(None);
    }
    let mut qb = QueryBuilder::new(
        "INSERT INTO webhook_endpoints (business_id, url, enabled_events, secret, created_at,
             updated_at) VALUES (",
    );
    qb.push_bind(business_id)
        .push(", ")
        .push_bind(url)
        .push(", ")
        .push_bind(enabled_events.to_vec())
        .push(", ")
        .push_bind(new_secret())
        .push(", ")
        .push_bind(now)
        .push(", ")
        .push_bind(now)
        .push(") RETURNING *");
    let endpoint = qb.build_query_as().fetch_one(&mut *tx).await?;
    Ok(Some(endpoint))
}

/// A PATCH: `None` keeps a field.
#[derive(Debug, Default)]
pub struct Changes {
    pub url: Option<String>,
    pub enabled_events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// Applies the changes to a live endpoint; `None` when there is none. Enabling an
/// endpoint clears why it was disabled and restarts its failure clock.
pub async fn update(
    pool: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Endpoint>> {
    let mut qb = QueryBuilder::<Postgres>::new("UPDATE webhook_endpoints SET updated_at = ");
    qb.push_bind(now);
    if let Some(url) = &changes.url {
        qb.push(", url = ").push_bind(url.clone());
    }
    if let Some(events) = &changes.enabled_events {
        qb.push(", enabled_events = ").push_bind(events.clone());
    }
    match changes.enabled {
        Some(true) => {
            qb.push(
                ", enabled = true, disabled_reason = NULL, failing_since = NULL, \
                 consecutive_failures = 0, breaker_open_until = NULL",
            );
        }
        Some(false) => {
            qb.push(", enabled = false");
        }
        None => {}
    }
    qb.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND business_id = ")
        .push_bind(business_id)
        .push(" AND discarded_at IS NULL RETURNING *");
    qb.build_query_as().fetch_optional(pool).await
}

/// A new secret; the current one keeps signing alongside it for 24 hours.
pub async fn rotate_secret(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Endpoint>> {
    sqlx::query_as(
        "UPDATE webhook_endpoints SET previous_secret = secret, secret = $3,
             previous_secret_expires_at = $4, updated_at = $5
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL
         RETURNING *",
    )
    .bind(id)
    .bind(business_id)
    .bind(new_secret())
    .bind(now + PREVIOUS_SECRET_LIFETIME)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Soft delete: nothing more is delivered to it; its deliveries log stays. `false` when
/// there was no live endpoint.
pub async fn discard(
    pool: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET discarded_at = $3, enabled = false, updated_at = $3
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL",
    )
    .bind(id)
    .bind(business_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns an endpoint off with the reason shown on it.
pub async fn disable(
    conn: &mut PgConnection,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = $3
         WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_standard_webhooks_secrets() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        assert_ne!(secret, new_secret());
        assert!(standardwebhooks::Webhook::new(&secret).is_ok());
        let key = STANDARD.decode(&secret["whsec_".len()..]).unwrap();
        assert_eq!(key.len(), 32);
    }
}
