//! `/dashboard/account`: the password change (every other session signed out) and
//! "sign out everywhere".

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::pages::{AccountPage, Nav};
use super::session::session_cookie;
use super::{PageResult, SignedIn, db, page};
use crate::auth::accounts::{self, CreateUserError};
use crate::auth::sessions::{self, Session};
use crate::http::client_ip::ClientIp;
use crate::oauth::throttle;
use crate::state::AppState;

const SECTION: &str = "/dashboard/account";
const PASSWORD_MAX: usize = 1024;

fn account_page(
    signed_in: &SignedIn,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let session = &signed_in.0;
    page(
        status,
        &AccountPage {
            nav: Some(Nav::new(session, SECTION)),
            notice,
            csrf: session.csrf_token.clone(),
            email: session.email.clone(),
            error,
        },
    )
}

/// `GET /dashboard/account`.
pub async fn show(signed_in: SignedIn) -> Response {
    account_page(&signed_in, StatusCode::OK, None, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /dashboard/account/password`: checks the current password (counted by the
/// sign-in throttle like any other check), sets the new one, ends every session of the
/// account and starts a new one for this browser.
pub async fn change_password(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let session = &signed_in.0;
    let refuse = |status: StatusCode, message: &str| {
        Ok(account_page(
            &signed_in,
            status,
            None,
            Some(message.to_string()),
        ))
    };
    if form.current_password.len() > PASSWORD_MAX {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The current password is incorrect.",
        );
    }
    let now = state.clock.now();
    let ip = ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let attempt = throttle::reserve(&state.pool, &session.email, &ip, now)
        .await
        .map_err(db)?;
    if let throttle::Attempt::Wait(wait) = attempt {
        return refuse(StatusCode::TOO_MANY_REQUESTS, &throttle::wait_message(wait));
    }
    let verified = accounts::verify_credentials(
        &state.pool,
        &state.argon2,
        &session.email,
        &form.current_password,
    )
    .await
    .map_err(db)?;
    if verified.is_none_or(|user| user.id != session.user_id) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "The current password is incorrect.",
        );
    }
    let now = state.clock.now();
    match accounts::change_password(&state.pool, session.user_id, &form.new_password, now).await {
        Ok(()) => {}
        Err(CreateUserError::Invalid(problem)) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("The new password: {problem}."),
            );
        }
        Err(error) => return Err(db(error)),
    }
    let started = sessions::start(&state.pool, session.user_id, now)
        .await
        .map_err(db)?;
    // The page's forms carry the new session's token.
    let renewed = SignedIn(Session {
        csrf_token: started.csrf_token.clone(),
        ..session.clone()
    });
    let mut response = account_page(
        &renewed,
        StatusCode::OK,
        Some("Password changed. Every other session of this account is signed out.".into()),
        None,
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, &started.token));
    Ok(response)
}
