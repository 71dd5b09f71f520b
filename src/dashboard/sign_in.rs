//! Signing in and out. The accounts, the password check and the failed-attempt throttle
//! are the OAuth sign-in page's (`auth::accounts`, `oauth::throttle`): one account, one
//! count of failures, whichever page they come from. Signing in starts a new session
//! (`auth::sessions`); signing out ends this one, "sign out everywhere" all of the user's.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::pages::SignInPage;
use super::session::{
    self, SESSION_COOKIE, SIGN_IN_COOKIE, SignedIn, TokenForm, cookie, read_cookie, session_cookie,
};
use super::{PageResult, db, page, see_other};
use crate::auth::{accounts, sessions};
use crate::http::client_ip::ClientIp;
use crate::oauth::throttle;
use crate::state::AppState;

/// Bounds on what the form takes (the browser's `maxlength` says the same).
const EMAIL_MAX: usize = 254;
const PASSWORD_MAX: usize = 1024;

/// The sign-in page with a fresh form token (and its cookie).
fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let (token, token_cookie) = session::pre_session_token(state);
    let mut response = page(
        status,
        &SignInPage {
            nav: None,
            notice,
            csrf: token.clone(),
            email: email.to_string(),
            error,
            signup_open: state.config.signup_open,
        },
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, token_cookie);
    response
}

/// `GET /dashboard/sign_in`: the form, or the overview when already signed in.
pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(token) = read_cookie(&headers, SESSION_COOKIE)
        && sessions::find(&state.pool, token, state.clock.now())
            .await
            .map_err(db)?
            .is_some()
    {
        return Ok(see_other("/dashboard"));
    }
    Ok(sign_in_page(&state, StatusCode::OK, "", None, None))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /dashboard/sign_in`.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> PageResult {
    if !session::pre_session_ok(&headers, &form.csrf) {
        return Ok(session::forbidden());
    }
    let email = form.email.trim();
    if email.is_empty()
        || form.password.is_empty()
        || email.len() > EMAIL_MAX
        || form.password.len() > PASSWORD_MAX
    {
        let error = Some("Enter the account's email and password.".to_string());
        let shown = if email.len() > EMAIL_MAX { "" } else { email };
        return Ok(sign_in_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown,
            error,
            None,
        ));
    }
    let now = state.clock.now();
    let ip = ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    // Counted as a failure before the password is checked (`throttle`).
    let attempt = throttle::reserve(&state.pool, email, &ip, now)
        .await
        .map_err(db)?;
    if let throttle::Attempt::Wait(wait) = attempt {
        let error = Some(throttle::wait_message(wait));
        return Ok(sign_in_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            email,
            error,
            None,
        ));
    }
    let verified = accounts::verify_credentials(&state.pool, &state.argon2, email, &form.password)
        .await
        .map_err(db)?;
    let Some(user) = verified else {
        // The reservation stays: it was this failure's record.
        let error = Some("The email or password is incorrect.".to_string());
        return Ok(sign_in_page(
            &state,
            StatusCode::UNAUTHORIZED,
            email,
            error,
            None,
        ));
    };
    throttle::clear_account(&state.pool, email)
        .await
        .map_err(db)?;
    let started = sessions::start(&state.pool, user.id, now)
        .await
        .map_err(db)?;
    let mut response = see_other("/dashboard");
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, session_cookie(&state, &started.token));
    headers.append(header::SET_COOKIE, cookie(&state, SIGN_IN_COOKIE, "", 0));
    Ok(response)
}

/// `POST /dashboard/sign_out`: ends this session.
pub async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    sessions::end(&state.pool, signed_in.0.id, state.clock.now())
        .await
        .map_err(db)?;
    Ok(signed_out(&state, "You are signed out."))
}

/// `POST /dashboard/sign_out_everywhere`: ends every session of the user.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let ended = sessions::end_all(&state.pool, signed_in.0.user_id, state.clock.now())
        .await
        .map_err(db)?;
    let notice = format!(
        "You are signed out everywhere ({ended} session{} ended).",
        if ended == 1 { "" } else { "s" }
    );
    Ok(signed_out(&state, &notice))
}

/// The sign-in page saying so, the session cookie deleted.
fn signed_out(state: &AppState, notice: &str) -> Response {
    let mut response = sign_in_page(state, StatusCode::OK, "", None, Some(notice.to_string()));
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie(state, SESSION_COOKIE, "", 0));
    response
}
