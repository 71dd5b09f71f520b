//! The deployment's key for the customer's page links (`billing::links`): the HMAC key
//! tokens are derived from (so the API can show a link again from its stored nonce) and
//! the pages' form tokens are signed with. Below the domain and the queue, so handlers
//! and jobs carry it in their state.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// The deployment's key for deriving page tokens and the pages' form tokens. Built once
/// at startup (`LinkKey::load`) and handed to handlers and jobs through their state.
#[derive(Clone)]
pub struct LinkKey(Arc<[u8; 32]>);

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    /// A key from `LINK_SECRET` (any length: its SHA-256 is the key).
    pub fn from_secret(secret: &str) -> LinkKey {
        LinkKey(Arc::new(Sha256::digest(secret.as_bytes()).into()))
    }

    /// `LINK_SECRET` when configured; otherwise the key kept in `link_secret`, generated
    /// by the first process that needs it (every process then reads the same row).
    pub async fn load(pool: &PgPool, configured: Option<&str>) -> sqlx::Result<LinkKey> {
        if let Some(secret) = configured {
            return Ok(LinkKey::from_secret(secret));
        }
        let fresh = random_bytes();
        sqlx::query("INSERT INTO link_secret (secret) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(&fresh[..])
            .execute(pool)
            .await?;
        let kept: Vec<u8> = sqlx::query_scalar("SELECT secret FROM link_secret")
            .fetch_one(pool)
            .await?;
        let key: [u8; 32] = kept
            .try_into()
            .map_err(|_| sqlx::Error::Protocol("link_secret is not 32 bytes".into()))?;
        Ok(LinkKey(Arc::new(key)))
    }

    fn mac(&self, purpose: &[u8], data: &[u8]) -> hmac::Hmac<Sha256> {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.0[..])
            .expect("HMAC takes a key of any length");
        mac.update(purpose);
        mac.update(data);
        mac
    }

    /// The page token of a link's nonce.
    pub fn token(&self, nonce: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(
            self.mac(b"koteshen page link\0", nonce)
                .finalize()
                .into_bytes(),
        )
    }

    /// The page's absolute URL for a link's nonce.
    pub fn page_url(&self, public_url: &str, nonce: &[u8]) -> String {
        format!("{public_url}/p/{}", self.token(nonce))
    }

    /// The form token of a page's Accept and Decline forms: bound to the link (its
    /// token's hash), so it is good for that page only.
    pub fn form_token(&self, token_hash: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(
            self.mac(b"koteshen page form\0", token_hash)
                .finalize()
                .into_bytes(),
        )
    }

    /// Whether `given` is the link's form token (compared in constant time).
    pub fn check_form_token(&self, token_hash: &[u8], given: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(given.trim()) else {
            return false;
        };
        self.mac(b"koteshen page form\0", token_hash)
            .verify_slice(&given)
            .is_ok()
    }
}

pub(crate) fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}
