//! The application state every handler and middleware reaches. A module of its own, below
//! the router (`app`), so the web modules can use it without depending on the router.

use std::sync::Arc;

use sqlx::PgPool;

use crate::clock::Clock;
use crate::config::Config;

/// What every handler can reach. Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Rate-limit counters, shared by every request this process serves.
    pub limiter: crate::ratelimit::Limiter,
    /// Bearer tokens verified in the last seconds (`auth::cache`).
    pub token_cache: crate::auth::cache::TokenCache,
    /// The argon2 hashes this process computes at once (`ARGON2_CONCURRENCY`).
    pub argon2: crate::auth::secrets::Argon2Gate,
    /// The key the customer's page links are derived from (`billing::links`).
    pub links: crate::link_key::LinkKey,
    /// Invoice and quote PDFs: fonts loaded once, `PDF_RENDER_CONCURRENCY` at once.
    pub renderer: crate::render::Renderer,
}

impl AppState {
    /// How this server renders resources (its `PUBLIC_URL` and page link key).
    pub fn views(&self) -> crate::views::Views<'_> {
        crate::views::Views::new(&self.config.public_url, &self.links)
    }

    pub fn new(
        pool: PgPool,
        config: Config,
        clock: Clock,
        links: crate::link_key::LinkKey,
    ) -> Self {
        let argon2 = crate::auth::secrets::Argon2Gate::new(config.limits.argon2_concurrency);
        let renderer = crate::render::Renderer::new(
            config.pdf_font_dir.as_deref(),
            config.limits.pdf_render_concurrency,
        );
        let limiter = match config.rate_limit_store {
            crate::config::RateLimitStore::Memory => crate::ratelimit::Limiter::default(),
            crate::config::RateLimitStore::Postgres => crate::ratelimit::Limiter::new(Arc::new(
                crate::ratelimit::PostgresStore::beside(&pool),
            )),
        };
        AppState {
            argon2,
            limiter,
            links,
            renderer,
            pool,
            config: Arc::new(config),
            clock,
            token_cache: crate::auth::cache::TokenCache::default(),
        }
    }
}
