//! The retention sweep: what the server only logs or remembers for a while (events,
//! delivery attempts, finished jobs, spent OAuth codes and tokens, dashboard sessions,
//! idempotency keys) is
//! deleted once older than its `config.limits.retain_*`, so no table grows forever.
//!
//! Each table's SQL lives with the code that owns the table (`prune_*` there); this runs
//! them in small batches, each its own statement and so its own short transaction: no
//! prune holds many row locks or blocks writers for long, and a backlog (the first run
//! on an old database) drains over a few sweeps. Safe in two processes at once (the
//! batches take their rows with SKIP LOCKED).

use std::future::Future;

use crate::queue::JobContext;

/// Rows one statement deletes at most.
pub const BATCH: i64 = 1000;
/// Statements per table per sweep at most: 5,000 rows a table a tick.
pub const BATCHES_PER_SWEEP: usize = 5;

/// Deletes what is past its retention, table by table.
pub async fn sweep(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let limits = &ctx.config.limits;
    let pool = &ctx.pool;
    let oauth_before = now - limits.retain_oauth;
    let idle_before = oauth_before - limits.refresh_token_idle;
    let family_before = oauth_before - limits.refresh_token_lifetime;
    // Deliveries before events: an event goes only once no attempt logs it.
    drain("webhook deliveries", || {
        crate::webhooks::deliveries::prune_deliveries(pool, now - limits.retain_deliveries, BATCH)
    })
    .await?;
    drain("events", || {
        crate::billing::events::prune_events(pool, now - limits.retain_events, BATCH)
    })
    .await?;
    drain("jobs", || {
        crate::queue::prune_finished_jobs(
            pool,
            now - limits.retain_done_jobs,
            now - limits.retain_dead_jobs,
            BATCH,
        )
    })
    .await?;
    drain("oauth tokens", || {
        crate::auth::tokens::prune_tokens(pool, oauth_before, idle_before, family_before, BATCH)
    })
    .await?;
    drain("oauth codes", || {
        crate::auth::tokens::prune_codes(pool, oauth_before, BATCH)
    })
    .await?;
    drain("dashboard sessions", || {
        crate::auth::sessions::prune_sessions(pool, oauth_before, BATCH)
    })
    .await?;
    drain("idempotency keys", || {
        crate::http::idempotency::prune_idempotency_keys(
            pool,
            now - limits.idempotency_retention,
            BATCH,
        )
    })
    .await?;
    Ok(())
}

/// Runs one table's batch until it deletes less than a full batch, at most
/// `BATCHES_PER_SWEEP` times.
async fn drain<F, Fut>(table: &'static str, mut batch: F) -> sqlx::Result<u64>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = sqlx::Result<u64>>,
{
    let mut total = 0;
    for _ in 0..BATCHES_PER_SWEEP {
        let deleted = batch().await?;
        total += deleted;
        if deleted < BATCH as u64 {
            break;
        }
    }
    if total > 0 {
        tracing::info!(table, deleted = total, "pruned past retention");
    }
    Ok(total)
}
