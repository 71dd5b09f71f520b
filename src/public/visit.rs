//! Who opened the page: only a person's first GET marks a document viewed. HEAD,
//! prefetches (`Purpose: prefetch`, `Sec-Purpose: prefetch…`) and link-preview bots
//! (chat apps and mail scanners unfurling the link) are served without counting.

use axum::http::{HeaderMap, Method};

/// Substrings of the user agents of link unfurlers and crawlers, lower-case.
const BOTS: &[&str] = &[
    "bot",
    "crawler",
    "spider",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "slack",
    "whatsapp",
    "telegram",
    "discord",
    "skype",
    "embedly",
    "iframely",
    "vkshare",
    "pinterest",
    "outbrain",
    "quora link",
    "mattermost",
    "nuzzel",
    "bitlybot",
    "google-pagerenderer",
    "linkedin",
    "microsoft office",
    "proofpoint",
    "mimecast",
    "barracuda",
    "curl",
    "wget",
];

fn header_has(headers: &HeaderMap, name: &str, needle: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains(needle))
}

/// Whether this request is a person opening the page.
pub fn is_a_person(method: &Method, headers: &HeaderMap) -> bool {
    if method != Method::GET {
        return false;
    }
    if header_has(headers, "purpose", "prefetch")
        || header_has(headers, "sec-purpose", "prefetch")
        || header_has(headers, "x-purpose", "preview")
        || header_has(headers, "x-moz", "prefetch")
    {
        return false;
    }
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    !BOTS.iter().any(|bot| agent.contains(bot))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_browser_get_counts_and_nothing_else_does() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";
        assert!(is_a_person(&Method::GET, &with("user-agent", chrome)));
        assert!(is_a_person(&Method::GET, &HeaderMap::new()));
        assert!(!is_a_person(&Method::HEAD, &HeaderMap::new()));
        assert!(!is_a_person(&Method::GET, &with("purpose", "prefetch")));
        assert!(!is_a_person(
            &Method::GET,
            &with("sec-purpose", "prefetch;prerender")
        ));
        for bot in [
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1",
            "WhatsApp/2.23.20.0",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "TelegramBot (like TwitterBot)",
            "LinkedInBot/1.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1)",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("user-agent", bot.parse().unwrap());
            assert!(!is_a_person(&Method::GET, &headers), "{bot}");
        }
    }
}
