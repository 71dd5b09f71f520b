//! What the stores of one flow tell each other and the handler. oxide-auth owns the
//! endpoint while a flow runs and answers only in its own terms, so the registrar,
//! authorizer, issuer and PKCE rule leave their findings here.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::tokens::IssuedToken;

/// Why a token request failed in a way oxide-auth cannot express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The code or refresh token is unknown, expired, revoked, another client's, or (a
    /// code) sent with a different redirect_uri. oxide-auth calls some of these
    /// `invalid_request`; RFC 6749 §5.2 calls them `invalid_grant`.
    UnknownGrant,
    /// The code was redeemed before; what that redemption issued is now revoked.
    CodeReused,
    /// A rotated refresh token came back; its whole family is now revoked.
    RefreshReused,
    /// The refresh token went unused too long, or its family is too old.
    RefreshExpired,
    /// The PKCE verifier is missing, malformed, unexpected or wrong.
    Pkce,
}

#[derive(Default)]
pub struct FlowState {
    /// Authorize: whether the bound client is confidential (public ones must use PKCE).
    pub client_confidential: Option<bool>,
    /// Authorize: the redirect_uri the registrar bound, exactly as registered.
    pub bound_redirect_uri: Option<String>,
    /// Authorize: the status of the page the solicitor rendered (401 wrong password...).
    pub page_status: Option<axum::http::StatusCode>,
    /// Token: the client the request speaks for and the redirect_uri it sent, verbatim.
    pub claimed_client_id: Option<String>,
    pub claimed_redirect_uri: Option<String>,
    /// Token: the code (row id) being redeemed.
    pub code_id: Option<i64>,
    /// Token: what was issued, in Doorkeeper's shape.
    pub issued: Option<IssuedToken>,
    pub rejection: Option<Rejection>,
    /// A database failure behind a primitive error: logged, answered as a 500.
    pub failure: Option<anyhow::Error>,
}

/// Shared between the stores (owned by the flow) and the handler.
#[derive(Clone, Default)]
pub struct Shared(Arc<Mutex<FlowState>>);

impl Shared {
    /// Never held across an await.
    pub fn lock(&self) -> MutexGuard<'_, FlowState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn fail(&self, err: impl Into<anyhow::Error>) {
        self.lock().failure = Some(err.into());
    }

    /// Keeps the first rejection: the most specific one is recorded first.
    pub fn reject(&self, rejection: Rejection) {
        self.lock().rejection.get_or_insert(rejection);
    }
}
