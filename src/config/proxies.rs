//! `TRUSTED_PROXIES`: the peers whose forwarded headers are believed, and how they are
//! read. `Forwarded` (RFC 7239) or, without it, `X-Forwarded-For` are read from the right
//! (the hop the nearest proxy added) leftwards, past every trusted proxy: the first
//! address that is not one is the client. Anything to its left was written by the
//! client itself, so it is never believed. `http::client_ip` applies it to requests.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarded headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of CIDRs or bare addresses (`10.0.0.0/8, 127.0.0.1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = part
                .parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| part.to_string())?;
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, the request having come from `peer`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in hops(headers).iter().rev() {
            // A hop that names no address ("unknown", an obfuscated name): the proxy
            // that wrote it is as far as anything is known.
            let Some(ip) = hop else { return client };
            client = *ip;
            if !self.trusts(*ip) {
                return client;
            }
        }
        client
    }
}

/// IPv4 peers reach a dual-stack socket as `::ffff:a.b.c.d`; CIDRs are written as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarded hops, leftmost first: `Forwarded`'s `for=` when the request has any,
/// else `X-Forwarded-For`'s entries, every header line in order.
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| address(value))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(address)
        .collect()
}

/// One hop's address: `192.0.2.1`, `192.0.2.1:8080`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn address(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(socket) = value.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    value
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse::<IpAddr>().ok())
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() {
        let none = TrustedProxies::default();
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(none.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
    }

    #[test]
    fn an_untrusted_peer_is_not_believed_either() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(
            trusted.client(ip("203.0.113.9"), &spoofed),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_wins() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        // The client claims 1.2.3.4; the edge proxy saw 198.51.100.7; an inner proxy
        // (10.0.0.2) forwarded it to the one that connected (192.168.1.1).
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.7"),
            ("x-forwarded-for", "10.0.0.2"),
        ]);
        assert_eq!(trusted.client(ip("192.168.1.1"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_its_forms_are_read() {
        let trusted = TrustedProxies::parse("127.0.0.1/32,::1").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "9.9.9.9"),
            (
                "forwarded",
                "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "For=\"192.0.2.43:47011\"")]);
        assert_eq!(trusted.client(ip("::1"), &h), ip("192.0.2.43"));
    }

    #[test]
    fn an_unknown_hop_stops_at_the_proxy_that_wrote_it() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "1.2.3.4, unknown, 10.0.0.3")]);
        assert_eq!(trusted.client(ip("10.0.0.9"), &h), ip("10.0.0.3"));
        // All hops trusted: the leftmost.
        let h = headers(&[("x-forwarded-for", "10.0.0.4, 10.0.0.3")]);
        assert_eq!(trusted.client(ip("10.0.0.9"), &h), ip("10.0.0.4"));
        // No header: the proxy itself.
        assert_eq!(
            trusted.client(ip("10.0.0.9"), &HeaderMap::new()),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_cidrs_and_bad_entries_are_named() {
        let trusted = TrustedProxies::parse("127.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            trusted.client(ip("::ffff:127.0.0.1"), &h),
            ip("198.51.100.7")
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, nope"),
            Err("nope".to_string())
        );
        assert!(TrustedProxies::parse(" ").unwrap().is_empty());
    }
}
