//! oxide-auth's Authorizer over `oauth_access_grants`: authorization codes stored as
//! hashes, ten minutes by the app's clock, redeemed once.
//!
//! `extract` only looks a code up; the issuer marks it used in the transaction that issues
//! its tokens, so a failed exchange (a bad PKCE verifier, say) does not burn it, and two
//! concurrent redemptions cannot both succeed.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use oxide_auth::primitives::grant::{Extensions, Grant, Value};
use uuid::Uuid;

use crate::auth::secrets::{random_token, token_hash};
use crate::oauth::CODE_TTL_SECONDS;
use crate::oauth::flow_state::{Rejection, Shared};
use crate::oauth::pkce;
use crate::state::AppState;

pub struct PgAuthorizer {
    pub state: AppState,
    pub flow: Shared,
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    id: i64,
    uid: String,
    user_id: i64,
    redirect_uri: String,
    scopes: String,
    code_challenge: Option<String>,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    family_id: Option<Uuid>,
}

/// oxide-auth checks expiry against the wall clock; our deadline is on the app's clock.
/// Hand it a wall-clock deadline as far away as ours is.
pub fn wall_clock_deadline(deadline: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    // The one wall-clock read outside `clock.rs`, and only to translate a deadline.
    Utc::now() + (deadline - now)
}

/// Revokes every live token of a family (one statement, so atomic).
pub async fn revoke_family(
    state: &AppState,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let revoked: Vec<i64> = sqlx::query_scalar(
        "UPDATE oauth_access_tokens SET revoked_at = $2
         WHERE family_id = $1 AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(family_id)
    .bind(now)
    .fetch_all(&state.pool)
    .await?;
    state.token_cache.evict(&revoked);
    Ok(())
}

impl PgAuthorizer {
    async fn store(&mut self, mut grant: Grant) -> anyhow::Result<String> {
        let now = self.state.clock.now();
        let code = random_token();
        let user_id: i64 = grant.owner_id.parse()?;
        let redirect_uri = self
            .flow
            .lock()
            .bound_redirect_uri
            .clone()
            .unwrap_or_else(|| grant.redirect_uri.to_string());
        let challenge = match grant.extensions.remove(&pkce::rule(false)) {
            Some(value) => value
                .into_private_value()
                .map_err(|()| anyhow::anyhow!("the PKCE challenge is not private"))?,
            None => None,
        };
        sqlx::query(
            "INSERT INTO oauth_access_grants
                 (application_id, user_id, code_hash, redirect_uri, scopes, code_challenge,
                  expires_at, created_at)
             SELECT a.id, $2, $3, $4, $5, $6, $7, $8 FROM oauth_applications a WHERE a.uid = $1",
        )
        .bind(&grant.client_id)
        .bind(user_id)
        .bind(token_hash(&code))
        .bind(&redirect_uri)
        .bind(grant.scope.to_string())
        .bind(challenge)
        .bind(now + Duration::seconds(CODE_TTL_SECONDS))
        .bind(now)
        .execute(&self.state.pool)
        .await?;
        Ok(code)
    }

    async fn find(&mut self, code: &str) -> anyhow::Result<Option<Grant>> {
        let now = self.state.clock.now();
        let row = sqlx::query_as::<_, CodeRow>(
            "SELECT g.id, a.uid, g.user_id, g.redirect_uri, g.scopes, g.code_challenge,
                    g.expires_at, g.used_at, g.family_id
             FROM oauth_access_grants g JOIN oauth_applications a ON a.id = g.application_id
             WHERE g.code_hash = $1",
        )
        .bind(token_hash(code))
        .fetch_optional(&self.state.pool)
        .await?;
        let Some(row) = row else {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        };
        let (claimed_client, claimed_uri) = {
            let flow = self.flow.lock();
            (
                flow.claimed_client_id.clone(),
                flow.claimed_redirect_uri.clone(),
            )
        };
        if claimed_client.as_deref() != Some(row.uid.as_str()) {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        }
        if row.used_at.is_some() {
            // RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
            if let Some(family) = row.family_id {
                revoke_family(&self.state, family, now).await?;
            }
            self.flow.reject(Rejection::CodeReused);
            return Ok(None);
        }
        // RFC 6749 §4.1.3: the redirect_uri must be identical, not merely equivalent.
        if row.expires_at <= now || claimed_uri.as_deref() != Some(row.redirect_uri.as_str()) {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        }
        self.flow.lock().code_id = Some(row.id);
        let mut extensions = Extensions::new();
        if let Some(challenge) = row.code_challenge {
            extensions.set(&pkce::rule(false), Value::private(Some(challenge)));
        }
        Ok(Some(Grant {
            owner_id: row.user_id.to_string(),
            client_id: row.uid,
            redirect_uri: row.redirect_uri.parse()?,
            scope: row.scopes.parse()?,
            until: wall_clock_deadline(row.expires_at, now),
            extensions,
        }))
    }
}

#[async_trait]
impl oxide_auth_async::primitives::Authorizer for PgAuthorizer {
    async fn authorize(&mut self, grant: Grant) -> Result<String, ()> {
        self.store(grant).await.map_err(|err| self.flow.fail(err))
    }

    async fn extract(&mut self, code: &str) -> Result<Option<Grant>, ()> {
        self.find(code).await.map_err(|err| self.flow.fail(err))
    }
}
