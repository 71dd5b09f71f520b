//! The dashboard's sign-in sessions: a random token in the browser's cookie, its SHA-256
//! in `dashboard_sessions`. A session ends after `IDLE_MINUTES` without a request, at
//! `ABSOLUTE_HOURS` after sign-in whatever happens, at sign-out, or when its user signs
//! out everywhere. Signing in always makes a new session (a token fixed before sign-in
//! is never promoted).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::auth::secrets::{random_token, token_hash};

/// A session unused this long is over.
pub const IDLE_MINUTES: i64 = 30;
/// A session is over this long after sign-in, used or not.
pub const ABSOLUTE_HOURS: i64 = 12;
/// `last_seen_at` is written at most this often (a page's assets and a burst of clicks
/// cost no write each).
const TOUCH_SECONDS: i64 = 60;

/// A new session: the cookie's token (shown once, stored hashed) and its CSRF token.
pub struct Started {
    pub token: String,
    pub csrf_token: String,
}

/// A live session and who it is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub business_id: i64,
    pub email: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
}

/// Starts a session for `user_id`.
pub async fn start(pool: &PgPool, user_id: i64, now: DateTime<Utc>) -> sqlx::Result<Started> {
    let token = random_token();
    let csrf_token = random_token();
    sqlx::query(
        "INSERT INTO dashboard_sessions
             (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(&csrf_token)
    .bind(now)
    .bind(now + Duration::hours(ABSOLUTE_HOURS))
    .execute(pool)
    .await?;
    Ok(Started { token, csrf_token })
}

/// The live session the token names (one query; touching it is a second, at most once
/// a minute).
pub async fn find(pool: &PgPool, token: &str, now: DateTime<Utc>) -> sqlx::Result<Option<Session>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        session: Session,
        last_seen_at: DateTime<Utc>,
    }
    let row = sqlx::query_as::<_, Row>(
        "SELECT s.id, s.user_id, u.business_id, u.email, s.csrf_token, s.created_at,
                s.last_seen_at
         FROM dashboard_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
           AND s.last_seen_at > $3",
    )
    .bind(token_hash(token))
    .bind(now)
    .bind(now - Duration::minutes(IDLE_MINUTES))
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if now - row.last_seen_at >= Duration::seconds(TOUCH_SECONDS) {
        sqlx::query("UPDATE dashboard_sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(row.session.id)
            .bind(now)
            .execute(pool)
            .await?;
    }
    Ok(Some(row.session))
}

/// Ends one session.
pub async fn end(pool: &PgPool, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE dashboard_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Ends every session of the user ("sign out everywhere", a password change, on the
/// change's transaction); answers how many were live.
pub async fn end_all<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE dashboard_sessions SET revoked_at = $2
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(user_id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes up to `limit` sessions over before `older_than` (expired, signed out, or
/// idle since): the retention sweep (`jobs::prune`) runs it in batches.
pub async fn prune_sessions(
    pool: &PgPool,
    older_than: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM dashboard_sessions WHERE id IN (
             SELECT id FROM dashboard_sessions
             WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $2
             LIMIT $3 FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(older_than - Duration::minutes(IDLE_MINUTES))
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
