//! Holding deliveries to one endpoint back, so a slow or failing receiver costs its own
//! business little and the others nothing: at most `WEBHOOK_IN_FLIGHT_PER_ENDPOINT`
//! attempts at once across every process (numbered slots with a lease), and a circuit
//! breaker that, after `WEBHOOK_BREAKER_FAILURES` failed attempts in a row, holds the
//! endpoint's deliveries for `WEBHOOK_BREAKER_COOLDOWN_SECONDS`, then lets one probe
//! through (half-open) and closes on its success.
//!
//! A delivery held back goes back to the queue without spending an attempt
//! (`JobError::Later`).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::deliveries::DELIVER;
use super::endpoints::Endpoint;

/// How long a delivery that found every slot taken waits before asking again.
pub const SLOT_WAIT: Duration = Duration::seconds(2);

/// A slot held by one run; given back by `release`.
pub struct Slot {
    endpoint_id: i64,
    slot: i32,
    holder: Uuid,
}

/// Takes a free slot of the endpoint (one of `limit`), leased until `until`; `None`
/// when all are taken. A slot whose lease ran out is taken over. Two runs racing for
/// one slot: one gets it, the other is told none is free and asks again shortly.
pub async fn take_slot(
    pool: &PgPool,
    endpoint_id: i64,
    limit: u32,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Option<Slot>> {
    let holder = Uuid::new_v4();
    let slot: Option<i32> = sqlx::query_scalar(
        "INSERT INTO webhook_in_flight (endpoint_id, slot, holder, expires_at)
         SELECT $1, s, $2, $4 FROM generate_series(1, $3) s
         WHERE NOT EXISTS (SELECT 1 FROM webhook_in_flight w
                           WHERE w.endpoint_id = $1 AND w.slot = s AND w.expires_at >= $5)
         ORDER BY s
         LIMIT 1
         ON CONFLICT (endpoint_id, slot) DO UPDATE
             SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE webhook_in_flight.expires_at < $5
         RETURNING slot",
    )
    .bind(endpoint_id)
    .bind(holder)
    .bind(i32::try_from(limit.max(1)).unwrap_or(i32::MAX))
    .bind(until)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(slot.map(|slot| Slot {
        endpoint_id,
        slot,
        holder,
    }))
}

/// Gives a slot back (unless its lease ran out and another run took it over).
pub async fn release(pool: &PgPool, slot: Slot) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM webhook_in_flight WHERE endpoint_id = $1 AND slot = $2 AND holder = $3",
    )
    .bind(slot.endpoint_id)
    .bind(slot.slot)
    .bind(slot.holder)
    .execute(pool)
    .await?;
    Ok(())
}

/// What the breaker lets a delivery do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Closed: deliver.
    Pass,
    /// Open: wait until then.
    Wait(DateTime<Utc>),
    /// The cooldown is over: one delivery may probe (whoever takes it first).
    Probe,
}

/// The breaker's state for `endpoint` at `now` (from its row as read).
pub fn gate(endpoint: &Endpoint, failures: u32, now: DateTime<Utc>) -> Gate {
    if i64::from(endpoint.consecutive_failures) < i64::from(failures) {
        return Gate::Pass;
    }
    match endpoint.breaker_open_until {
        Some(until) if until > now => Gate::Wait(until),
        _ => Gate::Probe,
    }
}

/// Takes the half-open probe: the breaker is pushed to `until` so the others keep
/// waiting while it runs; `false` when another run took it first.
pub async fn take_probe(
    pool: &PgPool,
    endpoint_id: i64,
    failures: u32,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let taken = sqlx::query(
        "UPDATE webhook_endpoints SET breaker_open_until = $4
         WHERE id = $1 AND consecutive_failures >= $2
           AND (breaker_open_until IS NULL OR breaker_open_until <= $3)",
    )
    .bind(endpoint_id)
    .bind(i64::from(failures))
    .bind(now)
    .bind(until)
    .execute(pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// The breaker closed: the endpoint's deliveries it held back (due within `horizon`)
/// are due now, instead of at the end of a cooldown that no longer applies.
pub async fn wake_held(
    pool: &PgPool,
    endpoint: &Endpoint,
    now: DateTime<Utc>,
    horizon: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let woken = sqlx::query(
        "UPDATE jobs SET run_at = $4
         WHERE status = 'queued' AND business_id = $1 AND kind = $2
           AND payload->>'endpoint_id' = $3::text AND run_at > $4 AND run_at <= $5",
    )
    .bind(endpoint.business_id)
    .bind(DELIVER)
    .bind(endpoint.id)
    .bind(now)
    .bind(horizon)
    .execute(pool)
    .await?;
    Ok(woken.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(failures: i32, open_until: Option<DateTime<Utc>>) -> Endpoint {
        let at = DateTime::parse_from_rfc3339("2025-10-21T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Endpoint {
            id: 1,
            business_id: 1,
            url: "https://example.com/".into(),
            enabled_events: vec!["*".into()],
            enabled: true,
            disabled_reason: None,
            secret: "whsec_x".into(),
            previous_secret: None,
            previous_secret_expires_at: None,
            failing_since: None,
            consecutive_failures: failures,
            breaker_open_until: open_until,
            discarded_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_breaker_opens_at_the_threshold_and_half_opens_after_the_cooldown() {
        let now = DateTime::parse_from_rfc3339("2025-10-21T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let later = now + Duration::seconds(60);
        assert_eq!(gate(&endpoint(4, None), 5, now), Gate::Pass);
        assert_eq!(gate(&endpoint(5, Some(later)), 5, now), Gate::Wait(later));
        assert_eq!(gate(&endpoint(5, Some(now)), 5, now), Gate::Probe);
        assert_eq!(gate(&endpoint(9, None), 5, now), Gate::Probe);
    }
}
