//! Every job kind and sweep the server knows, in one place.

use chrono::Duration;

use super::runner::{JobContext, Runner};
use crate::billing::{quotes, reminders};
use crate::webhooks;

/// A runner with every handler and sweep registered.
pub fn runner(ctx: JobContext) -> Runner {
    Runner::new(ctx)
        .handler(webhooks::deliveries::DELIVER, webhooks::deliveries::deliver)
        .handler(super::email::KIND, super::email::run)
        .sweep("recurring invoices", super::sweeps::recurring)
        .sweep("overdue invoices", super::sweeps::overdue)
        .sweep("due reminders", |ctx| async move {
            reminders::sweep(&ctx.pool, ctx.clock.now()).await?;
            Ok(())
        })
        .sweep("expire quotes", |ctx| async move {
            quotes::expire_due(&ctx.pool, ctx.clock.now()).await?;
            Ok(())
        })
        .sweep("prune finished jobs", |ctx| async move {
            super::queue::prune(&ctx.pool, ctx.clock.now() - Duration::days(7)).await?;
            Ok(())
        })
}
