//! Building and running the server: what `main` calls, and what tests call with their
//! own database, port 0 and shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::router;
use crate::clock::Clock;
use crate::config::Config;
use crate::db;
use crate::jobs::{JobContext, Runner};
use crate::link_key::LinkKey;
use crate::mail::Mailer;
use crate::state::AppState;

pub struct Application {
    listener: TcpListener,
    router: Router,
    pool: PgPool,
    /// The background workers, when this process runs them (`WORKERS`).
    jobs: Option<(Runner, std::time::Duration, std::time::Duration)>,
    /// Verified bearer tokens; its LISTEN for revocations runs beside the server.
    token_cache: crate::auth::cache::TokenCache,
    links: LinkKey,
}

impl Application {
    /// Creates the database if needed, migrates it, and binds the listener.
    pub async fn build(config: Config, clock: Clock) -> anyhow::Result<Self> {
        db::ensure_database(&config.database_url).await?;
        let pool = db::connect(&config).await?;
        db::migrate(&pool).await?;
        Self::with_pool(config, pool, clock).await
    }

    /// Binds the listener for an already migrated pool.
    pub async fn with_pool(config: Config, pool: PgPool, clock: Clock) -> anyhow::Result<Self> {
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let links = LinkKey::load(&pool, config.link_secret.as_deref())
            .await
            .context("cannot load the page link key")?;
        let jobs = if config.workers {
            let mailer = Mailer::from_config(&config)?;
            Some((
                jobs_runner(&config, mailer, pool.clone(), clock.clone(), links.clone()),
                config.worker_poll_interval,
                config.sweep_interval,
            ))
        } else {
            None
        };
        let state = AppState::new(pool.clone(), config, clock, links.clone());
        let token_cache = state.token_cache.clone();
        Ok(Application {
            listener,
            router: router(state),
            pool,
            jobs,
            token_cache,
            links,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The page link key this server derives links with (tests build job runners with it).
    pub fn link_key(&self) -> &LinkKey {
        &self.links
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.local_addr(), "listening");
        let (stop_workers, stopping) = watch::channel(false);
        let workers = self.jobs.map(|(runner, poll, sweep)| {
            tokio::spawn(runner.run_until(stopping.clone(), poll, sweep))
        });
        let revocations =
            tokio::spawn(self.token_cache.clone().listen(self.pool.clone(), stopping));
        // Until it listens, every request asks the database; give it a moment to start.
        self.token_cache
            .wait_until_listening(std::time::Duration::from_secs(2))
            .await;
        let shutdown = async move {
            shutdown.await;
            let _ = stop_workers.send(true);
        };
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
            .context("the server stopped with an error")?;
        // The workers finish the jobs they are running before they stop.
        if let Some(workers) = workers {
            let _ = workers.await;
        }
        let _ = revocations.await;
        self.pool.close().await;
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

/// The job runner for a process, with every handler and sweep registered; `mailer` is
/// built once, when the process starts.
pub fn jobs_runner(
    config: &Config,
    mailer: Mailer,
    pool: PgPool,
    clock: Clock,
    links: LinkKey,
) -> Runner {
    crate::jobs::registry::runner(
        JobContext {
            pool,
            clock,
            config: Arc::new(config.clone()),
            links,
        },
        mailer,
    )
}

/// `koteshen worker`: only the background workers, until `shutdown` completes.
pub async fn run_workers(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mailer = Mailer::from_config(&config)?;
    db::ensure_database(&config.database_url).await?;
    let pool = db::connect(&config).await?;
    db::migrate(&pool).await?;
    let links = LinkKey::load(&pool, config.link_secret.as_deref()).await?;
    let runner = jobs_runner(&config, mailer, pool.clone(), Clock::system(), links);
    let (stop, stopping) = watch::channel(false);
    let worker = tokio::spawn(runner.run_until(
        stopping,
        config.worker_poll_interval,
        config.sweep_interval,
    ));
    shutdown.await;
    let _ = stop.send(true);
    let _ = worker.await;
    pool.close().await;
    tracing::info!("workers shut down cleanly");
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are registered when this is
/// called, not when the future is first polled (the server polls it from a task of its
/// own, possibly after answering its first requests): a SIGTERM that arrives while the
/// server starts is a shutdown, never the signal's default action (death).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut terminate), Ok(mut interrupt)) => {
                tokio::select! {
                    _ = terminate.recv() => {},
                    _ = interrupt.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received; finishing in-flight requests");
    }
}

/// Asks the server on this machine's `port` for `/readyz`; Ok only on a 200.
pub async fn healthcheck(port: u16) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let check = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await?;
        anyhow::Ok(head)
    };
    let head = tokio::time::timeout(std::time::Duration::from_secs(3), check)
        .await
        .context("the server did not answer within 3 s")??;
    anyhow::ensure!(
        head.starts_with(b"HTTP/1.") && &head[9..12] == b"200",
        "not ready: {}",
        String::from_utf8_lossy(&head)
    );
    Ok(())
}
