//! A short-lived, in-process cache of verified bearer tokens, so that a request does not
//! pay a database round trip to learn who is calling.
//!
//! Revocation stays prompt, in this process and in every other one:
//! - every revocation (whoever makes it: this server, another process, SQL by hand)
//!   fires `NOTIFY koteshen_token_revoked` from a trigger on `oauth_access_tokens`, at
//!   its commit; each serving process LISTENs and empties its cache on each one;
//! - this process's own revocations also empty it synchronously
//!   ([`TokenCache::revoked`]), so the
//!   very next request sees them without waiting for the notification;
//! - the cache serves nothing while the LISTEN connection is down (the notifications
//!   it would miss), and empties itself when the connection comes back;
//! - a token read from the database just before a revocation is never cached after it:
//!   every invalidation bumps a generation, and a lookup caches its answer only if the
//!   generation it started with is still the current one;
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
    generation: u64,
    cached_at: Instant,
}

#[derive(Clone, Default)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: Mutex<HashMap<String, Entry>>,
    /// True while the LISTEN connection is up: only then are entries served.
    listening: AtomicBool,
    /// Revocations seen (this server's own, and those LISTEN reported).
    generation: AtomicU64,
}

/// What a lookup needs to cache its answer afterwards.
pub struct Ticket {
    generation: u64,
}

impl TokenCache {
    /// The cached context of a token hash, if still trusted at `now`; else a ticket to
    /// cache what the database answers.
    pub fn get(&self, hash: &str, now: DateTime<Utc>) -> Result<TokenContext, Ticket> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let ticket = Ticket { generation };
        if !self.inner.listening.load(Ordering::SeqCst) {
            return Err(ticket);
        }
        let entries = self.inner.entries.lock().expect("token cache lock");
        match entries.get(hash) {
            Some(e)
                if e.generation == generation
                    && e.cached_at.elapsed() < TTL
                    && e.context.expires_at > now =>
            {
                Ok(e.context.clone())
            }
            _ => Err(ticket),
        }
    }

    /// Caches a live token read from the database, unless a revocation happened since
    /// the ticket was taken (or the LISTEN connection is down).
    pub fn put(&self, ticket: Ticket, hash: String, context: TokenContext) {
        let mut entries = self.inner.entries.lock().expect("token cache lock");
        // Checked under the lock: `clear` bumps the generation before taking it.
        if ticket.generation != self.inner.generation.load(Ordering::SeqCst)
            || !self.inner.listening.load(Ordering::SeqCst)
        {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            hash,
            Entry {
                context,
                generation: ticket.generation,
                cached_at: Instant::now(),
            },
        );
    }

    /// Call after committing a revocation: the cache forgets every token at once,
    /// without waiting for the notification.
    pub fn revoked(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn clear(&self) {
        self.revoked();
        self.inner.entries.lock().expect("token cache lock").clear();
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
                        Ok(Some(_)) => self.clear(),
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
