//! Every job kind and sweep the server knows, in one place.

use std::sync::Arc;

use chrono::Duration;

use super::runner::{JobContext, Runner};
use crate::api::render::Views;
use crate::billing::{overdue, quotes, recurring, reminders};
use crate::mail::Mailer;
use crate::webhooks;

/// A runner with every handler and sweep registered; the email job sends through
/// `mailer`, the process's one SMTP transport.
pub fn runner(ctx: JobContext, mailer: Mailer) -> Runner {
    let mailer = Arc::new(mailer);
    Runner::new(ctx)
        .handler(webhooks::deliveries::DELIVER, webhooks::deliveries::deliver)
        .handler(super::email::KIND, move |ctx, payload| {
            super::email::run(ctx, mailer.clone(), payload)
        })
        .sweep("recurring invoices", |ctx| async move {
            let views = Views::with_public_url(&ctx.config.public_url);
            recurring::sweep(&ctx.pool, &views, ctx.clock.now()).await?;
            Ok(())
        })
        .sweep("overdue invoices", |ctx| async move {
            let views = Views::with_public_url(&ctx.config.public_url);
            overdue::sweep(&ctx.pool, &views, ctx.clock.now()).await?;
            Ok(())
        })
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
