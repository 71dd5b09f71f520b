//! The `jobs` table: enqueueing, claiming, and recording outcomes.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::clock::Clock;
use crate::config::Config;

/// What a job handler or a sweep can reach.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// The key the customer's page links are derived from (the emails carry them).
    pub links: crate::link_key::LinkKey,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Which handler runs it.
    pub kind: &'static str,
    pub payload: Value,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i32,
    /// While a job with this key is queued or running, enqueueing the key again does
    /// nothing.
    pub unique_key: Option<String>,
    /// The business the job works for: claims share the workers fairly between them.
    pub business_id: Option<i64>,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: Value, run_at: DateTime<Utc>) -> Self {
        NewJob {
            kind,
            payload,
            run_at,
            max_attempts: 10,
            unique_key: None,
            business_id: None,
        }
    }

    pub fn max_attempts(mut self, n: i32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    pub fn unique_key(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    pub fn business(mut self, business_id: i64) -> Self {
        self.business_id = Some(business_id);
        self
    }
}

/// Enqueues a job on the caller's connection (usually inside its transaction). Answers
/// the job's id, or `None` when a live job with the same unique key already exists.
pub async fn enqueue(conn: &mut PgConnection, job: NewJob) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, business_id)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
         DO NOTHING
         RETURNING id",
    )
    .bind(job.kind)
    .bind(&job.payload)
    .bind(job.run_at)
    .bind(job.max_attempts)
    .bind(&job.unique_key)
    .bind(job.business_id)
    .fetch_optional(conn)
    .await
}

/// A claimed job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub max_attempts: i32,
    pub business_id: Option<i64>,
}

/// Why a job failed, and when to try again.
#[derive(Debug)]
pub enum JobError {
    /// Try again after the usual backoff.
    Retry(String),
    /// Try again after this long (a server's `Retry-After`, a fixed schedule).
    RetryAfter(Duration, String),
    /// Never try again.
    Fatal(String),
    /// Not now (no free slot, an open circuit breaker): back to the queue after this
    /// long, and the attempt this run was is given back.
    Later(Duration, String),
}

impl JobError {
    pub fn message(&self) -> &str {
        match self {
            JobError::Retry(m)
            | JobError::RetryAfter(_, m)
            | JobError::Fatal(m)
            | JobError::Later(_, m) => m,
        }
    }
}

impl<E: std::fmt::Display> From<E> for JobError {
    fn from(err: E) -> Self {
        JobError::Retry(err.to_string())
    }
}

/// How long a claim lasts: a running job older than this is taken to have lost its
/// worker and is claimed again.
pub const LEASE: Duration = Duration::minutes(5);

/// Claims the next due job, marking it running; `None` when nothing is due. Fair
/// between businesses: a due job of the business with the fewest jobs running in this
/// worker goes first (then the oldest), and a business already running `per_business`
/// here waits; jobs of no business, and jobs whose worker died, are never held back.
///
/// The candidates are each waiting business's two oldest due jobs, found by walking the
/// businesses with queued jobs in `jobs_queued_business_idx` (a skip scan): the cost
/// follows how many businesses wait, not how long one business's backlog is.
pub async fn claim(
    pool: &PgPool,
    worker: &str,
    now: DateTime<Utc>,
    per_business: usize,
) -> sqlx::Result<Option<Job>> {
    sqlx::query_as::<_, Job>(
        "WITH RECURSIVE busy AS (
             SELECT business_id, count(*) AS running FROM jobs
             WHERE status = 'running' AND locked_by = $2 AND locked_at >= $3
               AND business_id IS NOT NULL
             GROUP BY business_id
         ),
         waiting AS (
             (SELECT business_id FROM jobs WHERE status = 'queued' AND business_id IS NOT NULL
              ORDER BY business_id LIMIT 1)
             UNION ALL
             SELECT (SELECT j.business_id FROM jobs j
                     WHERE j.status = 'queued' AND j.business_id > w.business_id
                     ORDER BY j.business_id LIMIT 1)
             FROM waiting w WHERE w.business_id IS NOT NULL
         ),
         candidates AS (
             SELECT c.id, c.run_at, coalesce(b.running, 0) AS running
             FROM waiting w
             LEFT JOIN busy b ON b.business_id = w.business_id
             CROSS JOIN LATERAL (
                 SELECT j.id, j.run_at FROM jobs j
                 WHERE j.status = 'queued' AND j.business_id = w.business_id
                   AND j.run_at <= $1
                 ORDER BY j.run_at, j.id LIMIT 2) c
             WHERE w.business_id IS NOT NULL AND coalesce(b.running, 0) < $4
             UNION ALL
             (SELECT id, run_at, 0 FROM jobs
              WHERE status = 'queued' AND business_id IS NULL AND run_at <= $1
              ORDER BY run_at, id LIMIT 2)
             UNION ALL
             (SELECT id, run_at, 0 FROM jobs
              WHERE status = 'running' AND locked_at < $3
              ORDER BY locked_at LIMIT 2)
         )
         UPDATE jobs SET status = 'running', locked_at = $1, locked_by = $2,
             attempts = attempts + 1, updated_at = $1
         WHERE id = (
             SELECT j.id FROM candidates c JOIN jobs j ON j.id = c.id
             WHERE (j.status = 'queued' AND j.run_at <= $1)
                OR (j.status = 'running' AND j.locked_at < $3)
             ORDER BY c.running, c.run_at, c.id
             FOR UPDATE OF j SKIP LOCKED
             LIMIT 1)
         RETURNING id, kind, payload, attempts, max_attempts, business_id",
    )
    .bind(now)
    .bind(worker)
    .bind(now - LEASE)
    .bind(i64::try_from(per_business.max(1)).unwrap_or(i64::MAX))
    .fetch_optional(pool)
    .await
}

/// Exponential backoff: 5 s, 10 s, 20 s … capped at an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    let seconds = 5i64.saturating_mul(1i64 << exponent);
    Duration::seconds(seconds.min(3600))
}

pub async fn complete(pool: &PgPool, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = $2, locked_at = NULL, updated_at = $2
         WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failure: back to the queue for another attempt, or dead after the last.
pub async fn fail(
    pool: &PgPool,
    job: &Job,
    error: &JobError,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if let JobError::Later(delay, _) = error {
        return put_back(pool, job.id, now + *delay, now).await;
    }
    let retry_at = match error {
        JobError::Fatal(_) => None,
        _ if job.attempts >= job.max_attempts => None,
        JobError::RetryAfter(delay, _) => Some(now + *delay),
        JobError::Retry(_) => Some(now + backoff(job.attempts)),
        JobError::Later(..) => None,
    };
    sqlx::query(
        "UPDATE jobs SET
             status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'queued' END,
             run_at = coalesce($3, run_at),
             finished_at = CASE WHEN $3::timestamptz IS NULL THEN $4 ELSE NULL END,
             last_error = $2, locked_at = NULL, updated_at = $4
         WHERE id = $1",
    )
    .bind(job.id)
    .bind(error.message())
    .bind(retry_at)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Back to the queue at `run_at`, the attempt given back (it never started).
async fn put_back(
    pool: &PgPool,
    id: i64,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'queued', run_at = $2, attempts = greatest(attempts - 1, 0),
             locked_at = NULL, updated_at = $3
         WHERE id = $1",
    )
    .bind(id)
    .bind(run_at)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes up to `limit` jobs that will never run again: done before `done_before`, or
/// dead (given up) before `dead_before`; oldest first. Queued and running jobs stay.
pub async fn prune_finished_jobs(
    pool: &PgPool,
    done_before: DateTime<Utc>,
    dead_before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM jobs WHERE id IN (
             SELECT id FROM jobs
             WHERE status IN ('done', 'dead')
               AND finished_at < CASE status WHEN 'done' THEN $1 ELSE $2 END
             ORDER BY finished_at LIMIT $3 FOR UPDATE SKIP LOCKED)",
    )
    .bind(done_before)
    .bind(dead_before)
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(4), Duration::seconds(40));
        assert_eq!(backoff(30), Duration::seconds(3600));
    }
}
