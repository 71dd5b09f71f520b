//! The client credentials grant (RFC 6749 §4.4): a confidential application trades its
//! own credentials for an access token that acts for the application's owner (a user of
//! one business). No refresh token (§4.4.3): the application asks again.
//!
//! At most the application's registered scopes are granted: `scope` narrows them and
//! never widens; no `scope` grants `read`, the least, as the code flow does.

use crate::auth::tokens::{self, IssuedAccessToken};
use crate::oauth::client_auth::{self, ClientCredentials, Params};
use crate::oauth::errors::OAuthError;
use crate::oauth::registrar::negotiate_scope;
use crate::state::AppState;

pub async fn grant(
    state: &AppState,
    credentials: &ClientCredentials,
    params: &Params,
) -> Result<IssuedAccessToken, OAuthError> {
    // A public client presents no secret; RFC 6749 §4.4 is for confidential ones only.
    let client = client_auth::authenticate(state, credentials).await?;
    if !client.confidential {
        return Err(OAuthError::unauthorized_client(
            "A public client cannot use the client_credentials grant",
        ));
    }
    let Some(owner_id) = client.owner_id else {
        return Err(OAuthError::unauthorized_client(
            "This application has no owner to act for; give it one (koteshen admin \
             create-client --owner-email) to use the client_credentials grant",
        ));
    };
    let scopes = negotiate_scope(&client.scopes, params.get("scope"))
        .ok_or_else(OAuthError::invalid_scope)?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(|e| OAuthError::server_error(Some(e.into())))?;
    tokens::issue_access_only(&mut conn, client.id, owner_id, scopes, state.clock.now())
        .await
        .map_err(|e| OAuthError::server_error(Some(e.into())))
}
