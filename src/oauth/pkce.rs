//! PKCE (RFC 7636) on oxide-auth's `Pkce`: S256 only, required of public clients,
//! accepted from confidential ones. `Pkce::optional()` alone would accept a verifier
//! when no challenge was stored (a downgrade) and any challenge string: both are refused
//! here.

use async_trait::async_trait;
use oxide_auth::code_grant::accesstoken::Request as TokenRequest;
use oxide_auth::code_grant::authorization::Request as AuthorizationRequest;
use oxide_auth::code_grant::extensions::Pkce;
use oxide_auth::primitives::grant::Extensions;
use oxide_auth_async::code_grant::access_token::Extension as AccessTokenExtension;
use oxide_auth_async::code_grant::authorization::Extension as AuthorizationExtension;
use oxide_auth_async::endpoint::Extension;

use crate::oauth::flow_state::{Rejection, Shared};

/// oxide-auth's rule, required or not; plain is never allowed.
pub fn rule(required: bool) -> Pkce {
    if required {
        Pkce::required()
    } else {
        Pkce::optional()
    }
}

/// RFC 7636 §4.1/§4.2: 43 to 128 unreserved characters (a challenge is 43).
pub fn well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

pub struct PkceExtension {
    pub flow: Shared,
}

impl Extension for PkceExtension {
    fn authorization(&mut self) -> Option<&mut (dyn AuthorizationExtension + Send)> {
        Some(self)
    }

    fn access_token(&mut self) -> Option<&mut (dyn AccessTokenExtension + Send)> {
        Some(self)
    }
}

#[async_trait]
impl AuthorizationExtension for PkceExtension {
    async fn extend(
        &mut self,
        request: &(dyn AuthorizationRequest + Sync),
    ) -> Result<Extensions, ()> {
        // The registrar has bound the client by now; unknown means treat as public.
        let public = self.flow.lock().client_confidential != Some(true);
        let challenge = request.extension("code_challenge");
        if challenge.as_deref().is_some_and(|c| !well_formed(c)) {
            return Err(());
        }
        let pkce = rule(public);
        let mut extensions = Extensions::new();
        if let Some(encoded) =
            pkce.challenge(request.extension("code_challenge_method"), challenge)?
        {
            extensions.set(&pkce, encoded);
        }
        Ok(extensions)
    }
}

#[async_trait]
impl AccessTokenExtension for PkceExtension {
    async fn extend(
        &mut self,
        request: &(dyn TokenRequest + Sync),
        mut data: Extensions,
    ) -> Result<Extensions, ()> {
        let pkce = rule(false);
        let stored = data.remove(&pkce);
        let verifier = request.extension("code_verifier");
        let ok = match (&stored, &verifier) {
            (None, Some(_)) => false,
            (Some(_), Some(v)) if !well_formed(v) => false,
            _ => pkce.verify(stored, verifier).is_ok(),
        };
        if ok {
            Ok(Extensions::new())
        } else {
            self.flow.reject(Rejection::Pkce);
            Err(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifiers_and_challenges_are_43_to_128_unreserved_characters() {
        assert!(well_formed(&"a".repeat(43)));
        assert!(well_formed(&"A-._~9".repeat(10)));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed(&format!("{}+", "a".repeat(43))));
    }
}
