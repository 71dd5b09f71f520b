//! A short-lived, in-process cache of verified bearer tokens, so that a request does not
//! pay a database round trip to learn who is calling.
//!
//! Revocation stays prompt, in this process and in every other one, and forgets only
//! the tokens it ends (a client refreshing in a loop leaves everyone else's cached):
//! - every change that ends a token (whoever makes it: this server, another process,
//!   SQL by hand) fires `NOTIFY koteshen_token_revoked` from a trigger on
//!   `oauth_access_tokens`, at its commit, naming the row (`token:<id>`; `user:<id>`
//!   when a user's tokens all changed business; no payload: everything); each serving
//!   process LISTENs and evicts what it names;
//! - this process's own revocations also evict their tokens synchronously
//!   ([`TokenCache::evict`]), so the very next request sees them without waiting for
//!   the notification;
//! - the cache serves nothing while the LISTEN connection is down (the notifications
//!   it would miss), and empties itself when the connection comes back;
//! - a token read from the database just before a revocation is never cached after it:
//!   every eviction bumps a generation, and a lookup caches its answer only if the
//!   generation it started with is still the current one (entries already cached are
//!   not touched by it);
//! - entries live [`TTL`] at most, and expiry is checked against the app's clock on
//!   every hit.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::watch;

use super::tokens::TokenContext;

/// The channel the revocation trigger notifies.
pub const CHANNEL: &str = "koteshen_token_revoked";
/// The longest a verified token is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(15);
/// Past this many entries the cache starts over (a bound on memory, not an LRU).
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    context: TokenContext,
    cached_at: Instant,
}

/// The entries by token hash (how requests look them up) and the hash by token id (how
/// notifications name them).
#[derive(Default)]
struct Entries {
    by_hash: HashMap<String, Entry>,
    by_id: HashMap<i64, String>,
}

impl Entries {
    fn remove_token(&mut self, token_id: i64) {
        if let Some(hash) = self.by_id.remove(&token_id) {
            self.by_hash.remove(&hash);
        }
    }

    fn remove_user(&mut self, user_id: i64) {
        let Entries { by_hash, by_id } = self;
        by_hash.retain(|_, e| {
            let keep = e.context.user_id != user_id;
            if !keep {
                by_id.remove(&e.context.token_id);
            }
            keep
        });
    }

    fn clear(&mut self) {
        self.by_hash.clear();
        self.by_id.clear();
    }
}

#[derive(Clone, Default)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: Mutex<Entries>,
    /// True while the LISTEN connection is up: only then are entries served.
    listening: AtomicBool,
    /// Evictions seen (this server's own, and those LISTEN reported).
    generation: AtomicU64,
}

/// What a lookup needs to cache its answer afterwards.
pub struct Ticket {
    generation: u64,
}

/// What a notification asks the cache to forget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eviction {
    Token(i64),
    User(i64),
    All,
}

impl Eviction {
    /// Anything but a well-formed `token:<id>` or `user:<id>` forgets everything: a
    /// notification is never ignored.
    fn parse(payload: &str) -> Eviction {
        let id = |rest: &str| rest.parse::<i64>().ok();
        if let Some(token) = payload.strip_prefix("token:").and_then(id) {
            Eviction::Token(token)
        } else if let Some(user) = payload.strip_prefix("user:").and_then(id) {
            Eviction::User(user)
        } else {
            Eviction::All
        }
    }
}

impl TokenCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached context of a token hash, if still trusted at `now`; else a ticket to
    /// cache what the database answers.
    pub fn get(&self, hash: &str, now: DateTime<Utc>) -> Result<TokenContext, Ticket> {
        let ticket = Ticket {
            generation: self.inner.generation.load(Ordering::SeqCst),
        };
        if !self.inner.listening.load(Ordering::SeqCst) {
            return Err(ticket);
        }
        match self.lock().by_hash.get(hash) {
            Some(e) if e.cached_at.elapsed() < TTL && e.context.expires_at > now => {
                Ok(e.context.clone())
            }
            _ => Err(ticket),
        }
    }

    /// Caches a live token read from the database, unless an eviction happened since
    /// the ticket was taken (or the LISTEN connection is down).
    pub fn put(&self, ticket: Ticket, hash: String, context: TokenContext) {
        let mut entries = self.lock();
        // Checked under the lock: an eviction bumps the generation before taking it.
        if ticket.generation != self.inner.generation.load(Ordering::SeqCst)
            || !self.inner.listening.load(Ordering::SeqCst)
        {
            return;
        }
        if entries.by_hash.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.by_id.insert(context.token_id, hash.clone());
        entries.by_hash.insert(
            hash,
            Entry {
                context,
                cached_at: Instant::now(),
            },
        );
    }

    /// Call after committing a revocation: the cache forgets these tokens (by row id)
    /// at once, without waiting for the notification.
    pub fn evict(&self, token_ids: &[i64]) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        let mut entries = self.lock();
        for id in token_ids {
            entries.remove_token(*id);
        }
    }

    fn apply(&self, eviction: Eviction) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        let mut entries = self.lock();
        match eviction {
            Eviction::Token(id) => entries.remove_token(id),
            Eviction::User(id) => entries.remove_user(id),
            Eviction::All => entries.clear(),
        }
    }

    fn clear(&self) {
        self.apply(Eviction::All);
    }

    /// How many tokens are cached.
    pub fn len(&self) -> usize {
        self.lock().by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn set_listening(&self, up: bool) {
        self.inner.listening.store(up, Ordering::SeqCst);
    }

    /// Waits (at most `limit`) for the LISTEN connection to be up.
    pub async fn wait_until_listening(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.inner.listening.load(Ordering::SeqCst) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Listens for revocations until `stop` turns true. Runs beside the server.
    pub async fn listen(self, pool: PgPool, mut stop: watch::Receiver<bool>) {
        // A connection of its own, not one of the request pool's.
        let options = (*pool.connect_options()).clone();
        let listen_pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        loop {
            let connect = async {
                let mut listener = PgListener::connect_with(&listen_pool).await?;
                listener.listen(CHANNEL).await?;
                Ok::<_, sqlx::Error>(listener)
            };
            let connected = tokio::select! {
                _ = stop.changed() => break,
                connected = connect => connected,
            };
            let mut listener = match connected {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(error = %err, "token cache: cannot LISTEN for revocations");
                    if wait_or_stop(&mut stop, Duration::from_secs(1)).await {
                        break;
                    }
                    continue;
                }
            };
            // Whatever was revoked while nobody listened is forgotten with the rest.
            self.clear();
            self.set_listening(true);
            let stopped = loop {
                tokio::select! {
                    _ = stop.changed() => break true,
                    received = listener.try_recv() => match received {
                        Ok(Some(notification)) => {
                            self.apply(Eviction::parse(notification.payload()));
                        }
                        // The connection was lost: notifications may have been missed.
                        Ok(None) | Err(_) => break false,
                    }
                }
            };
            self.set_listening(false);
            self.clear();
            // Gives its connection back, so that the pool can close.
            drop(listener);
            if stopped || *stop.borrow() {
                break;
            }
        }
        self.set_listening(false);
        listen_pool.close().await;
    }
}

/// Sleeps, or answers true at once if asked to stop meanwhile.
async fn wait_or_stop(stop: &mut watch::Receiver<bool>, pause: Duration) -> bool {
    tokio::select! {
        _ = stop.changed() => true,
        _ = tokio::time::sleep(pause) => *stop.borrow(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(token_id: i64, user_id: i64) -> TokenContext {
        TokenContext {
            token_id,
            family_id: uuid::Uuid::new_v4(),
            application_id: 1,
            user_id,
            business_id: 1,
            scopes: "read".into(),
            expires_at: DateTime::<Utc>::MAX_UTC,
            created_at: DateTime::<Utc>::MIN_UTC,
            client_credentials: false,
            user_name: "user".into(),
            application_name: "app".into(),
        }
    }

    fn listening_cache() -> TokenCache {
        let cache = TokenCache::default();
        cache.set_listening(true);
        cache
    }

    fn cache_token(cache: &TokenCache, hash: &str, token_id: i64, user_id: i64) {
        let ticket = cache.get(hash, Utc::now()).unwrap_err();
        cache.put(ticket, hash.into(), context(token_id, user_id));
    }

    #[test]
    fn evicting_a_token_leaves_the_others_cached() {
        let cache = listening_cache();
        cache_token(&cache, "a", 1, 10);
        cache_token(&cache, "b", 2, 10);
        cache.evict(&[1]);
        assert!(cache.get("a", Utc::now()).is_err());
        assert_eq!(cache.get("b", Utc::now()).ok().map(|c| c.token_id), Some(2));
    }

    #[test]
    fn notifications_evict_what_they_name() {
        let cache = listening_cache();
        cache_token(&cache, "a", 1, 10);
        cache_token(&cache, "b", 2, 10);
        cache_token(&cache, "c", 3, 11);
        cache.apply(Eviction::parse("token:3"));
        assert_eq!(cache.len(), 2);
        cache.apply(Eviction::parse("user:10"));
        assert!(cache.is_empty());
        cache_token(&cache, "d", 4, 12);
        cache.apply(Eviction::parse(""));
        assert!(cache.is_empty());
        assert_eq!(Eviction::parse("token:x"), Eviction::All);
    }

    #[test]
    fn a_lookup_that_raced_an_eviction_is_not_cached() {
        let cache = listening_cache();
        let ticket = cache.get("a", Utc::now()).unwrap_err();
        // Revoked (and evicted) while the database answered the lookup.
        cache.evict(&[1]);
        cache.put(ticket, "a".into(), context(1, 10));
        assert!(cache.get("a", Utc::now()).is_err());
    }

    #[test]
    fn nothing_is_served_while_not_listening() {
        let cache = listening_cache();
        cache_token(&cache, "a", 1, 10);
        cache.set_listening(false);
        assert!(cache.get("a", Utc::now()).is_err());
    }
}
