//! The dashboard's cookies and who is signed in. The session cookie holds a random token
//! (its hash names the row, `auth::sessions`): `HttpOnly`, `SameSite=Lax`, `Path=/dashboard`,
//! `Secure` when the server is reached over https (`PUBLIC_URL`). Forms carry the
//! session's CSRF token and are refused without it; the sign-in form, before any session,
//! carries a token matching a cookie of its own (double submit), so no other site can
//! sign a browser into an account of its choosing.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use subtle::ConstantTimeEq;

use super::pages::Message;
use crate::auth::sessions::{self, ABSOLUTE_HOURS, Session};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "koteshen_session";
pub const SIGN_IN_COOKIE: &str = "koteshen_sign_in";

/// Whether cookies get `Secure`: the server's public address is https.
fn secure(state: &AppState) -> bool {
    state.config.public_url.starts_with("https://")
}

/// A `Set-Cookie` value for the dashboard's path; `max_age` in seconds (0 deletes it).
pub fn cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if secure(state) { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path=/dashboard; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A token for a form shown before any session (sign in, sign up) and the cookie that
/// holds it: the post must carry both (double submit).
pub fn pre_session_token(state: &AppState) -> (String, HeaderValue) {
    let token = crate::auth::secrets::random_token();
    let cookie = cookie(state, SIGN_IN_COOKIE, &token, PRE_SESSION_SECONDS);
    (token, cookie)
}

/// Whether a pre-session form's post carries the token its cookie holds, from this site.
pub fn pre_session_ok(headers: &HeaderMap, submitted: &str) -> bool {
    let expected = read_cookie(headers, SIGN_IN_COOKIE).unwrap_or("");
    !cross_site(headers) && same_token(expected, submitted)
}

/// How long a pre-session form's token lives (seconds).
const PRE_SESSION_SECONDS: i64 = 3600;

/// The session cookie for a new session.
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    cookie(state, SESSION_COOKIE, token, ABSOLUTE_HOURS * 3600)
}

/// The value of the cookie `name` the request sent, if any.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// Two tokens equal, compared in constant time.
pub fn same_token(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// A request another site's page made (`Sec-Fetch-Site: cross-site`), which a form of
/// ours never is. Browsers without the header are covered by the token alone.
pub fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
}

/// The 403 of a form without its token (an old tab, another site's form).
pub fn forbidden() -> Response {
    super::page(
        StatusCode::FORBIDDEN,
        &Message::new(
            "Form expired",
            "This form could not be accepted: it was not sent from this dashboard, or it \
             is too old. Open the page again and retry.",
        ),
    )
}

/// A form that carries nothing but its CSRF token (sign out, rotate, delete, revoke).
#[derive(serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf: String,
}

/// The signed-in user, from the session cookie. A request without a live session is sent
/// to the sign-in page.
pub struct SignedIn(pub Session);

impl SignedIn {
    /// Refuses a form that does not carry this session's CSRF token.
    pub fn check_form(&self, headers: &HeaderMap, token: &str) -> Result<(), super::Stop> {
        if cross_site(headers) || !same_token(&self.0.csrf_token, token) {
            return Err(forbidden().into());
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = read_cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(super::see_other("/dashboard/sign_in"));
        };
        match sessions::find(&state.pool, token, state.clock.now()).await {
            Ok(Some(session)) => Ok(SignedIn(session)),
            Ok(None) => {
                let mut response = super::see_other("/dashboard/sign_in");
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, cookie(state, SESSION_COOKIE, "", 0));
                Err(response)
            }
            Err(error) => Err(super::failure(error)),
        }
    }
}
