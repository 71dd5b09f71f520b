//! Reading a form-encoded OAuth request and the client credentials in it: HTTP Basic
//! (RFC 6749 §2.3.1, each part form-urlencoded) or `client_id`/`client_secret` in the
//! body, never both; and the rate limits every client authentication passes first.

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::http::ratelimit;
use crate::oauth::clients::{self, Client};
use crate::oauth::errors::OAuthError;
use crate::state::AppState;

/// The parameters of a form body, each at most once; empty ones count as absent
/// (RFC 6749 §3.1).
#[derive(Debug, Default, Clone)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Parses `application/x-www-form-urlencoded` bytes; a repeated parameter is an error
    /// naming it.
    pub fn parse(bytes: &[u8]) -> Result<Params, String> {
        let mut map = BTreeMap::new();
        for (key, value) in url::form_urlencoded::parse(bytes) {
            if value.is_empty() {
                continue;
            }
            if map.insert(key.to_string(), value.to_string()).is_some() {
                return Err(format!("The parameter `{key}` is repeated"));
            }
        }
        Ok(Params(map))
    }
}

/// A form body, or `invalid_request`.
pub fn form(headers: &HeaderMap, body: &[u8]) -> Result<Params, OAuthError> {
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_encoded {
        return Err(OAuthError::invalid_request(
            "The body must be application/x-www-form-urlencoded",
        ));
    }
    Params::parse(body).map_err(OAuthError::invalid_request)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub secret: Option<String>,
}

fn form_decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("v={part}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The credentials a request presents, by exactly one method.
pub fn credentials(headers: &HeaderMap, params: &Params) -> Result<ClientCredentials, OAuthError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| OAuthError::invalid_client())?;
        let (scheme, encoded) = value
            .split_once(' ')
            .ok_or_else(OAuthError::invalid_client)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(OAuthError::invalid_client());
        }
        let decoded = STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(OAuthError::invalid_client)?;
        let (id, secret) = decoded
            .split_once(':')
            .ok_or_else(OAuthError::invalid_client)?;
        let (id, secret) = (form_decode(id), form_decode(secret));
        if params.get("client_secret").is_some() {
            return Err(OAuthError::invalid_request(
                "Use one client authentication method, not both HTTP Basic and client_secret",
            ));
        }
        if params.get("client_id").is_some_and(|body_id| body_id != id) {
            return Err(OAuthError::invalid_request(
                "client_id differs from the HTTP Basic credentials",
            ));
        }
        if id.is_empty() {
            return Err(OAuthError::invalid_client());
        }
        return Ok(ClientCredentials {
            client_id: id,
            secret: (!secret.is_empty()).then_some(secret),
        });
    }
    let client_id = params
        .get("client_id")
        .ok_or_else(OAuthError::invalid_client)?;
    Ok(ClientCredentials {
        client_id: client_id.to_string(),
        secret: params.get("client_secret").map(str::to_string),
    })
}

/// Refuses a request over its address's budget (`http::ratelimit::oauth_address`):
/// first thing on every endpoint that authenticates a client.
pub async fn limit_address(state: &AppState, ip: Option<IpAddr>) -> Result<(), OAuthError> {
    match ratelimit::oauth_address(state, ip).await {
        None => Ok(()),
        Some(verdict) => Err(OAuthError::slow_down(verdict.reset_in)),
    }
}

/// The credentials a request presents ([`credentials`]), counted against the client id's
/// budget: over it, `slow_down` before any secret is looked at.
pub async fn claimed(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<ClientCredentials, OAuthError> {
    let claimed = credentials(headers, params)?;
    match ratelimit::oauth_client(state, &claimed.client_id).await {
        None => Ok(claimed),
        Some(verdict) => Err(OAuthError::slow_down(verdict.reset_in)),
    }
}

/// The authenticated client, or `invalid_client`. Callers took the credentials from
/// [`claimed`], so the attempt is already counted.
pub async fn authenticate(
    state: &AppState,
    credentials: &ClientCredentials,
) -> Result<Client, OAuthError> {
    clients::authenticate(
        &state.pool,
        &state.argon2,
        &credentials.client_id,
        credentials.secret.as_deref(),
    )
    .await
    .map_err(|err| OAuthError::server_error(Some(err.into())))?
    .ok_or_else(OAuthError::invalid_client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn basic(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let encoded = STANDARD.encode(value);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        h
    }

    #[test]
    fn repeated_parameters_are_refused_and_empty_ones_ignored() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let params = Params::default();
        let c = credentials(&basic("my%20id:s%3Acret"), &params).unwrap();
        assert_eq!(c.client_id, "my id");
        assert_eq!(c.secret.as_deref(), Some("s:cret"));
    }

    #[test]
    fn two_authentication_methods_at_once_are_refused() {
        let params = Params::parse(b"client_secret=x").unwrap();
        let err = credentials(&basic("id:secret"), &params).unwrap_err();
        assert_eq!(err.error, "invalid_request");
    }

    #[test]
    fn body_credentials_need_a_client_id() {
        let err = credentials(&HeaderMap::new(), &Params::default()).unwrap_err();
        assert_eq!(err.error, "invalid_client");
        let params = Params::parse(b"client_id=abc").unwrap();
        let c = credentials(&HeaderMap::new(), &params).unwrap();
        assert_eq!(c.secret, None);
    }
}
