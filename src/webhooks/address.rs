//! Which targets a webhook may reach (SSRF protection). A target is an `http`/`https` URL
//! whose host is, or resolves only to, public unicast addresses: private, loopback,
//! link-local, CGNAT, unspecified, multicast, broadcast, documentation and reserved
//! ranges are refused, and so are IPv6 forms that embed an IPv4 address (mapped,
//! compatible, NAT64, 6to4, Teredo), which could smuggle one of those in.
//!
//! The check runs when an endpoint is saved (the host name resolved then) and again on
//! every delivery, on the addresses actually connected to (`client::PinnedResolver`).
//! `WEBHOOK_ALLOW_PRIVATE=true` turns it off, for tests and local development.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use url::{Host, Url};

/// Why an address is not a public one, or `None` when it is.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u32, &str)] = &[
        ([0, 0, 0, 0], 8, "unspecified"),
        ([10, 0, 0, 0], 8, "private"),
        ([100, 64, 0, 0], 10, "shared (CGNAT)"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([169, 254, 0, 0], 16, "link-local"),
        ([172, 16, 0, 0], 12, "private"),
        ([192, 0, 0, 0], 24, "reserved"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([192, 88, 99, 0], 24, "reserved"),
        ([192, 168, 0, 0], 16, "private"),
        ([198, 18, 0, 0], 15, "reserved"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
    ];
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map(|(_, _, kind)| *kind)
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    if s[0] & 0xff00 == 0xff00 {
        return Some("multicast");
    }
    if s[0] & 0xfe00 == 0xfc00 {
        return Some("unique-local");
    }
    if s[0] & 0xffc0 == 0xfe80 || s[0] & 0xffc0 == 0xfec0 {
        return Some("link-local");
    }
    if s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) {
        return Some("IPv4-mapped or IPv4-compatible");
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || s[..2] == [0x64, 0xff9b] {
        return Some("NAT64 (embeds an IPv4 address)");
    }
    if s[0] == 0x2002 {
        return Some("6to4 (embeds an IPv4 address)");
    }
    if s[..2] == [0x2001, 0] {
        return Some("Teredo (embeds an IPv4 address)");
    }
    if s[..2] == [0x2001, 0xdb8] {
        return Some("documentation");
    }
    if s[..4] == [0x100, 0, 0, 0] {
        return Some("discard-only");
    }
    None
}

/// The sentence a refused IP literal gets, under `errors.url` and in the deliveries log
/// (the address is the caller's own, so naming it tells nothing).
pub fn refused_message(ip: IpAddr, kind: &str) -> String {
    format!("must not point to a private or internal address ({ip} is {kind})")
}

/// The sentence a host name that resolves to a refused address gets: the address is
/// not named (nor its kind), so the refusal cannot be used to map internal names.
pub const RESOLVES_TO_REFUSED: &str =
    "resolves to an address that is not allowed (private or internal addresses are refused)";

/// The form the OpenAPI document states (`TARGET_PATTERN`): `http://` or `https://`, a
/// host of letters, digits, dots, hyphens (an IP literal's colons and brackets, a
/// port), and a path of printable ASCII. A URI is ASCII (RFC 3986): a client sends an
/// international domain in its punycode form; user info has no place in a webhook URL.
pub const TARGET_PATTERN: &str = r"^https?://[A-Za-z0-9.:\[\]-]+([/?#][!-~]*)?$";

fn well_formed(raw: &str) -> bool {
    let Some(rest) = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
    else {
        return false;
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:[]-".contains(&b))
        && tail.bytes().all(|b| b.is_ascii_graphic())
}

/// Parses a target URL: `http`/`https`, with a host. The message says what is wrong.
pub fn parse_target(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|_| "is not a valid URL".to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http:// or https:// URL".into());
    }
    if !well_formed(raw) {
        return Err(
            "is not a valid URL (printable ASCII, a host in punycode, no user info)".into(),
        );
    }
    if url.host().is_none() {
        return Err("must have a host".into());
    }
    Ok(url)
}

/// The IP of a URL whose host is an IP literal (`http://10.0.0.1/`, `http://[::1]/`).
pub fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        Host::Domain(_) => None,
    }
}

/// Checks a target when an endpoint is saved: the URL's form, and unless private targets
/// are allowed, every address its host resolves to now.
pub async fn check_target(raw: &str, allow_private: bool) -> Result<Url, String> {
    let url = parse_target(raw)?;
    if allow_private {
        return Ok(url);
    }
    if let Some(ip) = literal_ip(&url) {
        return match refusal(ip) {
            Some(kind) => Err(refused_message(ip, kind)),
            None => Ok(url),
        };
    }
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await;
    let addrs: Vec<IpAddr> = match lookup {
        Ok(Ok(addrs)) => addrs.map(|a| a.ip()).collect(),
        _ => return Err(format!("has a host that could not be resolved ({host})")),
    };
    if addrs.is_empty() {
        return Err(format!("has a host that could not be resolved ({host})"));
    }
    if addrs.iter().any(|ip| refusal(*ip).is_some()) {
        return Err(format!("has a host that {RESOLVES_TO_REFUSED}"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_ascii_http_urls_without_user_info() {
        for ok in [
            "https://example.com/hooks?x=1",
            "http://127.0.0.1:8080/hook",
            "http://[::1]:9/",
            "https://xn--bcher-kva.example",
        ] {
            assert!(parse_target(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://bücher.example/",
            "https://a b/",
            "https://example.com/a b",
            "https://user:pw@example.com/",
            "ftp://example.com/",
            "HTTPS://example.com/",
            "https://",
            "https://exa_mple.com/",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    fn refused(ip: &str) -> bool {
        refusal(ip.parse().unwrap()).is_some()
    }

    #[test]
    fn internal_ipv4_ranges_are_refused_and_public_ones_allowed() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.10",
            "198.18.0.1",
        ] {
            assert!(refused(ip), "{ip} should be refused");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "93.184.216.34",
        ] {
            assert!(!refused(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn internal_and_ipv4_embedding_ipv6_is_refused() {
        for ip in [
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "2001:0:4136:e378::1",
            "2001:db8::1",
        ] {
            assert!(refused(ip), "{ip} should be refused");
        }
        assert!(!refused("2606:4700:4700::1111"));
        assert!(!refused("2a00:1450:4001:80b::200e"));
    }

    #[test]
    fn targets_must_be_http_urls_with_a_host() {
        assert!(parse_target("https://example.com/hooks").is_ok());
        assert!(parse_target("ftp://example.com/").is_err());
        assert!(parse_target("file:///etc/passwd").is_err());
        assert!(parse_target("not a url").is_err());
        assert!(parse_target("javascript:alert(1)").is_err());
    }

    #[tokio::test]
    async fn literal_and_resolved_internal_targets_are_refused_unless_allowed() {
        for target in [
            "http://127.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1/",
            "http://[::1]:8080/",
            "http://[::ffff:10.0.0.1]/",
            "http://localhost:9/",
        ] {
            let err = check_target(target, false).await.unwrap_err();
            assert!(err.contains("private or internal"), "{target}: {err}");
            assert!(check_target(target, true).await.is_ok());
        }
        // A name's refusal does not say what it resolved to.
        let err = check_target("http://localhost:9/", false)
            .await
            .unwrap_err();
        assert!(err.contains("not allowed"), "{err}");
        assert!(!err.contains("127.0.0.1") && !err.contains("::1"), "{err}");
        assert!(!err.contains("loopback"), "{err}");
    }
}
