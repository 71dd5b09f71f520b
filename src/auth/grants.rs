//! The applications a user has authorized: their live tokens, one line per application
//! (its scopes, when first authorized, when a token was last issued to it: at consent
//! or at a refresh), and revoking one (every token and unused code of that application
//! for that user, at once: revoking a token notifies every process's token cache).

use chrono::{DateTime, Utc};
use sqlx::PgPool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Authorized {
    pub application_id: i64,
    pub name: String,
    pub scopes: String,
    pub authorized_at: DateTime<Utc>,
    pub last_issued_at: DateTime<Utc>,
}

/// The user's authorized applications, most recently used first.
pub async fn list(
    pool: &PgPool,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Authorized>> {
    sqlx::query_as::<_, Authorized>(
        "SELECT a.id AS application_id, a.name,
                (array_agg(t.scopes ORDER BY t.created_at DESC))[1] AS scopes,
                min(t.created_at) AS authorized_at, max(t.created_at) AS last_issued_at
         FROM oauth_access_tokens t JOIN oauth_applications a ON a.id = t.application_id
         WHERE t.user_id = $1 AND t.revoked_at IS NULL AND t.refreshed_at IS NULL
           AND (t.expires_at > $2 OR t.refresh_token_hash IS NOT NULL)
         GROUP BY a.id, a.name
         ORDER BY max(t.created_at) DESC
         LIMIT 200",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await
}

/// Revokes what the user gave `application_id`: its tokens and unused codes. Answers the
/// ids of the tokens that were live (for the caller to evict from its token cache).
pub async fn revoke(
    pool: &PgPool,
    user_id: i64,
    application_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<i64>> {
    let mut tx = pool.begin().await?;
    let revoked: Vec<i64> = sqlx::query_scalar(
        "UPDATE oauth_access_tokens SET revoked_at = $3
         WHERE user_id = $1 AND application_id = $2 AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(user_id)
    .bind(application_id)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE oauth_access_grants SET expires_at = $3
         WHERE user_id = $1 AND application_id = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(user_id)
    .bind(application_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(revoked)
}
