//! The sweeps that change documents (overdue invoices, recurring invoices, due
//! reminders, quote expiry). Each takes its due rows fairly across businesses
//! (`billing::sweeping::take`: each business's oldest, then turns of
//! `SWEEP_PER_BUSINESS` rows per business), then runs its billing step on one row per
//! transaction (the step claims the row with `FOR UPDATE SKIP LOCKED` and checks it is
//! still due), publishes what that changed and commits: two workers sweeping at once
//! never take one row twice, and a failure leaves the rows before it done. A row whose
//! step fails is logged, backed off (`sweep_failures`) and skipped; the sweep goes on
//! with the next.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::actor::Actor;
use crate::billing::error::BillingError;
use crate::billing::events::Outcome;
use crate::billing::sweeping::{self, Due, Source};
use crate::billing::{overdue, quotes, recurring, reminders};
use crate::publish;
use crate::queue::JobContext;
use crate::views::Views;

type Step<'c> = Pin<Box<dyn Future<Output = Result<Option<Outcome>, BillingError>> + Send + 'c>>;

/// Invoices past their due date become overdue (`billing::overdue`).
pub async fn overdue(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    drain(
        &ctx,
        now,
        overdue::DUE,
        overdue::PER_SWEEP,
        1,
        move |tx, due| Box::pin(async move { Ok(overdue::mark(tx, due, now).await?) }),
    )
    .await
}

/// Recurring invoices: one occurrence per transaction, at most
/// `RECURRING_CATCH_UP_PER_SWEEP` of one subscription per sweep (`billing::recurring`).
pub async fn recurring(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let catch_up = ctx.config.limits.recurring_catch_up;
    let quota = (&ctx.config.limits).into();
    drain(
        &ctx,
        now,
        recurring::DUE,
        recurring::PER_SWEEP,
        catch_up,
        move |tx, due| Box::pin(recurring::run_due(tx, due, now, quota)),
    )
    .await
}

/// Due reminders are emailed (enqueued) or skipped (`billing::reminders`).
pub async fn reminders(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let quota = (&ctx.config.limits).into();
    drain(
        &ctx,
        now,
        reminders::DUE,
        reminders::PER_SWEEP,
        1,
        move |tx, due| Box::pin(async move { Ok(reminders::send_due(tx, due, now, quota).await?) }),
    )
    .await
}

/// Sent quotes past their date expire (`billing::quotes`).
pub async fn expire_quotes(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    drain(
        &ctx,
        now,
        quotes::EXPIRING,
        quotes::EXPIRE_PER_SWEEP,
        1,
        move |tx, due| Box::pin(async move { Ok(quotes::expire_due(tx, due, now).await?) }),
    )
    .await
}

/// Takes `source`'s due rows in fair order and runs `step` on each, up to `repeat`
/// times in a row while it still finds the row due (a subscription catching up), each
/// in its own transaction, publishing each outcome; at most `limit` steps in all (the
/// next sweep takes the rest). `now` is the sweep's one time: the steps' changes and
/// their events carry the same.
async fn drain<S>(
    ctx: &JobContext,
    now: DateTime<Utc>,
    source: Source,
    limit: usize,
    repeat: u32,
    mut step: S,
) -> anyhow::Result<()>
where
    S: for<'c> FnMut(&'c mut PgConnection, Due) -> Step<'c>,
{
    let views = Views::new(&ctx.config.public_url, &ctx.links);
    let mut conn = ctx.pool.acquire().await?;
    sweeping::forget_stale(&mut conn, source, now).await?;
    let per_business = ctx.config.limits.sweep_per_business;
    let rows = sweeping::take(&mut conn, source, now, per_business, limit).await?;
    drop(conn);
    let mut steps = 0;
    'rows: for mut due in rows {
        for _ in 0..repeat.max(1) {
            if steps >= limit {
                break 'rows;
            }
            match attempt(ctx, views, now, source, due, &mut step).await {
                Ok(true) => {
                    steps += 1;
                    due.failed = false;
                }
                // Not due any more, or another worker has it.
                Ok(false) => break,
                Err(error) => {
                    let error = format!("{error:#}");
                    let mut conn = ctx.pool.acquire().await?;
                    let attempts = sweeping::failed(&mut conn, source, due, now, &error).await?;
                    tracing::error!(
                        sweep = source.name,
                        row = due.id,
                        business = due.business_id,
                        attempts,
                        error,
                        "sweep step failed; the row is backed off and the sweep goes on"
                    );
                    break;
                }
            }
        }
    }
    Ok(())
}

/// One step on one row in a transaction of its own; `false` when the step found it no
/// longer due. Any error rolls the transaction back.
async fn attempt<S>(
    ctx: &JobContext,
    views: Views<'_>,
    now: DateTime<Utc>,
    source: Source,
    due: Due,
    step: &mut S,
) -> anyhow::Result<bool>
where
    S: for<'c> FnMut(&'c mut PgConnection, Due) -> Step<'c>,
{
    let mut tx = ctx.pool.begin().await?;
    crate::actor::assume(&mut tx, &Actor::system(source.name)).await?;
    let Some(outcome) = step(&mut tx, due).await? else {
        return Ok(false);
    };
    if due.failed {
        sweeping::succeeded(&mut tx, source, due).await?;
    }
    publish::commit(tx, views, outcome, now).await?;
    Ok(true)
}
