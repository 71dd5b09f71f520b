//! Every job kind and sweep the server knows, in one place.

use std::sync::Arc;

use super::runner::Runner;
use crate::mail::Mailer;
use crate::queue::JobContext;
use crate::webhooks;

/// A runner with every handler and sweep registered; the email job sends through
/// `mailer`, the process's one SMTP transport.
pub fn runner(ctx: JobContext, mailer: Mailer) -> Runner {
    let mailer = Arc::new(mailer);
    // The worker's own bound on PDFs typeset at once (the API's is `AppState::renderer`).
    let renderer = crate::render::Renderer::new(
        ctx.config.pdf_font_dir.as_deref(),
        ctx.config.limits.pdf_render_concurrency,
    );
    Runner::new(ctx)
        .handler(webhooks::deliveries::DELIVER, webhooks::deliveries::deliver)
        .handler(crate::billing::emailed::KIND, move |ctx, payload| {
            super::email::run(ctx, mailer.clone(), renderer.clone(), payload)
        })
        .sweep("recurring invoices", super::sweeps::recurring)
        .sweep("overdue invoices", super::sweeps::overdue)
        .sweep("due reminders", super::sweeps::reminders)
        .sweep("expire quotes", super::sweeps::expire_quotes)
        .sweep("prune past retention", super::prune::sweep)
}
