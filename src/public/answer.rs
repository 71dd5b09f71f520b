//! The quote page's Accept and Decline forms. A post must come from the page itself: its
//! form token (an HMAC bound to the link) is checked, and `Sec-Fetch-Site` / `Origin`,
//! when the browser sends them, must say same-origin (`Origin: null` only with
//! `Sec-Fetch-Site: same-origin`: what the page's no-referrer policy makes browsers send). Then the quote's own status rules
//! decide (`billing::customer_page::answer`); the answer is a 303 back to the page.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{not_found, render, respond, unavailable};
use crate::billing::customer_page::{self, Answer, Answered};
use crate::billing::error::BillingError;
use crate::billing::links::DocKind;
use crate::publish;
use crate::state::AppState;
use crate::views::page::{self, Notice};

/// The longest name and comment a customer may leave, in characters.
pub const MAX_NAME: usize = 200;
pub const MAX_COMMENT: usize = 2000;

#[derive(Debug, Default, Deserialize)]
struct Form {
    form_token: Option<String>,
    name: Option<String>,
    comment: Option<String>,
}

fn refused(status: StatusCode, title: &str, text: &str) -> Response {
    respond(status, &page::message(title, text))
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    match url.origin() {
        origin @ url::Origin::Tuple(..) => Some(origin.ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// Whether the browser says the post came from this site. Headers that are absent say
/// nothing (older browsers, other clients); the form token is checked either way.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let value = |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    let site = value(header::HeaderName::from_static("sec-fetch-site"));
    if site.is_some_and(|site| site != "same-origin") {
        return false;
    }
    let Some(origin) = value(header::ORIGIN) else {
        return true;
    };
    // The page's `Referrer-Policy: no-referrer` makes a browser send `Origin: null` with
    // the page's own form; `Sec-Fetch-Site` then says where it came from.
    if origin == "null" {
        return site == Some("same-origin");
    }
    let ours = origin_of(public_url);
    // The address the browser used (behind a proxy, or a test server on its own port).
    let host = value(header::HOST).map(|host| {
        let scheme = if public_url.starts_with("https://") {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    });
    let origin = origin.trim_end_matches('/');
    ours.as_deref() == Some(origin)
        || host.as_deref().and_then(origin_of).as_deref() == Some(origin)
}

/// Trimmed, blank as none; too long is refused by naming the field.
fn optional(value: Option<String>, field: &str, max: usize) -> Result<Option<String>, String> {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match value {
        Some(v) if v.chars().count() > max => Err(format!(
            "The {field} is too long (at most {max} characters)."
        )),
        other => Ok(other),
    }
}

/// Handles a posted answer to the quote behind `token`.
pub async fn handle(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
    body: &[u8],
    answer: Answer,
) -> Response {
    if !same_origin(headers, &state.config.public_url) {
        return refused(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "This form can only be sent from the quote's own page.",
        );
    }
    let link = match super::resolve(state, token).await {
        Ok(Some(link)) if link.kind == DocKind::Quote => link,
        Ok(_) => return not_found(),
        Err(response) => return response,
    };
    let form: Form = match serde_urlencoded::from_bytes(body) {
        Ok(form) => form,
        Err(_) => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not understood",
                "The form could not be read.",
            );
        }
    };
    let token_ok = form
        .form_token
        .as_deref()
        .is_some_and(|given| state.links.check_form_token(&link.token_hash, given));
    if !token_ok {
        return refused(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "This form has expired: open the quote's page again and answer from there.",
        );
    }
    let fields = optional(form.name, "name", MAX_NAME)
        .and_then(|name| Ok((name, optional(form.comment, "comment", MAX_COMMENT)?)));
    let (name, comment) = match fields {
        Ok(fields) => fields,
        Err(message) => {
            return render(
                state,
                &link,
                token,
                StatusCode::UNPROCESSABLE_ENTITY,
                Notice::Refused(&message),
            )
            .await;
        }
    };
    let now = state.clock.now();
    let result = async {
        let mut tx = state.pool.begin().await?;
        crate::actor::assume(
            &mut tx,
            &crate::actor::Actor::system(crate::actor::CUSTOMER_PAGE),
        )
        .await?;
        let answered = customer_page::answer(
            &mut tx,
            &state.links,
            &link,
            answer,
            name.as_deref(),
            comment.as_deref(),
            now,
        )
        .await?;
        match answered {
            Answered::Done(outcome) => {
                publish::commit(tx, state.views(), outcome, now).await?;
                Ok(None)
            }
            Answered::Expired => {
                tx.commit().await?;
                Ok(Some(
                    "This quote has expired and can no longer be answered.".to_string(),
                ))
            }
            Answered::Refused(why) => Ok(Some(why)),
        }
    }
    .await;
    match result {
        Ok(None) => see_other(token),
        Ok(Some(why)) => {
            render(
                state,
                &link,
                token,
                StatusCode::CONFLICT,
                Notice::Refused(&why),
            )
            .await
        }
        Err(BillingError::NotFound) => not_found(),
        Err(BillingError::Invalid(_) | BillingError::Refused(_) | BillingError::Locked(..)) => {
            let why = "This quote can no longer be answered.";
            render(
                state,
                &link,
                token,
                StatusCode::CONFLICT,
                Notice::Refused(why),
            )
            .await
        }
        Err(BillingError::Database(err)) => unavailable(err),
    }
}

/// Back to the page, which now shows the answer.
fn see_other(token: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/p/{token}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    super::security_headers(response.headers_mut());
    response
}

/// Token checks are also in `billing::links`; these are the request's.
#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_is_ours_or_the_host_used_and_absent_headers_say_nothing() {
        let ours = "https://billing.example.com";
        assert!(same_origin(&headers(&[]), ours));
        assert!(same_origin(
            &headers(&[("origin", "https://billing.example.com")]),
            ours
        ));
        assert!(same_origin(
            &headers(&[
                ("origin", "https://10.0.0.1:8443"),
                ("host", "10.0.0.1:8443")
            ]),
            ours
        ));
        assert!(!same_origin(
            &headers(&[("origin", "https://evil.example")]),
            ours
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), ours));
        assert!(same_origin(
            &headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]),
            ours
        ));
        assert!(!same_origin(
            &headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")]),
            ours
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            ours
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            ours
        ));
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            ours
        ));
    }

    #[test]
    fn names_and_comments_are_trimmed_and_bounded() {
        assert_eq!(optional(Some("  ".into()), "name", 5), Ok(None));
        assert_eq!(
            optional(Some(" Ann ".into()), "name", 5),
            Ok(Some("Ann".into()))
        );
        assert!(
            optional(Some("a".repeat(6)), "name", 5)
                .unwrap_err()
                .contains("name")
        );
        assert_eq!(crate::billing::links::TOKEN_LEN, 43);
    }
}
