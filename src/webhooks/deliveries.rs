//! Delivering events: the fan-out that enqueues one job per subscribed endpoint in the
//! event's own transaction, the job that POSTs the signed event, and the log of every
//! attempt.
//!
//! At-least-once: the job is committed with the event, and a worker that dies mid-way
//! leaves it to be claimed again. A receiver may therefore see an event twice; the
//! `webhook-id` header (the event id) is how it tells.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use url::Url;

use super::client::{self, Signed};
use super::endpoints::{self, Endpoint};
use super::signature;
use super::throttle;
use crate::billing::events;
use crate::paging::{self, Page, PageRequest, Sort};
use crate::queue::{JobContext, JobError};
use crate::timestamp;

/// The job kind.
pub const DELIVER: &str = "webhook.deliver";

/// The Standard Webhooks retry schedule: the wait after each failed attempt. The first
/// attempt is immediate, so an event gets 10 attempts over about three days.
pub const SCHEDULE: [Duration; 9] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(14),
    Duration::hours(20),
    Duration::hours(24),
];
pub const MAX_ATTEMPTS: i32 = SCHEDULE.len() as i32 + 1;
/// An endpoint whose every attempt has failed for this long is disabled.
pub const DISABLE_AFTER: Duration = Duration::days(5);
/// The most a `Retry-After` can push an attempt back, and the least it can ask for.
const RETRY_AFTER_MAX: Duration = Duration::hours(24);
const RETRY_AFTER_MIN: Duration = Duration::seconds(5);

/// One attempt, as `GET /webhook_endpoints/{id}/deliveries` shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub error: Option<String>,
    pub outcome: String,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Sortable fields of an endpoint's attempts (default: newest first).
pub const SORTS: [(&str, &str); 1] = [("created_at", "d.created_at")];

/// An endpoint's attempts, newest first, optionally of one event; and the total.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    endpoint_id: i64,
    event_id: Option<&str>,
    conditions: &crate::billing::search::Conditions,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<Attempt>> {
    let filter = |qb: &mut QueryBuilder<Postgres>| {
        qb.push(" WHERE d.endpoint_id = ")
            .push_bind(endpoint_id)
            .push(" AND d.business_id = ")
            .push_bind(business_id);
        if let Some(event_id) = event_id {
            qb.push(" AND d.event_id = ")
                .push_bind(event_id.to_string());
        }
        conditions.push(qb);
    };
    paging::fetch(
        pool,
        "SELECT count(*) FROM webhook_deliveries d",
        "SELECT d.id, d.endpoint_id, d.event_id, ev.type AS event_type, d.attempt,
                d.status_code, d.duration_ms, d.error, d.outcome, d.next_attempt_at,
                d.created_at
         FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id",
        filter,
        sort,
        "d.id",
        page,
    )
    .await
}

#[derive(Debug, Deserialize)]
struct DeliverJob {
    business_id: i64,
    endpoint_id: i64,
    event_id: String,
    /// A "send again" (`resend`): one attempt more whatever settled before, never retried.
    #[serde(default)]
    manual: bool,
}

/// What a receiver gets: the event as `GET /events/{id}` shows it, plus Koteshen's
/// names for its type and time (`event`, `occurred_at`).
#[derive(Serialize)]
struct Body<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    event: &'a str,
    created_at: &'a str,
    occurred_at: &'a str,
    data: &'a Value,
    /// Who did it (`crate::actor`).
    actor: &'a crate::actor::Actor,
}

pub use super::signature::standard as sign;

/// The wait before the next attempt after `attempt` failed: the schedule's, plus up to
/// 10 % jitter so that endpoints failing together do not retry together; or what the
/// receiver asked for in `Retry-After` (5 s to 24 h).
pub fn next_delay(attempt: i32, retry_after: Option<i64>) -> Duration {
    if let Some(seconds) = retry_after {
        return Duration::seconds(seconds).clamp(RETRY_AFTER_MIN, RETRY_AFTER_MAX);
    }
    let index = (attempt.max(1) as usize - 1).min(SCHEDULE.len() - 1);
    let base = SCHEDULE[index];
    let mut random = [0u8; 2];
    let _ = getrandom::fill(&mut random);
    let permille = i64::from(u16::from_le_bytes(random) % 101);
    base + Duration::milliseconds(base.num_milliseconds() * permille / 1000)
}

/// How one attempt went, for the log and the queue.
struct Verdict {
    outcome: &'static str,
    error: Option<String>,
    next_attempt_at: Option<DateTime<Utc>>,
    /// Why the endpoint is being disabled, if it is.
    disable: Option<String>,
    job: Result<(), JobError>,
}

fn judge(
    answer: Result<client::Answer, String>,
    attempt: i32,
    failing_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Verdict {
    let (error, retry_after) = match &answer {
        Ok(a) if (200..300).contains(&a.status) => {
            return Verdict {
                outcome: "succeeded",
                error: None,
                next_attempt_at: None,
                disable: None,
                job: Ok(()),
            };
        }
        Ok(a) if a.status == 410 => {
            let reason = format!(
                "the endpoint answered 410 Gone on {}",
                timestamp::format(&now)
            );
            return Verdict {
                outcome: "failed",
                error: Some("the receiver answered 410 Gone".into()),
                next_attempt_at: None,
                disable: Some(reason.clone()),
                job: Err(JobError::Fatal(reason)),
            };
        }
        Ok(a) => (format!("the receiver answered {}", a.status), a.retry_after),
        Err(message) => (message.clone(), None),
    };
    let since = failing_since.unwrap_or(now);
    if now - since >= DISABLE_AFTER {
        let reason = format!(
            "every delivery attempt failed for {} days (since {})",
            DISABLE_AFTER.num_days(),
            timestamp::format(&since)
        );
        return Verdict {
            outcome: "failed",
            error: Some(error),
            next_attempt_at: None,
            disable: Some(reason.clone()),
            job: Err(JobError::Fatal(reason)),
        };
    }
    if attempt >= MAX_ATTEMPTS {
        return Verdict {
            outcome: "failed",
            job: Err(JobError::Fatal(format!(
                "gave up after {attempt} attempts: {error}"
            ))),
            error: Some(error),
            next_attempt_at: None,
            disable: None,
        };
    }
    let delay = next_delay(attempt, retry_after);
    Verdict {
        outcome: "retrying",
        job: Err(JobError::RetryAfter(delay, error.clone())),
        error: Some(error),
        next_attempt_at: Some(now + delay),
        disable: None,
    }
}

/// The `webhook.deliver` job: one attempt to deliver one event to one endpoint.
pub async fn deliver(ctx: JobContext, payload: Value) -> Result<(), JobError> {
    let job: DeliverJob = serde_json::from_value(payload)
        .map_err(|e| JobError::Fatal(format!("malformed delivery job: {e}")))?;
    let pool = &ctx.pool;
    // Scoped to the job's business: an endpoint only ever sees its own business's events.
    let Some(endpoint) = endpoints::find(pool, job.business_id, job.endpoint_id, false).await?
    else {
        return Ok(()); // deleted since
    };
    let Some(event) = events::find(pool, job.business_id, &job.event_id).await? else {
        return Err(JobError::Fatal("the event does not exist".into()));
    };
    if !endpoint.enabled || !endpoint.subscribes_to(&event.event_type) {
        return Ok(()); // disabled or unsubscribed since
    }
    let Some(attempt) = next_attempt(pool, endpoint.id, &event.id, job.manual).await? else {
        return Ok(()); // a run that died before finishing its job already settled it
    };
    let limits = &ctx.config.limits;
    let now = ctx.clock.now();
    let gate = throttle::gate(&endpoint, limits.webhook_breaker_failures, now);
    if let throttle::Gate::Wait(until) = gate {
        return Err(JobError::Later(
            until - now,
            "the circuit breaker is open".into(),
        ));
    }
    // The lease outlives the attempt's deadline; it only matters if this worker dies.
    let lease = now
        + Duration::from_std(limits.webhook_timeout).unwrap_or(Duration::minutes(1))
        + Duration::minutes(1);
    let Some(slot) = throttle::take_slot(
        pool,
        endpoint.id,
        limits.webhook_in_flight_per_endpoint,
        now,
        lease,
    )
    .await?
    else {
        return Err(JobError::Later(
            throttle::SLOT_WAIT,
            "every in-flight slot of the endpoint is taken".into(),
        ));
    };
    let outcome = with_slot(&ctx, &endpoint, &event, attempt, gate, job.manual).await;
    // Given back whatever happened; a failure here leaves it to its lease.
    if let Err(err) = throttle::release(pool, slot).await {
        tracing::warn!(endpoint = endpoint.id, error = %err, "releasing a delivery slot failed");
    }
    outcome
}

/// With a slot held: the half-open probe if the breaker asks for one (another run may
/// have taken it: then wait), then the attempt.
async fn with_slot(
    ctx: &JobContext,
    endpoint: &Endpoint,
    event: &events::Event,
    attempt: i32,
    gate: throttle::Gate,
    manual: bool,
) -> Result<(), JobError> {
    let breaker = Breaker::of(ctx);
    let probe = gate == throttle::Gate::Probe;
    if probe {
        let now = ctx.clock.now();
        let until = now + breaker.cooldown;
        if !throttle::take_probe(&ctx.pool, endpoint.id, breaker.failures, now, until).await? {
            return Err(JobError::Later(
                breaker.cooldown,
                "another delivery is probing the endpoint".into(),
            ));
        }
    }
    attempt_delivery(ctx, endpoint, event, attempt, probe, manual).await
}

/// One attempt, with a slot held: POST, judge, record; `probe` when it is the circuit
/// breaker's half-open try (its success wakes the deliveries the breaker held back).
async fn attempt_delivery(
    ctx: &JobContext,
    endpoint: &Endpoint,
    event: &events::Event,
    attempt: i32,
    probe: bool,
    manual: bool,
) -> Result<(), JobError> {
    // A manual attempt is the only one its job makes: a failure is final.
    let judge = |answer, attempt, failing_since, now| {
        let verdict = judge(answer, attempt, failing_since, now);
        if manual && verdict.outcome == "retrying" {
            Verdict {
                outcome: "failed",
                next_attempt_at: None,
                job: Ok(()),
                ..verdict
            }
        } else {
            verdict
        }
    };
    let pool = &ctx.pool;
    let now = ctx.clock.now();
    let (body, signed) = signed_body(endpoint, event, now)?;
    let policy = client::Policy {
        allow_private: ctx.config.webhook_allow_private,
        timeout: ctx.config.limits.webhook_timeout,
    };
    let breaker = Breaker::of(ctx);
    // This server cannot make requests at all (no CA certificates): its fault, not the
    // receiver's, so the attempt is logged and retried but the endpoint's failure clock
    // and breaker stay where they are.
    if let Err(reason) = client::shared(policy.allow_private) {
        let verdict = judge(Err(reason), attempt, None, now);
        let attempted = Attempted {
            attempt,
            status_code: None,
            duration_ms: 0,
        };
        record(pool, endpoint, &event.id, &attempted, &verdict, None, now).await?;
        return verdict.job;
    }
    let answer = match Url::parse(&endpoint.url) {
        Ok(url) => {
            let started = std::time::Instant::now();
            let answer = client::post(&url, body, &signed, policy, now).await;
            (answer, started.elapsed().as_millis())
        }
        Err(_) => (Err("the endpoint's url is not a valid URL".into()), 0),
    };
    let (answer, elapsed) = answer;
    let status_code = answer.as_ref().ok().map(|a| i32::from(a.status));
    let now = ctx.clock.now();
    let verdict = judge(answer, attempt, endpoint.failing_since, now);
    let attempted = Attempted {
        attempt,
        status_code,
        duration_ms: i32::try_from(elapsed).unwrap_or(i32::MAX),
    };
    record(
        pool,
        endpoint,
        &event.id,
        &attempted,
        &verdict,
        Some(breaker),
        now,
    )
    .await?;
    if probe && verdict.outcome == "succeeded" {
        throttle::wake_held(pool, endpoint, now, now + breaker.cooldown * 2).await?;
    }
    verdict.job
}

/// The circuit breaker's settings, as `record` applies them.
#[derive(Clone, Copy)]
struct Breaker {
    failures: u32,
    cooldown: Duration,
}

impl Breaker {
    fn of(ctx: &JobContext) -> Self {
        let limits = &ctx.config.limits;
        Breaker {
            failures: limits.webhook_breaker_failures,
            cooldown: Duration::from_std(limits.webhook_breaker_cooldown)
                .unwrap_or(Duration::minutes(1)),
        }
    }
}

/// The attempt number this run makes; `None` when an earlier run settled the delivery
/// (a manual "send again" is one more whatever earlier runs settled).
async fn next_attempt(
    pool: &PgPool,
    endpoint_id: i64,
    event_id: &str,
    manual: bool,
) -> sqlx::Result<Option<i32>> {
    let (done, finished): (i64, bool) = sqlx::query_as(
        "SELECT count(*), coalesce(bool_or(outcome <> 'retrying'), false)
         FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2",
    )
    .bind(endpoint_id)
    .bind(event_id)
    .fetch_one(pool)
    .await?;
    Ok((manual || !finished).then(|| i32::try_from(done).unwrap_or(i32::MAX - 1) + 1))
}

/// The request body and the headers that sign it, as of `now`.
fn signed_body(
    endpoint: &Endpoint,
    event: &events::Event,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, Signed), JobError> {
    let created_at = timestamp::format(&event.created_at);
    let body = serde_json::to_vec(&Body {
        id: &event.id,
        event_type: &event.event_type,
        event: &event.event_type,
        created_at: &created_at,
        occurred_at: &created_at,
        data: &event.data.0,
        actor: &event.actor.0,
    })
    .map_err(|e| JobError::Fatal(e.to_string()))?;
    let signature =
        sign(endpoint, &event.id, now.timestamp(), &body, now).map_err(JobError::Fatal)?;
    let signed = Signed {
        webhook_id: event.id.clone(),
        timestamp: now.timestamp(),
        signature,
        koteshen_signature: signature::koteshen(&endpoint.secret, &body),
    };
    Ok((body, signed))
}

/// What one attempt measured.
struct Attempted {
    attempt: i32,
    status_code: Option<i32>,
    duration_ms: i32,
}

/// Moves the endpoint's failure clock and circuit breaker (disabling it when the
/// verdict says so) and logs the attempt, in one transaction. The attempt that opens
/// the breaker says so in its error, with until when deliveries wait. Without
/// `breaker` (a failure of this server's own) the endpoint is left as it is.
async fn record(
    pool: &PgPool,
    endpoint: &Endpoint,
    event_id: &str,
    attempted: &Attempted,
    verdict: &Verdict,
    breaker: Option<Breaker>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let error = match breaker {
        Some(breaker) => move_failure_clock(&mut tx, endpoint, verdict, breaker, now).await?,
        None => verdict.error.clone(),
    };
    sqlx::query(
        "INSERT INTO webhook_deliveries (business_id, endpoint_id, event_id, attempt,
             status_code, duration_ms, error, outcome, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(endpoint.business_id)
    .bind(endpoint.id)
    .bind(event_id)
    .bind(attempted.attempt)
    .bind(attempted.status_code)
    .bind(attempted.duration_ms)
    .bind(&error)
    .bind(verdict.outcome)
    .bind(verdict.next_attempt_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(reason) = &verdict.disable {
        endpoints::disable(&mut tx, endpoint.id, reason, now).await?;
        tracing::warn!(endpoint = endpoint.id, reason = %reason, "webhook endpoint disabled");
    }
    tx.commit().await
}

/// A success stops the failure clock and closes the breaker; a failure starts the
/// clock unless it already runs and counts towards the breaker (decided in SQL, so
/// concurrent deliveries to one endpoint cannot undo each other). Answers the
/// attempt's error as logged: saying so when this failure opened the breaker.
async fn move_failure_clock(
    conn: &mut PgConnection,
    endpoint: &Endpoint,
    verdict: &Verdict,
    breaker: Breaker,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    let (failures, open_until): (i32, Option<DateTime<Utc>>) = sqlx::query_as(
        "UPDATE webhook_endpoints
         SET failing_since = CASE WHEN $2 THEN NULL ELSE coalesce(failing_since, $3) END,
             consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END,
             breaker_open_until = CASE WHEN $2 THEN NULL
                 WHEN consecutive_failures + 1 >= $4 THEN $5
                 ELSE breaker_open_until END
         WHERE id = $1
         RETURNING consecutive_failures, breaker_open_until",
    )
    .bind(endpoint.id)
    .bind(verdict.outcome == "succeeded")
    .bind(now)
    .bind(i64::from(breaker.failures))
    .bind(now + breaker.cooldown)
    .fetch_one(conn)
    .await?;
    Ok(match (&verdict.error, open_until) {
        (Some(error), Some(until)) if i64::from(failures) >= i64::from(breaker.failures) => {
            Some(format!(
                "{error} ({failures} failed attempts in a row: the circuit breaker holds \
                 this endpoint's deliveries until {})",
                timestamp::format(&until)
            ))
        }
        (error, _) => error.clone(),
    })
}

/// Deletes up to `limit` delivery attempts logged before `older_than` (the retention
/// sweep, `jobs::prune`), oldest first.
pub async fn prune_deliveries(
    pool: &PgPool,
    older_than: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM webhook_deliveries WHERE id IN (
             SELECT id FROM webhook_deliveries WHERE created_at < $1
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn answer(status: u16) -> Result<client::Answer, String> {
        Ok(client::Answer {
            status,
            retry_after: None,
        })
    }

    #[test]
    fn delays_follow_the_schedule_with_at_most_ten_percent_jitter() {
        for (i, base) in SCHEDULE.iter().enumerate() {
            let delay = next_delay(i as i32 + 1, None);
            assert!(delay >= *base && delay <= *base + *base / 10, "{delay}");
        }
        assert_eq!(next_delay(1, Some(120)), Duration::seconds(120));
        assert_eq!(next_delay(1, Some(0)), Duration::seconds(5));
        assert_eq!(next_delay(1, Some(10_000_000)), Duration::hours(24));
    }

    #[test]
    fn only_2xx_succeeds_and_the_last_attempt_gives_up() {
        let now = at("2025-10-21T10:00:00Z");
        assert_eq!(judge(answer(204), 1, None, now).outcome, "succeeded");
        let v = judge(answer(302), 1, None, now);
        assert_eq!(v.outcome, "retrying");
        assert!(matches!(v.job, Err(JobError::RetryAfter(..))));
        let v = judge(answer(500), MAX_ATTEMPTS, Some(now), now);
        assert_eq!(v.outcome, "failed");
        assert!(matches!(v.job, Err(JobError::Fatal(_))));
        assert!(v.disable.is_none());
    }

    #[test]
    fn gone_or_failing_for_five_days_disables() {
        let now = at("2025-10-21T10:00:00Z");
        assert!(judge(answer(410), 1, None, now).disable.is_some());
        let v = judge(Err("down".into()), 2, Some(now - Duration::days(4)), now);
        assert!(v.disable.is_none());
        let v = judge(Err("down".into()), 2, Some(now - Duration::days(5)), now);
        assert!(v.disable.unwrap().contains("5 days"));
    }
}
