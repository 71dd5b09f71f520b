//! Which redirect URIs an application may register: every path that registers one
//! (`tokens::create_application`, so the admin CLI and any other) checks here.
//!
//! RFC 6749 §3.1.2: absolute, no fragment. RFC 9700 §2.1 and RFC 8252: `https`; plain
//! `http` only to this machine's loopback interface (a native app listening locally),
//! where the code never crosses a network; or a native app's private-use scheme, named
//! for a domain (`com.example.app:/oauth`). Never a scheme a browser would run.

use std::net::IpAddr;

use anyhow::{Context, bail};
use url::{Host, Url};

/// Why `uri` can't be registered, or `Ok`.
pub fn check(uri: &str) -> anyhow::Result<()> {
    let parsed = Url::parse(uri).with_context(|| format!("{uri:?} is not an absolute URI"))?;
    if parsed.fragment().is_some() {
        bail!("{uri:?} has a fragment; redirect URIs may not");
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(parsed.host()) => Ok(()),
        "http" => bail!(
            "{uri:?} is plain http to another machine; redirect URIs must use https \
             (http only for the loopback hosts localhost, 127.0.0.1 and [::1])"
        ),
        "javascript" | "data" | "file" | "vbscript" | "about" | "blob" | "ws" | "wss" | "ftp" => {
            bail!("{uri:?} uses a scheme that can't be a redirect URI")
        }
        // RFC 8252 §7.1: a private-use scheme is a reversed domain name.
        scheme if scheme.contains('.') => Ok(()),
        _ => bail!(
            "{uri:?} must use https (http only for localhost, 127.0.0.1 and [::1], or a \
             native app's scheme named for its domain, such as com.example.app:/callback)"
        ),
    }
}

fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn redirect_uris_must_be_absolute_without_fragment_or_script() {
        assert!(check("https://app.example.com/callback").is_ok());
        assert!(check("com.example.app:/oauth").is_ok());
        assert!(check("/callback").is_err());
        assert!(check("https://a.example/cb#x").is_err());
        assert!(check("javascript:alert(1)").is_err());
        assert!(check("myapp:/callback").is_err());
    }

    #[test]
    fn plain_http_is_only_for_the_loopback_interface() {
        for ok in [
            "http://localhost/cb",
            "http://LOCALHOST:8080/cb",
            "http://127.0.0.1:43123/cb",
            "http://[::1]:9000/cb",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://app.example.com/cb",
            "http://localhost.example.com/cb",
            "http://10.0.0.7/cb",
            "http://[fe80::1]/cb",
        ] {
            let err = check(refused).unwrap_err().to_string();
            assert!(err.contains("https"), "{refused}: {err}");
        }
    }
}
