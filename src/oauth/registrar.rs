//! oxide-auth's Registrar over `oauth_applications`: redirect URIs match by exact string
//! (`ExactUrl`), scopes must be known and allowed to the client.

use std::borrow::Cow;

use async_trait::async_trait;
use oxide_auth::primitives::registrar::{
    BoundClient, ClientUrl, ExactUrl, PreGrant, RegisteredUrl, RegistrarError,
};
use oxide_auth::primitives::scope::Scope;

use crate::auth::scopes;
use crate::oauth::DEFAULT_SCOPE;
use crate::oauth::clients::{self, Client};
use crate::oauth::flow_state::Shared;
use crate::state::AppState;

pub struct PgRegistrar {
    pub state: AppState,
    pub flow: Shared,
}

impl PgRegistrar {
    async fn client(&self, uid: &str) -> Result<Client, RegistrarError> {
        match clients::find_by_uid(&self.state.pool, uid).await {
            Ok(Some(client)) => Ok(client),
            Ok(None) => Err(RegistrarError::Unspecified),
            Err(err) => {
                self.flow.fail(err);
                Err(RegistrarError::PrimitiveError)
            }
        }
    }
}

/// The scope a client may be granted for a request: known scopes only, each allowed to
/// the client; `None` when the request asks for anything else.
pub fn negotiate_scope(client_scopes: &str, requested: Option<&str>) -> Option<String> {
    let requested = requested.unwrap_or(DEFAULT_SCOPE);
    let normalized = scopes::normalize(requested)?;
    normalized
        .split(' ')
        .all(|s| scopes::grants(client_scopes, s))
        .then_some(normalized)
}

#[async_trait]
impl oxide_auth_async::primitives::Registrar for PgRegistrar {
    async fn bound_redirect<'a>(
        &self,
        bound: ClientUrl<'a>,
    ) -> Result<BoundClient<'a>, RegistrarError> {
        let client = self.client(&bound.client_id).await?;
        // RFC 6749 §3.1.2.3: the parameter may be left out only when one URI is registered.
        let uri = match &bound.redirect_uri {
            Some(sent) => client
                .redirect_uris
                .iter()
                .find(|registered| registered.as_str() == sent.as_str())
                .cloned(),
            None if client.redirect_uris.len() == 1 => client.redirect_uris.first().cloned(),
            None => None,
        }
        .ok_or(RegistrarError::Unspecified)?;
        let exact = ExactUrl::new(uri.clone()).map_err(|_| RegistrarError::Unspecified)?;
        {
            let mut flow = self.flow.lock();
            flow.bound_redirect_uri = Some(uri);
            flow.client_confidential = Some(client.confidential);
        }
        Ok(BoundClient {
            client_id: bound.client_id,
            redirect_uri: Cow::Owned(RegisteredUrl::Exact(exact)),
        })
    }

    async fn negotiate<'a>(
        &self,
        bound: BoundClient<'a>,
        scope: Option<Scope>,
    ) -> Result<PreGrant, RegistrarError> {
        let client = self.client(&bound.client_id).await?;
        let requested = scope.map(|s| s.to_string());
        let granted = negotiate_scope(&client.scopes, requested.as_deref())
            .ok_or(RegistrarError::Unspecified)?;
        Ok(PreGrant {
            client_id: bound.client_id.into_owned(),
            redirect_uri: bound.redirect_uri.into_owned(),
            scope: granted.parse().map_err(|_| RegistrarError::Unspecified)?,
        })
    }

    async fn check(
        &self,
        client_id: &str,
        passphrase: Option<&[u8]>,
    ) -> Result<(), RegistrarError> {
        let secret = match passphrase.map(std::str::from_utf8) {
            None => None,
            Some(Ok(secret)) => Some(secret),
            Some(Err(_)) => return Err(RegistrarError::Unspecified),
        };
        match clients::authenticate(&self.state.pool, &self.state.argon2, client_id, secret).await {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(RegistrarError::Unspecified),
            Err(err) => {
                self.flow.fail(err);
                Err(RegistrarError::PrimitiveError)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::negotiate_scope;

    #[test]
    fn scopes_are_limited_to_what_the_client_may_have() {
        assert_eq!(negotiate_scope("read write", None).as_deref(), Some("read"));
        assert_eq!(
            negotiate_scope("read write", Some("write read")).as_deref(),
            Some("read write")
        );
        assert_eq!(negotiate_scope("read", Some("read write")), None);
        assert_eq!(negotiate_scope("read write", Some("admin")), None);
    }
}
