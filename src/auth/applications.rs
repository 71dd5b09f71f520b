//! A business's OAuth applications as its dashboard manages them: list, find, change,
//! rotate the secret, delete. Registering is `tokens::create_application` (the CLI's
//! path too), so both check the same things. Every query names the business: another
//! business's application is not found.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::auth::secrets::{hash_password, random_token};

/// An application as its business sees it (never its secret, which is stored hashed).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub confidential: bool,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The business's applications, newest first (at most `limit`).
pub async fn list(pool: &PgPool, business_id: i64, limit: i64) -> sqlx::Result<Vec<Application>> {
    sqlx::query_as::<_, Application>(
        "SELECT id, name, uid AS client_id, confidential, redirect_uris, scopes, created_at,
                updated_at
         FROM oauth_applications WHERE business_id = $1
         ORDER BY id DESC LIMIT $2",
    )
    .bind(business_id)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// How many applications the business has.
pub async fn count(pool: &PgPool, business_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM oauth_applications WHERE business_id = $1")
        .bind(business_id)
        .fetch_one(pool)
        .await
}

pub async fn find(pool: &PgPool, business_id: i64, id: i64) -> sqlx::Result<Option<Application>> {
    sqlx::query_as::<_, Application>(
        "SELECT id, name, uid AS client_id, confidential, redirect_uris, scopes, created_at,
                updated_at
         FROM oauth_applications WHERE business_id = $1 AND id = $2",
    )
    .bind(business_id)
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// What an edit may change: the name, the redirect URIs (checked by the caller with
/// `redirect_uris::check`), the scopes. Tokens already issued keep the scopes they were
/// granted; new grants and refreshes are bounded by the new ones.
pub struct Changes {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
}

/// Applies `changes`; false when the business has no such application.
pub async fn update(
    pool: &PgPool,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE oauth_applications SET name = $3, redirect_uris = $4, scopes = $5, updated_at = $6
         WHERE business_id = $1 AND id = $2",
    )
    .bind(business_id)
    .bind(id)
    .bind(&changes.name)
    .bind(&changes.redirect_uris)
    .bind(&changes.scopes)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new client secret for a confidential application, shown once: the old one stops
/// working at once (tokens already issued stay valid). None when the business has no
/// such confidential application.
pub async fn rotate_secret(
    pool: &PgPool,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let secret = random_token();
    let hash = hash_password(secret.clone()).await?;
    let done = sqlx::query(
        "UPDATE oauth_applications SET secret_hash = $3, updated_at = $4
         WHERE business_id = $1 AND id = $2 AND confidential",
    )
    .bind(business_id)
    .bind(id)
    .bind(&hash)
    .bind(now)
    .execute(pool)
    .await?;
    Ok((done.rows_affected() == 1).then_some(secret))
}

/// Deletes the application with its codes and tokens, in one transaction: every token
/// it had stops at once (deleting a live token notifies every process's token cache).
/// Answers the ids of the tokens deleted (for the caller to evict from its token cache),
/// `None` when the business has no such application.
pub async fn delete(pool: &PgPool, business_id: i64, id: i64) -> sqlx::Result<Option<Vec<i64>>> {
    let mut tx = pool.begin().await?;
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM oauth_applications WHERE business_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(business_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Ok(None);
    }
    let tokens: Vec<i64> = sqlx::query_scalar(
        "DELETE FROM oauth_access_tokens WHERE application_id = $1 RETURNING id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM oauth_access_grants WHERE application_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM oauth_applications WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(tokens))
}
