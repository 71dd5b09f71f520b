//! Rate limits in fixed one-minute windows, counted as Rails' rack-attack counts them:
//! every request in a window adds one; past the limit the answer is 429 until the window
//! ends, then the budget is whole again. Three budgets: per token grant on `/api/v1`, per
//! client IP on `/oauth/token`, and per client IP for invalid bearer tokens.
//!
//! Counters live behind `CounterStore`, so a store shared by several server processes can
//! replace the in-process one without touching the rules.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::app::AppState;
use crate::auth::Auth;
use crate::error::ApiError;

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

/// The three budgets over one store.
#[derive(Clone)]
pub struct Limiter {
    store: Arc<dyn CounterStore>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(Arc::new(MemoryStore::default()))
    }
}

impl Limiter {
    pub fn new(store: Arc<dyn CounterStore>) -> Self {
        Limiter { store }
    }

    /// Counts one request under `key` and says whether it is within `limit`.
    pub async fn check(
        &self,
        key: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Verdict> {
        let window_start = now.timestamp().div_euclid(WINDOW_SECONDS) * WINDOW_SECONDS;
        let count = self.store.hit(key, window_start).await?;
        let reset_at = window_start + WINDOW_SECONDS;
        Ok(Verdict {
            limit,
            remaining: u32::try_from(u64::from(limit).saturating_sub(count)).unwrap_or(0),
            reset_at,
            reset_in: (reset_at - now.timestamp()).max(1),
            allowed: count <= u64::from(limit),
        })
    }
}

/// The 429 every budget answers, with `Retry-After`.
pub fn too_many_requests(verdict: &Verdict) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "Rate limit exceeded; try again in {} seconds",
            verdict.reset_in
        ),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(verdict.reset_in))
}

/// The IETF draft fields and the legacy `X-RateLimit-*` ones.
fn set_headers(headers: &mut HeaderMap, verdict: &Verdict) {
    let policy = format!("\"token\";q={};w={WINDOW_SECONDS}", verdict.limit);
    let state = format!("\"token\";r={};t={}", verdict.remaining, verdict.reset_in);
    for (name, value) in [
        ("ratelimit-policy", policy),
        ("ratelimit", state),
        ("x-ratelimit-limit", verdict.limit.to_string()),
        ("x-ratelimit-remaining", verdict.remaining.to_string()),
        ("x-ratelimit-reset", verdict.reset_at.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// The client's IP as the socket saw it (the server runs with connect info).
pub fn client_ip(req: &Request) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// Extractor for the client's IP; `None` when the server runs without connect info.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// Route layer inside `require_bearer`: counts the request against its token grant's
/// budget (refreshes keep the grant, so they keep the budget).
pub async fn per_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(auth) = req.extensions().get::<Auth>().cloned() else {
        return next.run(req).await;
    };
    let key = format!("token:{}", auth.family_id);
    let verdict = match state
        .limiter
        .check(&key, state.config.rate_limit_per_minute, state.clock.now())
        .await
    {
        Ok(verdict) => verdict,
        Err(err) => return ApiError::internal(err).into_response(),
    };
    let mut response = if verdict.allowed {
        next.run(req).await
    } else {
        too_many_requests(&verdict).into_response()
    };
    set_headers(response.headers_mut(), &verdict);
    response
}

/// Route layer outside `require_bearer`: every invalid token a client IP sends counts;
/// past the limit, further invalid tokens from it answer 429 instead of 401. A valid
/// token never reaches the count, so it is never blocked here.
pub async fn failed_bearer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = client_ip(&req);
    let response = next.run(req).await;
    let Some(ip) = ip else { return response };
    if !is_invalid_token(&response) {
        return response;
    }
    let key = format!("bearer-fail:{ip}");
    match state
        .limiter
        .check(
            &key,
            state.config.failed_bearer_per_minute,
            state.clock.now(),
        )
        .await
    {
        Ok(verdict) if !verdict.allowed => too_many_requests(&verdict).into_response(),
        Ok(_) => response,
        Err(err) => ApiError::internal(err).into_response(),
    }
}

fn is_invalid_token(response: &Response) -> bool {
    response.status() == StatusCode::UNAUTHORIZED
        && response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("invalid_token"))
}

/// Per client IP on `/oauth/token`: `None` when within the budget, else the 429.
pub async fn token_endpoint(state: &AppState, ip: Option<IpAddr>) -> Option<Response> {
    let ip = ip?;
    let key = format!("oauth-token:{ip}");
    match state
        .limiter
        .check(
            &key,
            state.config.token_endpoint_per_minute,
            state.clock.now(),
        )
        .await
    {
        Ok(verdict) if !verdict.allowed => Some(too_many_requests(&verdict).into_response()),
        Ok(_) => None,
        Err(err) => Some(ApiError::internal(err).into_response()),
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
            let v = limiter.check("k", 3, at(start)).await.unwrap();
            assert!(v.allowed);
            assert_eq!(v.remaining, 3 - n);
            assert_eq!(v.reset_in, 20);
            assert_eq!(v.reset_at, 1_700_000_100);
        }
        let over = limiter.check("k", 3, at(start + 5)).await.unwrap();
        assert!(!over.allowed);
        assert_eq!(over.remaining, 0);
        assert_eq!(over.reset_in, 15);
        let next = limiter.check("k", 3, at(start + 20)).await.unwrap();
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
