//! The PostgreSQL pool: creating the database on first start, connecting, migrating.

use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::config::{Config, redact_url};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Creates the database named in the URL if it does not exist yet. Two processes may
/// race here; the loser finds it created and carries on.
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    let exists = Postgres::database_exists(url)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {}", redact_url(url)))?;
    if !exists {
        if let Err(err) = Postgres::create_database(url).await {
            // 42P04 duplicate_database: another process created it first.
            let raced =
                matches!(&err, sqlx::Error::Database(db) if db.code().as_deref() == Some("42P04"));
            if !raced {
                return Err(err)
                    .with_context(|| format!("cannot create database {}", redact_url(url)));
            }
        }
        tracing::info!(database = %redact_url(url), "created database");
    }
    Ok(())
}

/// A pooled connection idle longer than this is pinged before it is handed out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(10);

pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = config
        .database_url
        .parse()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // A busy connection is known to be alive: checking it on every acquire costs a
        // round trip per query. Only one idle for a while (the database may have
        // restarted, a firewall may have dropped it) is pinged before use.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_WHEN_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .connect_with(options.application_name("koteshen"))
        .await
        .with_context(|| {
            format!(
                "cannot connect to PostgreSQL at {}",
                redact_url(&config.database_url)
            )
        })?;
    Ok(pool)
}

/// Applies pending migrations. sqlx holds an advisory lock meanwhile, so several
/// processes starting together apply each migration once.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("applying database migrations failed")
}

/// Is this error the database being out of reach (restarting, refusing connections,
/// the connection cut), rather than a fault of the query? Such a request may pass if
/// retried, so it answers 503, not 500.
pub fn is_outage(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect
            // now; 53300: too many connections; 55000 is object_not_in_prerequisite_state,
            // an outage only as "database … is not currently accepting connections".
            code.starts_with("08")
                || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
                || (code == "55000" && db.message().contains("not currently accepting connections"))
        }
        _ => false,
    }
}

/// Database reachable: a trivial query answers within a second.
pub async fn is_ready(pool: &PgPool) -> bool {
    let ping = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool);
    matches!(
        tokio::time::timeout(Duration::from_secs(1), ping).await,
        Ok(Ok(1))
    )
}
