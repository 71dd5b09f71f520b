//! The one HTTP client deliveries share (per process, per address policy), and the
//! request itself: signed, `WEBHOOK_TIMEOUT_SECONDS` at most from name lookup to the
//! answer's last byte, redirects not followed, the answer read up to 64 KiB. TLS is
//! rustls on the ring provider, trusting the system's CA certificates.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use url::Url;

use super::address;

/// Connecting takes at most this long (and never longer than the whole attempt).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a receiver's answer is read (the rest is dropped unread).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Resolves host names, drops every address the policy refuses, and hands the client
/// only what is left: the addresses checked are the ones connected to, so a name that
/// answers differently the second time (DNS rebinding) gains nothing.
struct PinnedResolver {
    allow_private: bool,
}

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow_private || address::refusal(a.ip()).is_none())
                .collect();
            if allowed.is_empty() {
                // What the name resolved to is not said: it would map the internal network.
                let reason = if found.is_empty() {
                    "does not resolve"
                } else {
                    address::RESOLVES_TO_REFUSED
                };
                return Err(format!("the target {host} {reason}").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Builds a client; fails when TLS cannot be set up (no CA certificates on the system:
/// a container image without `ca-certificates`), with the reason.
pub fn build(allow_private: bool) -> Result<reqwest::Client, String> {
    crate::tls::install_crypto_provider();
    reqwest::Client::builder()
        .dns_resolver(Arc::new(PinnedResolver { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would connect for us, to addresses we never checked.
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|err| {
            let mut message = format!("the webhook HTTP client could not be set up: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            message
        })
}

/// The shared client: one for each policy, built on first use. A failure is kept too
/// (the system's certificates do not change under a running process) and every
/// delivery reports it.
pub fn shared(allow_private: bool) -> Result<&'static reqwest::Client, String> {
    static STRICT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    static PERMISSIVE: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    let cell = if allow_private { &PERMISSIVE } else { &STRICT };
    cell.get_or_init(|| {
        let built = build(allow_private);
        if let Err(reason) = &built {
            tracing::error!(reason = %reason, "webhook deliveries cannot run");
        }
        built
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// What a receiver answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// `Retry-After`, in seconds, when the receiver sent one we could read.
    pub retry_after: Option<i64>,
}

/// The Standard Webhooks headers of one delivery.
pub struct Signed {
    pub webhook_id: String,
    pub timestamp: i64,
    /// `v1,<base64>` for each secret, space-separated.
    pub signature: String,
    /// `X-Koteshen-Signature`: lowercase hex, the current secret's.
    pub koteshen_signature: String,
}

/// How one delivery is made: the address policy and the deadline of the whole attempt.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub allow_private: bool,
    pub timeout: Duration,
}

/// POSTs `body` to `url`; `Err` with a sentence when no HTTP answer came within the
/// policy's deadline (resolving, connecting, sending and reading the answer together).
pub async fn post(
    url: &Url,
    body: Vec<u8>,
    signed: &Signed,
    policy: Policy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Answer, String> {
    match tokio::time::timeout(policy.timeout, attempt(url, body, signed, policy, now)).await {
        Ok(answer) => answer,
        Err(_) => Err(format!(
            "the request timed out: no complete answer within {} s",
            policy.timeout.as_secs()
        )),
    }
}

async fn attempt(
    url: &Url,
    body: Vec<u8>,
    signed: &Signed,
    policy: Policy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Answer, String> {
    let allow_private = policy.allow_private;
    // IP literals never reach the resolver: check them here.
    if !allow_private
        && let Some(ip) = address::literal_ip(url)
        && let Some(kind) = address::refusal(ip)
    {
        return Err(format!("the target {}", address::refused_message(ip, kind)));
    }
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static("koteshen-webhooks/1"));
    let header = |v: &str| HeaderValue::from_str(v).map_err(|e| e.to_string());
    headers.insert("webhook-id", header(&signed.webhook_id)?);
    headers.insert("webhook-timestamp", header(&signed.timestamp.to_string())?);
    headers.insert("webhook-signature", header(&signed.signature)?);
    headers.insert("x-koteshen-signature", header(&signed.koteshen_signature)?);
    let response = shared(allow_private)?
        .post(url.clone())
        .headers(headers)
        .body(body)
        .send()
        .await
        .map_err(describe)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, now));
    drain(response).await;
    Ok(Answer {
        status,
        retry_after,
    })
}

/// Reads at most `MAX_RESPONSE_BYTES` of the answer, so the connection can be reused
/// when the answer is short and a huge one costs nothing.
async fn drain(mut response: reqwest::Response) {
    let mut read = 0usize;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read >= MAX_RESPONSE_BYTES {
            break;
        }
    }
}

/// `Retry-After` as seconds from now: a number of seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return (seconds >= 0).then_some(seconds);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - now).num_seconds().max(0))
}

/// A transport error as a sentence for the deliveries log (no URL credentials in it).
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut message = format!("the request {kind}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2025-10-21T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after("120", now), Some(120));
        assert_eq!(
            parse_retry_after("Tue, 21 Oct 2025 10:05:00 GMT", now),
            Some(300)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
