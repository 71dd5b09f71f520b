//! Throttling failed sign-ins on the authorization page, per account and per client IP,
//! in PostgreSQL so every server process sees the same counts.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

/// Failures are counted over a sliding 15 minutes.
pub const WINDOW_MINUTES: i64 = 15;
/// Guessing one account's password: 5 tries per window.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Spraying many accounts from one address: 20 tries per window.
pub const MAX_PER_IP: i64 = 20;

/// Seconds until another attempt is allowed, or `None` when one is allowed now.
pub async fn retry_after(
    pool: &PgPool,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let (by_account, by_ip, account_oldest, ip_oldest): (
        i64,
        i64,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    ) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE email = $1),
                count(*) FILTER (WHERE ip = $2),
                min(failed_at) FILTER (WHERE email = $1),
                min(failed_at) FILTER (WHERE ip = $2)
         FROM oauth_login_failures
         WHERE (email = $1 OR ip = $2) AND failed_at > $3",
    )
    .bind(email.trim().to_lowercase())
    .bind(ip)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let wait = |oldest: Option<DateTime<Utc>>| {
        oldest.map(|at| {
            (at + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1)
        })
    };
    Ok(if by_account >= MAX_PER_ACCOUNT {
        wait(account_oldest)
    } else if by_ip >= MAX_PER_IP {
        wait(ip_oldest)
    } else {
        None
    })
}

/// Records a failure and prunes the ones that no longer count.
pub async fn record_failure(
    pool: &PgPool,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oauth_login_failures WHERE failed_at <= $1")
        .bind(now - Duration::minutes(WINDOW_MINUTES))
        .execute(pool)
        .await?;
    sqlx::query("INSERT INTO oauth_login_failures (email, ip, failed_at) VALUES ($1, $2, $3)")
        .bind(email.trim().to_lowercase())
        .bind(ip)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, email: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oauth_login_failures WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .execute(pool)
        .await?;
    Ok(())
}
