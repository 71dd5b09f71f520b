//! The signatures a delivery carries: the Standard Webhooks `webhook-signature`
//! (`v1,<base64>` per signing secret) and Koteshen's own `X-Koteshen-Signature`
//! (lowercase hex HMAC-SHA256 of the raw body, keyed with the secret exactly as the
//! endpoint's answer showed it), which is what a receiver written from Koteshen's
//! webhooks page checks.

use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};

use super::endpoints::Endpoint;

/// `v1,<base64 HMAC-SHA256>` with each secret that signs now, space-separated.
pub fn standard(
    endpoint: &Endpoint,
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<String, String> {
    let mut signatures = Vec::new();
    for secret in endpoint.signing_secrets(now) {
        let webhook = standardwebhooks::Webhook::new(secret).map_err(|e| e.to_string())?;
        signatures.push(
            webhook
                .sign(webhook_id, timestamp, body)
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(signatures.join(" "))
}

/// `X-Koteshen-Signature`: one value, so one secret signs it, the current one. During a
/// rotation's overlap a receiver still holding the previous secret fails this check and
/// the delivery is retried (or it checks `webhook-signature`, which carries both).
pub fn koteshen(secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn koteshen_signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            koteshen("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
