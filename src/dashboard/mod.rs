//! The dashboard: the account owner's web UI under `/dashboard` (sign in, the overview,
//! applications, authorized applications, webhooks, business settings, the account).
//! Server-rendered HTML from askama templates (`templates/dashboard/`, escaped by
//! default), one stylesheet and one small script (copy buttons) served from here, no
//! CDN: a strict CSP allows nothing else. Every page reads the signed-in user's business
//! only; every form carries the session's CSRF token.

mod account;
mod applications;
mod authorized;
mod overview;
mod pages;
mod session;
mod settings;
mod sign_in;
mod sign_up;
mod webhooks;

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::actor::{self, Actor};
use crate::state::AppState;

pub use session::SignedIn;

/// The stylesheet and the one script (copy buttons; every page works without it), served
/// from `/dashboard/assets/` (the CSP's `'self'`).
const CSS: &str = include_str!("dashboard.css");
const JS: &str = include_str!("dashboard.js");

/// Nothing but this origin's stylesheet and script and forms posting to it; never framed.
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(overview::show))
        .route("/dashboard/", get(overview::show))
        .route(
            "/dashboard/sign_in",
            get(sign_in::form).post(sign_in::submit),
        )
        .route("/dashboard/sign_out", post(sign_in::sign_out))
        .route(
            "/dashboard/sign_up",
            get(sign_up::form).post(sign_up::submit),
        )
        .route("/dashboard/account", get(account::show))
        .route(
            "/dashboard/account/password",
            post(account::change_password),
        )
        .route(
            "/dashboard/applications",
            get(applications::list).post(applications::create),
        )
        .route("/dashboard/applications/new", get(applications::new))
        .route("/dashboard/authorized", get(authorized::list))
        .route(
            "/dashboard/settings",
            get(settings::show).post(settings::update),
        )
        .route("/dashboard/settings/logo", post(settings::upload_logo))
        .route(
            "/dashboard/settings/logo/delete",
            post(settings::remove_logo),
        )
        .route(
            "/dashboard/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route("/dashboard/webhooks/new", get(webhooks::new))
        .route("/dashboard/webhooks/{id}", get(webhooks::show))
        .route("/dashboard/webhooks/{id}/enable", post(webhooks::enable))
        .route("/dashboard/webhooks/{id}/disable", post(webhooks::disable))
        .route(
            "/dashboard/webhooks/{id}/rotate_secret",
            post(webhooks::rotate_secret),
        )
        .route("/dashboard/webhooks/{id}/delete", post(webhooks::delete))
        .route("/dashboard/webhooks/{id}/resend", post(webhooks::resend))
        .route(
            "/dashboard/authorized/{id}/revoke",
            post(authorized::revoke),
        )
        .route(
            "/dashboard/applications/{id}",
            get(applications::edit).post(applications::update),
        )
        .route(
            "/dashboard/applications/{id}/rotate_secret",
            post(applications::rotate_secret),
        )
        .route(
            "/dashboard/applications/{id}/delete",
            post(applications::delete),
        )
        .route(
            "/dashboard/sign_out_everywhere",
            post(sign_in::sign_out_everywhere),
        )
        .route("/dashboard/assets/dashboard.css", get(stylesheet))
        .route("/dashboard/assets/dashboard.js", get(script))
}

async fn stylesheet() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn script() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The headers of every dashboard page: the CSP, no framing, no caching, no referrer.
fn security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
}

/// A rendered template as a page with `status`.
fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, html).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            security_headers(headers);
            response
        }
        Err(error) => failure(error),
    }
}

/// A 303 to `to` (after a form, or to the sign-in page).
fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(to) {
        headers.insert(header::LOCATION, location);
    }
    security_headers(headers);
    response
}

/// A failure of ours (the database out of reach, a template bug): a plain page, logged.
fn failure(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "a dashboard page failed");
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "The dashboard is unavailable; please try again in a moment.",
    )
        .into_response();
    security_headers(response.headers_mut());
    response
}

/// A page that stopped early, and the answer it gives instead (a refusal, the failure
/// page); boxed, a `Response` being large.
pub struct Stop(Box<Response>);

impl From<Response> for Stop {
    fn from(response: Response) -> Stop {
        Stop(Box::new(response))
    }
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// A page's answer: the page, or where it stopped.
type PageResult = Result<Response, Stop>;

/// `.map_err(db)?` on a database (or password check) error: the failure page.
fn db(error: impl std::fmt::Display) -> Stop {
    failure(error).into()
}

/// A transaction that records the signed-in user as the actor (the audit log's).
async fn begin(
    state: &AppState,
    signed_in: &SignedIn,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, Stop> {
    let mut tx = state.pool.begin().await.map_err(db)?;
    let who = Actor::user(signed_in.0.user_id, signed_in.0.email.clone());
    actor::assume(&mut tx, &who).await.map_err(db)?;
    Ok(tx)
}
