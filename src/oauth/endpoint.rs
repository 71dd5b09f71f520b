//! The oxide-auth endpoint: built per request (cheap: pool and state clones), because the
//! flows take it by value and need it `Send + Sync`.

use async_trait::async_trait;
use oxide_auth::endpoint::{OAuthError, OwnerConsent, Scopes, Solicitation, Template};
use oxide_auth_async::endpoint::{Endpoint, Extension, OwnerSolicitor};
use oxide_auth_async::primitives::{Authorizer, Issuer, Registrar};
use oxide_auth_axum::{OAuthRequest, OAuthResponse, WebError};

use crate::oauth::authorizer::PgAuthorizer;
use crate::oauth::flow_state::Shared;
use crate::oauth::issuer::PgIssuer;
use crate::oauth::pkce::PkceExtension;
use crate::oauth::registrar::PgRegistrar;
use crate::state::AppState;

/// How a flow failed outside a well-defined protocol answer.
#[derive(Debug)]
pub enum FlowError {
    /// oxide-auth's verdict: `DenySilently` for an unknown client or redirect_uri,
    /// `PrimitiveError` when a store failed or refused.
    OAuth(OAuthError),
    Web(WebError),
}

pub struct OAuthEndpoint<S> {
    registrar: PgRegistrar,
    authorizer: PgAuthorizer,
    issuer: PgIssuer,
    pkce: PkceExtension,
    solicitor: S,
}

impl<S> OAuthEndpoint<S> {
    pub fn new(state: &AppState, flow: &Shared, solicitor: S) -> Self {
        OAuthEndpoint {
            registrar: PgRegistrar {
                state: state.clone(),
                flow: flow.clone(),
            },
            authorizer: PgAuthorizer {
                state: state.clone(),
                flow: flow.clone(),
            },
            issuer: PgIssuer {
                state: state.clone(),
                flow: flow.clone(),
            },
            pkce: PkceExtension { flow: flow.clone() },
            solicitor,
        }
    }
}

/// The token endpoint has no resource owner to ask.
pub struct NoOwner;

#[async_trait]
impl OwnerSolicitor<OAuthRequest> for NoOwner {
    async fn check_consent(
        &mut self,
        _: &mut OAuthRequest,
        _: Solicitation<'_>,
    ) -> OwnerConsent<OAuthResponse> {
        OwnerConsent::Denied
    }
}

impl<S> Endpoint<OAuthRequest> for OAuthEndpoint<S>
where
    S: OwnerSolicitor<OAuthRequest> + Send + Sync,
{
    type Error = FlowError;

    fn registrar(&self) -> Option<&(dyn Registrar + Sync)> {
        Some(&self.registrar)
    }

    fn authorizer_mut(&mut self) -> Option<&mut (dyn Authorizer + Send)> {
        Some(&mut self.authorizer)
    }

    fn issuer_mut(&mut self) -> Option<&mut (dyn Issuer + Send)> {
        Some(&mut self.issuer)
    }

    fn owner_solicitor(&mut self) -> Option<&mut (dyn OwnerSolicitor<OAuthRequest> + Send)> {
        Some(&mut self.solicitor)
    }

    fn scopes(&mut self) -> Option<&mut dyn Scopes<OAuthRequest>> {
        None
    }

    fn response(
        &mut self,
        _: &mut OAuthRequest,
        _: Template,
    ) -> Result<OAuthResponse, Self::Error> {
        Ok(OAuthResponse::default())
    }

    fn error(&mut self, err: OAuthError) -> Self::Error {
        FlowError::OAuth(err)
    }

    fn web_error(&mut self, err: WebError) -> Self::Error {
        FlowError::Web(err)
    }

    fn extension(&mut self) -> Option<&mut (dyn Extension + Send)> {
        Some(&mut self.pkce)
    }
}
