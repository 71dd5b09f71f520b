//! Throttling failed sign-ins on the authorization page, per account and per client IP,
//! in PostgreSQL so every server process sees the same counts.
//!
//! An attempt is recorded as a failure before its password is verified (and cleared when
//! it turns out right): the count and the record are one step under the account's and
//! the address's locks, so posts racing each other count each other, and no more than
//! the limit are ever verified in a window, however many arrive at once.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

/// Failures are counted over a sliding 15 minutes.
pub const WINDOW_MINUTES: i64 = 15;
/// Guessing one account's password: 5 tries per window.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Spraying many accounts from one address: 20 tries per window.
pub const MAX_PER_IP: i64 = 20;

/// Whether a sign-in attempt may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Recorded as a failure until [`clear_account`] says otherwise.
    Reserved,
    /// Over a limit: seconds until another attempt is allowed.
    Wait(i64),
}

#[derive(sqlx::FromRow)]
struct Counted {
    by_account: i64,
    by_ip: i64,
    account_oldest: Option<DateTime<Utc>>,
    ip_oldest: Option<DateTime<Utc>>,
    reserved: Option<i64>,
}

/// Reserves an attempt for `email` from `ip`, or says how long to wait.
pub async fn reserve(
    pool: &PgPool,
    email: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Attempt> {
    let email = email.trim().to_lowercase();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut tx = pool.begin().await?;
    // Account first, then address, in every transaction: two never wait on each other.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended('oauth-login-account:' || $1, 0)),
                pg_advisory_xact_lock(hashtextextended('oauth-login-ip:' || $2, 0))",
    )
    .bind(&email)
    .bind(ip)
    .execute(&mut *tx)
    .await?;
    let counted = sqlx::query_as::<_, Counted>(
        "WITH counted AS (
             SELECT count(*) FILTER (WHERE email = $1) AS by_account,
                    count(*) FILTER (WHERE ip = $2) AS by_ip,
                    min(failed_at) FILTER (WHERE email = $1) AS account_oldest,
                    min(failed_at) FILTER (WHERE ip = $2) AS ip_oldest
             FROM oauth_login_failures
             WHERE (email = $1 OR ip = $2) AND failed_at > $3
         ), reserved AS (
             INSERT INTO oauth_login_failures (email, ip, failed_at)
             SELECT $1, $2, $4 FROM counted WHERE by_account < $5 AND by_ip < $6
             RETURNING id
         )
         SELECT counted.*, (SELECT id FROM reserved) AS reserved FROM counted",
    )
    .bind(&email)
    .bind(ip)
    .bind(since)
    .bind(now)
    .bind(MAX_PER_ACCOUNT)
    .bind(MAX_PER_IP)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    if counted.reserved.is_some() {
        sqlx::query("DELETE FROM oauth_login_failures WHERE failed_at <= $1")
            .bind(since)
            .execute(pool)
            .await?;
        return Ok(Attempt::Reserved);
    }
    let wait = |oldest: Option<DateTime<Utc>>| {
        oldest.map_or(1, |at| {
            (at + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1)
        })
    };
    Ok(Attempt::Wait(if counted.by_account >= MAX_PER_ACCOUNT {
        wait(counted.account_oldest)
    } else {
        debug_assert!(counted.by_ip >= MAX_PER_IP);
        wait(counted.ip_oldest)
    }))
}

/// What a person is told when over a limit: how many minutes to wait.
pub fn wait_message(wait_seconds: i64) -> String {
    let minutes = (wait_seconds + 59) / 60;
    format!(
        "Too many failed sign-in attempts. Try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    )
}

/// A successful sign-in clears the account's failures, its own reservation with them
/// (not the address's other failures).
pub async fn clear_account(pool: &PgPool, email: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oauth_login_failures WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .execute(pool)
        .await?;
    Ok(())
}
