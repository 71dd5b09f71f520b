//! `/dashboard/sign_up` when `SIGNUP=open`: a new account and its business
//! (`accounts::create_business_with_owner`, as `koteshen admin create-user` makes them),
//! then signed in. Closed (the default), the page is a 404 saying where accounts come
//! from.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::pages::{Message, SignUpPage};
use super::session::{self, SIGN_IN_COOKIE, cookie, session_cookie};
use super::{PageResult, db, page, see_other};
use crate::auth::accounts::{self, CreateUserError};
use crate::auth::sessions;
use crate::state::AppState;

const BUSINESS_NAME_MAX: usize = 200;

fn closed() -> Response {
    let mut message = Message::new(
        "Sign-up is closed",
        "Accounts on this server are made by its operator (koteshen admin create-user).",
    );
    message.link_href = "/dashboard/sign_in".into();
    message.link_label = "Sign in".into();
    page(StatusCode::NOT_FOUND, &message)
}

fn form_page(
    state: &AppState,
    status: StatusCode,
    business_name: &str,
    email: &str,
    error: Option<String>,
) -> Response {
    let (token, token_cookie) = session::pre_session_token(state);
    let mut response = page(
        status,
        &SignUpPage {
            nav: None,
            notice: None,
            csrf: token,
            business_name: business_name.into(),
            email: email.into(),
            error,
        },
    );
    response
        .headers_mut()
        .append(header::SET_COOKIE, token_cookie);
    response
}

/// `GET /dashboard/sign_up`.
pub async fn form(State(state): State<AppState>) -> Response {
    if !state.config.signup_open {
        return closed();
    }
    form_page(&state, StatusCode::OK, "", "", None)
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    business_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /dashboard/sign_up`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> PageResult {
    if !state.config.signup_open {
        return Ok(closed());
    }
    if !session::pre_session_ok(&headers, &form.csrf) {
        return Ok(session::forbidden());
    }
    let name = form.business_name.trim();
    let email = form.email.trim();
    let shown_name = if name.chars().count() > BUSINESS_NAME_MAX {
        ""
    } else {
        name
    };
    let shown_email = if email.len() > 254 { "" } else { email };
    let refuse = |message: String| {
        Ok(form_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            shown_name,
            shown_email,
            Some(message),
        ))
    };
    if name.chars().count() > BUSINESS_NAME_MAX {
        return refuse(format!(
            "The business name must be at most {BUSINESS_NAME_MAX} characters."
        ));
    }
    let now = state.clock.now();
    let user =
        match accounts::create_business_with_owner(&state.pool, name, email, &form.password, now)
            .await
        {
            Ok(user) => user,
            Err(CreateUserError::Invalid(problem)) => {
                let mut message = problem.to_string();
                if let Some(first) = message.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                return refuse(format!("{message}."));
            }
            Err(CreateUserError::EmailTaken(_)) => {
                return refuse("An account with this email exists: sign in instead.".into());
            }
            Err(CreateUserError::Other(error)) => return Err(db(error)),
        };
    let started = sessions::start(&state.pool, user.id, now)
        .await
        .map_err(db)?;
    let mut response = see_other("/dashboard");
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, session_cookie(&state, &started.token));
    headers.append(header::SET_COOKIE, cookie(&state, SIGN_IN_COOKIE, "", 0));
    Ok(response)
}
