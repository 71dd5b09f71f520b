//! oxide-auth's Issuer over `oauth_access_tokens`, through `auth::tokens::issue`.
//!
//! Issuing for a code marks the code used in the same transaction, so of two concurrent
//! redemptions (in any number of processes) one wins. Refreshing rotates: the old pair
//! dies in the transaction that issues the new one, in the same family; a rotated refresh
//! token coming back revokes the family. A refresh token also expires unused
//! (`REFRESH_TOKEN_IDLE_DAYS`) and with its family (`REFRESH_TOKEN_LIFETIME_DAYS` after
//! the consent).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use oxide_auth::primitives::grant::{Extensions, Grant};
use oxide_auth::primitives::issuer::{IssuedToken, RefreshedToken, TokenType};
use uuid::Uuid;

use crate::auth::scopes;
use crate::auth::secrets::token_hash;
use crate::auth::tokens::{self, ACCESS_TOKEN_TTL_SECONDS, TokenRequest};
use crate::oauth::authorizer::{revoke_family, wall_clock_deadline};
use crate::oauth::flow_state::{Rejection, Shared};
use crate::state::AppState;

pub struct PgIssuer {
    pub state: AppState,
    pub flow: Shared,
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    family_id: Uuid,
    uid: String,
    user_id: i64,
    scopes: String,
    revoked_at: Option<DateTime<Utc>>,
    refreshed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    family_started_at: DateTime<Utc>,
}

/// A refresh token dies by rotation, revocation, `REFRESH_TOKEN_IDLE_DAYS` unused, or
/// its family's `REFRESH_TOKEN_LIFETIME_DAYS`, all checked here on the app's clock;
/// oxide-auth still wants a deadline of its own for the grant it is handed.
const REFRESH_GRANT_HORIZON_DAYS: i64 = 1;

/// Whether a refresh token issued at `created_at`, of a family begun at `started_at`,
/// has expired at `now`.
fn refresh_expired(
    limits: &crate::config::Limits,
    created_at: DateTime<Utc>,
    started_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    created_at + limits.refresh_token_idle <= now
        || started_at + limits.refresh_token_lifetime <= now
}

fn grant_scopes(grant: &Grant) -> String {
    scopes::normalize(&grant.scope.to_string()).unwrap_or_default()
}

impl PgIssuer {
    fn bearer(
        &self,
        issued: &tokens::IssuedToken,
        now: DateTime<Utc>,
    ) -> (String, String, DateTime<Utc>) {
        let until = wall_clock_deadline(now + Duration::seconds(ACCESS_TOKEN_TTL_SECONDS), now);
        (
            issued.access_token.clone(),
            issued.refresh_token.clone(),
            until,
        )
    }

    async fn issue_for_code(
        &mut self,
        grant: Grant,
    ) -> anyhow::Result<Option<tokens::IssuedToken>> {
        let now = self.state.clock.now();
        let code_id = self
            .flow
            .lock()
            .code_id
            .ok_or_else(|| anyhow::anyhow!("issuing without a redeemed code"))?;
        let mut tx = self.state.pool.begin().await?;
        let redeemed: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE oauth_access_grants SET used_at = $2
             WHERE id = $1 AND used_at IS NULL
             RETURNING application_id, user_id",
        )
        .bind(code_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((application_id, user_id)) = redeemed else {
            // Another request redeemed it first: this one is the second use.
            tx.rollback().await?;
            let family: Option<Option<Uuid>> =
                sqlx::query_scalar("SELECT family_id FROM oauth_access_grants WHERE id = $1")
                    .bind(code_id)
                    .fetch_optional(&self.state.pool)
                    .await?;
            if let Some(Some(family)) = family {
                revoke_family(&self.state, family, now).await?;
            }
            self.flow.reject(Rejection::CodeReused);
            return Ok(None);
        };
        anyhow::ensure!(grant.owner_id == user_id.to_string(), "code owner mismatch");
        let issued = tokens::issue(
            &mut tx,
            TokenRequest {
                application_id,
                user_id,
                scopes: grant_scopes(&grant),
                family_id: None,
                previous_token_id: None,
            },
            now,
        )
        .await?;
        sqlx::query("UPDATE oauth_access_grants SET family_id = $2 WHERE id = $1")
            .bind(code_id)
            .bind(issued.family_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(issued))
    }

    async fn rotate(
        &mut self,
        refresh: &str,
        grant: Grant,
    ) -> anyhow::Result<Option<tokens::IssuedToken>> {
        let now = self.state.clock.now();
        let mut tx = self.state.pool.begin().await?;
        let old: Option<(i64, Uuid, i64, i64)> = sqlx::query_as(
            "UPDATE oauth_access_tokens SET refreshed_at = $2, revoked_at = $2
             WHERE refresh_token_hash = $1 AND refreshed_at IS NULL AND revoked_at IS NULL
             RETURNING id, family_id, application_id, user_id",
        )
        .bind(token_hash(refresh))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((old_id, family_id, application_id, user_id)) = old else {
            // Rotated by a concurrent refresh: this is a reuse.
            tx.rollback().await?;
            self.revoke_family_of(refresh, now).await?;
            self.flow.reject(Rejection::RefreshReused);
            return Ok(None);
        };
        let issued = tokens::issue(
            &mut tx,
            TokenRequest {
                application_id,
                user_id,
                scopes: grant_scopes(&grant),
                family_id: Some(family_id),
                previous_token_id: Some(old_id),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        // The old access token died with the rotation; every other token stays cached.
        self.state.token_cache.evict(&[old_id]);
        Ok(Some(issued))
    }

    async fn revoke_family_of(&self, refresh: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
        let family: Option<Uuid> = sqlx::query_scalar(
            "SELECT family_id FROM oauth_access_tokens WHERE refresh_token_hash = $1",
        )
        .bind(token_hash(refresh))
        .fetch_optional(&self.state.pool)
        .await?;
        if let Some(family) = family {
            revoke_family(&self.state, family, now).await?;
        }
        Ok(())
    }

    async fn find_refresh(&mut self, refresh: &str) -> anyhow::Result<Option<Grant>> {
        let now = self.state.clock.now();
        let row = sqlx::query_as::<_, RefreshRow>(
            "SELECT t.family_id, a.uid, t.user_id, t.scopes, t.revoked_at, t.refreshed_at,
                    t.created_at, t.family_started_at
             FROM oauth_access_tokens t JOIN oauth_applications a ON a.id = t.application_id
             WHERE t.refresh_token_hash = $1",
        )
        .bind(token_hash(refresh))
        .fetch_optional(&self.state.pool)
        .await?;
        let Some(row) = row else {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        };
        let claimed = self.flow.lock().claimed_client_id.clone();
        if claimed.as_deref() != Some(row.uid.as_str()) {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        }
        if row.refreshed_at.is_some() {
            // RFC 9700 §4.14.2: a rotated refresh token used again means it leaked.
            revoke_family(&self.state, row.family_id, now).await?;
            self.flow.reject(Rejection::RefreshReused);
            return Ok(None);
        }
        if row.revoked_at.is_some() {
            self.flow.reject(Rejection::UnknownGrant);
            return Ok(None);
        }
        let limits = &self.state.config.limits;
        if refresh_expired(limits, row.created_at, row.family_started_at, now) {
            self.flow.reject(Rejection::RefreshExpired);
            return Ok(None);
        }
        Ok(Some(Grant {
            owner_id: row.user_id.to_string(),
            client_id: row.uid,
            redirect_uri: self.state.config.public_url.parse()?,
            scope: row.scopes.parse()?,
            until: wall_clock_deadline(now + Duration::days(REFRESH_GRANT_HORIZON_DAYS), now),
            extensions: Extensions::new(),
        }))
    }

    async fn find_access(&mut self, token: &str) -> anyhow::Result<Option<Grant>> {
        let now = self.state.clock.now();
        let Some(context) = tokens::find_live_access_token(&self.state.pool, token, now).await?
        else {
            return Ok(None);
        };
        let uid: String = sqlx::query_scalar("SELECT uid FROM oauth_applications WHERE id = $1")
            .bind(context.application_id)
            .fetch_one(&self.state.pool)
            .await?;
        Ok(Some(Grant {
            owner_id: context.user_id.to_string(),
            client_id: uid,
            redirect_uri: self.state.config.public_url.parse()?,
            scope: context.scopes.parse()?,
            until: wall_clock_deadline(context.expires_at, now),
            extensions: Extensions::new(),
        }))
    }

    fn record(
        &self,
        issued: Option<tokens::IssuedToken>,
    ) -> Result<(String, String, DateTime<Utc>), ()> {
        let issued = issued.ok_or(())?;
        let parts = self.bearer(&issued, self.state.clock.now());
        self.flow.lock().issued = Some(issued);
        Ok(parts)
    }
}

#[async_trait]
impl oxide_auth_async::primitives::Issuer for PgIssuer {
    async fn issue(&mut self, grant: Grant) -> Result<IssuedToken, ()> {
        let issued = self
            .issue_for_code(grant)
            .await
            .map_err(|e| self.flow.fail(e))?;
        let (token, refresh, until) = self.record(issued)?;
        Ok(IssuedToken {
            token,
            refresh: Some(refresh),
            until,
            token_type: TokenType::Bearer,
        })
    }

    async fn refresh(&mut self, refresh: &str, grant: Grant) -> Result<RefreshedToken, ()> {
        let issued = self
            .rotate(refresh, grant)
            .await
            .map_err(|e| self.flow.fail(e))?;
        let (token, refresh, until) = self.record(issued)?;
        Ok(RefreshedToken {
            token,
            refresh: Some(refresh),
            until,
            token_type: TokenType::Bearer,
        })
    }

    async fn recover_token(&mut self, token: &str) -> Result<Option<Grant>, ()> {
        self.find_access(token).await.map_err(|e| self.flow.fail(e))
    }

    async fn recover_refresh(&mut self, token: &str) -> Result<Option<Grant>, ()> {
        self.find_refresh(token)
            .await
            .map_err(|e| self.flow.fail(e))
    }
}
