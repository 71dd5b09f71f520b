//! Rate limits in fixed one-minute windows, counted as Rails' rack-attack counts them:
//! every request in a window adds one; past the limit the answer is 429 until the window
//! ends, then the budget is whole again. The budgets: per token grant on `/api/v1`; per
//! client IP and per client id on the OAuth endpoints that authenticate a client
//! (`/oauth/token`, `/oauth/revoke`, `/oauth/introspect`); per client IP for invalid
//! bearer tokens.
//!
//! Counters live behind `CounterStore` (`RATE_LIMIT_STORE`): in this process's memory
//! (`memory`, the default, right for one server) or in PostgreSQL (`postgres`, one
//! budget for every process on the database). This is the counting; the middleware that
//! applies the budgets to requests is `http::ratelimit`.
//!
//! A store that fails (the database out of reach, its pool exhausted) fails open: the
//! request is served unmetered and an error is logged, at most once per window per
//! process with the count of the checks it let through. The budgets protect the server
//! from overuse; refusing every request because the counter is unavailable would turn a
//! counter outage into a full outage.

mod postgres;

pub use postgres::PostgresStore;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

pub const WINDOW_SECONDS: i64 = 60;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where hits are counted. `hit` adds one to `key` in the window starting at
/// `window_start` (epoch seconds) and answers the count in that window so far.
pub trait CounterStore: Send + Sync + 'static {
    fn hit<'a>(&'a self, key: &'a str, window_start: i64) -> BoxFuture<'a, anyhow::Result<u64>>;
}

/// Counters in this process's memory. A key whose window has passed is idle: the first
/// hit of each new window sweeps all of them out, so memory holds one minute of keys.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    counts: HashMap<String, (i64, u64)>,
    swept_window: i64,
}

impl MemoryStore {
    pub fn len(&self) -> usize {
        self.lock().counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn hit_now(&self, key: &str, window_start: i64) -> u64 {
        let mut inner = self.lock();
        if window_start > inner.swept_window {
            inner.counts.retain(|_, (w, _)| *w >= window_start);
            inner.swept_window = window_start;
        }
        let entry = inner
            .counts
            .entry(key.to_string())
            .or_insert((window_start, 0));
        if entry.0 != window_start {
            *entry = (window_start, 0);
        }
        entry.1 += 1;
        entry.1
    }
}

impl CounterStore for MemoryStore {
    fn hit<'a>(&'a self, key: &'a str, window_start: i64) -> BoxFuture<'a, anyhow::Result<u64>> {
        let count = self.hit_now(key, window_start);
        Box::pin(async move { Ok(count) })
    }
}

/// The outcome of counting one request against a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds at which the window ends and the budget is whole again.
    pub reset_at: i64,
    /// Seconds until then (at least 1).
    pub reset_in: i64,
    pub allowed: bool,
}

/// The budgets over one store.
#[derive(Clone)]
pub struct Limiter {
    store: Arc<dyn CounterStore>,
    failures: Arc<Failures>,
}

/// The checks a failing store let through, for the log.
#[derive(Default)]
struct Failures {
    unlogged: AtomicU64,
    logged_window: AtomicI64,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(Arc::new(MemoryStore::default()))
    }
}

impl Limiter {
    pub fn new(store: Arc<dyn CounterStore>) -> Self {
        Limiter {
            store,
            failures: Arc::default(),
        }
    }

    /// Counts one request under `key` and says whether it is within `limit`. A store
    /// that fails lets it through (see the module's documentation).
    pub async fn check(&self, key: &str, limit: u32, now: DateTime<Utc>) -> Verdict {
        let window_start = now.timestamp().div_euclid(WINDOW_SECONDS) * WINDOW_SECONDS;
        let count = match self.store.hit(key, window_start).await {
            Ok(count) => count,
            Err(err) => {
                self.failed(window_start, &err);
                0
            }
        };
        let reset_at = window_start + WINDOW_SECONDS;
        Verdict {
            limit,
            remaining: u32::try_from(u64::from(limit).saturating_sub(count)).unwrap_or(0),
            reset_at,
            reset_in: (reset_at - now.timestamp()).max(1),
            allowed: count <= u64::from(limit),
        }
    }

    fn failed(&self, window_start: i64, err: &anyhow::Error) {
        let unlogged = self.failures.unlogged.fetch_add(1, Ordering::Relaxed) + 1;
        if self
            .failures
            .logged_window
            .fetch_max(window_start, Ordering::Relaxed)
            < window_start
        {
            self.failures
                .unlogged
                .fetch_sub(unlogged, Ordering::Relaxed);
            tracing::error!(
                error = %format!("{err:#}"),
                checks_let_through = unlogged,
                "the rate-limit store failed: requests are served unmetered until it answers"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[tokio::test]
    async fn the_budget_counts_down_and_comes_back_whole_in_the_next_window() {
        let limiter = Limiter::default();
        let start = 1_700_000_080; // 40 s into a minute
        for n in 1..=3u32 {
            let v = limiter.check("k", 3, at(start)).await;
            assert!(v.allowed);
            assert_eq!(v.remaining, 3 - n);
            assert_eq!(v.reset_in, 20);
            assert_eq!(v.reset_at, 1_700_000_100);
        }
        let over = limiter.check("k", 3, at(start + 5)).await;
        assert!(!over.allowed);
        assert_eq!(over.remaining, 0);
        assert_eq!(over.reset_in, 15);
        let next = limiter.check("k", 3, at(start + 20)).await;
        assert!(next.allowed);
        assert_eq!(next.remaining, 2);
    }

    #[test]
    fn idle_keys_are_evicted_when_a_new_window_starts() {
        let store = MemoryStore::default();
        for i in 0..100 {
            store.hit_now(&format!("key-{i}"), 60);
        }
        assert_eq!(store.len(), 100);
        store.hit_now("fresh", 120);
        assert_eq!(store.len(), 1);
    }
}
