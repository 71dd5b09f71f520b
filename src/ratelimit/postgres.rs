//! `RATE_LIMIT_STORE=postgres`: the counters in the database every server process already
//! shares, so N processes grant one budget, not N. One statement per hit: an upsert
//! that adds one and answers the count, atomic under concurrent hits from any process.
//!
//! - The table is UNLOGGED: no WAL for counters that only live a minute. A crash of the
//!   database empties it (every budget starts whole again), and replicas do not have it.
//! - The store has its own small pool, so the counting never waits behind the API's
//!   queries (a busy business cannot slow everyone's rate-limit check) and a check that
//!   cannot get a connection quickly fails instead of queueing (`Limiter` then fails
//!   open).
//! - Each process deletes the windows that have passed once per window.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::{BoxFuture, CounterStore};

/// The store's connections per process.
const CONNECTIONS: u32 = 4;
/// How long a hit waits for one of them before the check fails (and fails open).
const ACQUIRE: Duration = Duration::from_millis(500);

pub struct PostgresStore {
    pool: PgPool,
    swept_window: AtomicI64,
}

impl PostgresStore {
    /// A store on the same database as `pool`, over connections of its own (opened when
    /// first needed).
    pub fn beside(pool: &PgPool) -> PostgresStore {
        let options = (*pool.connect_options()).clone();
        PostgresStore {
            pool: PgPoolOptions::new()
                .max_connections(CONNECTIONS)
                .acquire_timeout(ACQUIRE)
                .connect_lazy_with(options),
            swept_window: AtomicI64::new(0),
        }
    }

    async fn hit_now(&self, key: &str, window_start: i64) -> anyhow::Result<u64> {
        if self.swept_window.fetch_max(window_start, Ordering::Relaxed) < window_start {
            sqlx::query("DELETE FROM rate_limit_counters WHERE window_start < $1")
                .bind(window_start)
                .execute(&self.pool)
                .await?;
        }
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limit_counters AS c (key, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(hits).unwrap_or(0))
    }
}

impl CounterStore for PostgresStore {
    fn hit<'a>(&'a self, key: &'a str, window_start: i64) -> BoxFuture<'a, anyhow::Result<u64>> {
        Box::pin(self.hit_now(key, window_start))
    }
}
