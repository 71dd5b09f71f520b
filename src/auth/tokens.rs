//! OAuth applications and the access/refresh tokens issued to them, stored as hashes.
//! The authorization server's flows and the admin CLI both issue tokens through here.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::auth::redirect_uris;
use crate::auth::secrets::{hash_password, random_token, token_hash};

/// Access tokens live two hours, as Doorkeeper's default.
pub const ACCESS_TOKEN_TTL_SECONDS: i64 = 7200;

pub struct NewApplication {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    pub confidential: bool,
    /// The user its client-credentials tokens act for; `None`: it cannot use that grant.
    pub owner_id: Option<i64>,
    /// The business whose dashboard lists and manages it; `None`: the CLI's only.
    pub business_id: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct CreatedApplication {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    /// Shown once; only its argon2 hash is stored. `None` for public clients.
    pub client_secret: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    pub confidential: bool,
    pub owner_id: Option<i64>,
}

/// Registers an application; a redirect URI `redirect_uris::check` refuses is an error
/// naming it.
pub async fn create_application(
    pool: &PgPool,
    app: NewApplication,
    now: DateTime<Utc>,
) -> anyhow::Result<CreatedApplication> {
    for uri in &app.redirect_uris {
        redirect_uris::check(uri)?;
    }
    let client_id = random_token();
    let client_secret = app.confidential.then(random_token);
    let secret_hash = match &client_secret {
        Some(secret) => Some(hash_password(secret.clone()).await?),
        None => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO oauth_applications
             (name, uid, secret_hash, confidential, redirect_uris, scopes, created_at, updated_at,
              owner_id, business_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)
         RETURNING id",
    )
    .bind(&app.name)
    .bind(&client_id)
    .bind(&secret_hash)
    .bind(app.confidential)
    .bind(&app.redirect_uris)
    .bind(&app.scopes)
    .bind(now)
    .bind(app.owner_id)
    .bind(app.business_id)
    .fetch_one(pool)
    .await?;
    Ok(CreatedApplication {
        id,
        name: app.name,
        client_id,
        client_secret,
        redirect_uris: app.redirect_uris,
        scopes: app.scopes,
        confidential: app.confidential,
        owner_id: app.owner_id,
    })
}

/// A token response, shaped as Doorkeeper answers `/oauth/token`.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
    /// Epoch seconds.
    pub created_at: i64,
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub family_id: Uuid,
}

/// What issuing needs to know.
pub struct TokenRequest {
    pub application_id: i64,
    pub user_id: i64,
    pub scopes: String,
    /// The family of the token being refreshed; `None` starts a new family (a new grant).
    pub family_id: Option<Uuid>,
    pub previous_token_id: Option<i64>,
}

/// An access token alone, shaped as Doorkeeper answers the client credentials grant
/// (RFC 6749 §4.4.3: no refresh token; the client asks again).
#[derive(Debug, Clone, Serialize)]
pub struct IssuedAccessToken {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    /// Epoch seconds.
    pub created_at: i64,
}

/// Issues an access token without a refresh token, in a family of its own: the client
/// credentials grant's, which acts as its application (`TokenContext::client_credentials`).
pub async fn issue_access_only(
    conn: &mut PgConnection,
    application_id: i64,
    user_id: i64,
    scopes: String,
    now: DateTime<Utc>,
) -> sqlx::Result<IssuedAccessToken> {
    let access_token = random_token();
    sqlx::query(
        "INSERT INTO oauth_access_tokens
             (family_id, application_id, user_id, token_hash, scopes, expires_at, created_at,
              family_started_at, client_credentials)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, true)",
    )
    .bind(Uuid::new_v4())
    .bind(application_id)
    .bind(user_id)
    .bind(token_hash(&access_token))
    .bind(&scopes)
    .bind(now + Duration::seconds(ACCESS_TOKEN_TTL_SECONDS))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(IssuedAccessToken {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        scope: scopes,
        created_at: now.timestamp(),
    })
}

/// Issues an access token and its refresh token. Takes a connection so callers can issue
/// inside their own transaction (a refresh revokes the old pair in the same one). A new
/// family starts its lifetime now; a refresh keeps its family's start.
pub async fn issue(
    conn: &mut PgConnection,
    request: TokenRequest,
    now: DateTime<Utc>,
) -> sqlx::Result<IssuedToken> {
    let access_token = random_token();
    let refresh_token = random_token();
    let family_id = request.family_id.unwrap_or_else(Uuid::new_v4);
    let expires_at = now + Duration::seconds(ACCESS_TOKEN_TTL_SECONDS);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO oauth_access_tokens
             (family_id, application_id, user_id, token_hash, refresh_token_hash, scopes,
              expires_at, previous_token_id, created_at, family_started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 COALESCE((SELECT min(family_started_at) FROM oauth_access_tokens
                           WHERE family_id = $1), $9))
         RETURNING id",
    )
    .bind(family_id)
    .bind(request.application_id)
    .bind(request.user_id)
    .bind(token_hash(&access_token))
    .bind(token_hash(&refresh_token))
    .bind(&request.scopes)
    .bind(expires_at)
    .bind(request.previous_token_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(IssuedToken {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        refresh_token,
        scope: request.scopes,
        created_at: now.timestamp(),
        id,
        family_id,
    })
}

/// A live access token and whom it speaks for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenContext {
    pub token_id: i64,
    pub family_id: Uuid,
    pub application_id: i64,
    pub user_id: i64,
    pub business_id: i64,
    pub scopes: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Issued by the client credentials grant: it acts as its application.
    pub client_credentials: bool,
    /// The user's name, else their email.
    pub user_name: String,
    pub application_name: String,
}

/// The context of a bearer token that is neither expired nor revoked.
pub async fn find_live_access_token(
    pool: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<TokenContext>> {
    find_live_by_hash(pool, &token_hash(token), now).await
}

/// [`find_live_access_token`] by the token's hash.
pub async fn find_live_by_hash(
    pool: &PgPool,
    hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<TokenContext>> {
    sqlx::query_as::<_, TokenContext>(
        "SELECT t.id AS token_id, t.family_id, t.application_id, t.user_id, u.business_id,
                t.scopes, t.expires_at, t.created_at, t.client_credentials,
                coalesce(nullif(u.name, ''), u.email) AS user_name, a.name AS application_name
         FROM oauth_access_tokens t
         JOIN users u ON u.id = t.user_id
         JOIN oauth_applications a ON a.id = t.application_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(pool)
    .await
}

/// Deletes up to `limit` token rows that can no longer be used and stopped working before
/// `older_than`: revoked or rotated then, or expired then with no refresh token, or with
/// a refresh token never used since before `idle_before` (it stopped working when idle),
/// or of a family started before `family_before` (it stopped working at its lifetime).
/// Rows a newer token still names as its `previous_token_id` lose that link (ON DELETE
/// SET NULL); the family (`family_id`) stays.
pub async fn prune_tokens(
    pool: &PgPool,
    older_than: DateTime<Utc>,
    idle_before: DateTime<Utc>,
    family_before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM oauth_access_tokens WHERE id IN (
             SELECT id FROM oauth_access_tokens
             WHERE expires_at < $1
               AND (revoked_at < $1
                    OR refresh_token_hash IS NULL
                    OR (revoked_at IS NULL AND refreshed_at IS NULL AND created_at < $2)
                    OR family_started_at < $4)
             ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(idle_before)
    .bind(limit)
    .bind(family_before)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Deletes up to `limit` authorization codes that expired before `older_than` (a used
/// code stopped working when it was used, before it expired).
pub async fn prune_codes(
    pool: &PgPool,
    older_than: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM oauth_access_grants WHERE id IN (
             SELECT id FROM oauth_access_grants WHERE expires_at < $1
             ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
