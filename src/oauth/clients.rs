//! Registered OAuth applications as the flows see them.

use sqlx::PgPool;

use crate::auth::secrets;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Client {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub secret_hash: Option<String>,
    pub confidential: bool,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    /// The user client-credentials tokens act for (`None`: the grant is refused).
    pub owner_id: Option<i64>,
}

pub async fn find_by_uid(pool: &PgPool, uid: &str) -> sqlx::Result<Option<Client>> {
    sqlx::query_as::<_, Client>(
        "SELECT id, uid, name, secret_hash, confidential, redirect_uris, scopes, owner_id
         FROM oauth_applications WHERE uid = $1",
    )
    .bind(uid)
    .fetch_optional(pool)
    .await
}

/// Checks a client's credentials: a confidential client must present its secret, a
/// public one must present none. `Ok(None)`: authentication failed. The secret is
/// verified through `gate`; callers have counted the attempt against the client's rate
/// limits first (`http::ratelimit::oauth_client`).
pub async fn authenticate(
    pool: &PgPool,
    gate: &secrets::Argon2Gate,
    uid: &str,
    secret: Option<&str>,
) -> sqlx::Result<Option<Client>> {
    let Some(client) = find_by_uid(pool, uid).await? else {
        return Ok(None);
    };
    let ok = match (&client.secret_hash, secret) {
        (Some(hash), Some(secret)) => gate.verify_password(secret.to_string(), hash.clone()).await,
        (None, None) => !client.confidential,
        _ => false,
    };
    Ok(ok.then_some(client))
}
