//! The sweeps that change documents: each takes one due record at a time in a transaction
//! of its own (claimed with `FOR UPDATE SKIP LOCKED` by the billing step), publishes
//! what that changed and commits, so two workers sweeping at once never take one record
//! twice and a failure leaves the records before it done.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::billing::error::BillingError;
use crate::billing::events::Outcome;
use crate::billing::{overdue, recurring};
use crate::publish;
use crate::queue::JobContext;
use crate::views::Views;

type Step<'c> = Pin<Box<dyn Future<Output = Result<Option<Outcome>, BillingError>> + Send + 'c>>;

/// Invoices past their due date become overdue (`billing::overdue`).
pub async fn overdue(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    drain(&ctx, now, overdue::PER_SWEEP, move |tx| {
        Box::pin(async move { Ok(overdue::mark_next(tx, now).await?) })
    })
    .await
}

/// Recurring invoices: one occurrence per transaction (`billing::recurring`).
pub async fn recurring(ctx: JobContext) -> anyhow::Result<()> {
    let now = ctx.clock.now();
    let quota = (&ctx.config.limits).into();
    drain(&ctx, now, recurring::PER_SWEEP, move |tx| {
        Box::pin(recurring::run_next(tx, now, quota))
    })
    .await
}

/// Runs `step` in a transaction at a time, publishing each outcome, until it finds
/// nothing due or `limit` records were taken (the next sweep takes the rest). `now` is
/// the sweep's one time: the steps' changes and their events carry the same.
async fn drain<S>(
    ctx: &JobContext,
    now: DateTime<Utc>,
    limit: usize,
    mut step: S,
) -> anyhow::Result<()>
where
    S: for<'c> FnMut(&'c mut PgConnection) -> Step<'c>,
{
    let views = Views::new(&ctx.config.public_url);
    for _ in 0..limit {
        let mut tx = ctx.pool.begin().await?;
        let Some(outcome) = step(&mut tx).await? else {
            break;
        };
        publish::commit(tx, views, outcome, now).await?;
    }
    Ok(())
}
