//! `GET/POST /oauth/authorize`: the authorization-code flow on oxide-auth, with our page
//! as the owner solicitor.
//!
//! GET shows the sign-in and consent form; POST carries the original request as hidden
//! fields plus `email`, `password`, `decision` and a CSRF token (double-submit: a random
//! token in a `SameSite=Strict`, `HttpOnly` cookie and in the form). Allow answers 303 to
//! `redirect_uri?code=…&state=…&iss=…`, deny 303 with `error=access_denied` (and `iss`,
//! RFC 9207). An unknown client
//! or an unregistered redirect_uri gets an error page, never a redirect.

use std::net::IpAddr;

use async_trait::async_trait;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxide_auth::endpoint::{OAuthError as FlowVerdict, OwnerConsent, Solicitation};
use oxide_auth_async::endpoint::OwnerSolicitor;
use oxide_auth_async::endpoint::authorization::AuthorizationFlow;
use oxide_auth_axum::{OAuthRequest, OAuthResponse, WebError};

use crate::auth::{accounts, secrets};
use crate::http::client_ip::ClientIp;
use crate::oauth::authorize_page::{self, LoginForm};
use crate::oauth::client_auth::Params;
use crate::oauth::clients;
use crate::oauth::endpoint::{FlowError, OAuthEndpoint};
use crate::oauth::flow_state::Shared;
use crate::oauth::throttle;
use crate::state::AppState;

/// The parameters of an authorization request that the form carries along.
const REQUEST_PARAMS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

const CSRF_COOKIE: &str = "koteshen_oauth_csrf";

/// What the person submitted on the form.
struct Submission {
    email: String,
    password: String,
    decision: Option<String>,
}

/// oxide-auth's owner solicitor: shows the form, or checks a submission.
struct Consent {
    state: AppState,
    flow: Shared,
    params: Vec<(String, String)>,
    csrf_token: String,
    ip: Option<IpAddr>,
    submission: Option<Submission>,
    /// Shown above the form (a stale CSRF token, say), with this status.
    notice: Option<(StatusCode, &'static str)>,
}

impl Consent {
    fn page(
        &self,
        app_name: &str,
        scopes: &str,
        email: &str,
        status: StatusCode,
        error: Option<&str>,
    ) -> OwnerConsent<OAuthResponse> {
        let html = authorize_page::login(&LoginForm {
            app_name,
            scopes,
            params: &self.params,
            csrf_token: &self.csrf_token,
            email,
            error,
        });
        self.flow.lock().page_status = Some(status);
        match OAuthResponse::default().content_type("text/html; charset=utf-8") {
            Ok(response) => OwnerConsent::InProgress(response.body(&html)),
            Err(err) => OwnerConsent::Error(err),
        }
    }

    async fn decide(
        &self,
        solicitation: &Solicitation<'_>,
    ) -> anyhow::Result<OwnerConsent<OAuthResponse>> {
        let pre_grant = solicitation.pre_grant();
        let client = clients::find_by_uid(&self.state.pool, &pre_grant.client_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the bound client vanished"))?;
        let scopes =
            crate::auth::scopes::normalize(&pre_grant.scope.to_string()).unwrap_or_default();
        let Some(submission) = &self.submission else {
            let (status, notice) = match self.notice {
                Some((status, notice)) => (status, Some(notice)),
                None => (StatusCode::OK, None),
            };
            return Ok(self.page(&client.name, &scopes, "", status, notice));
        };
        let email = submission.email.trim();
        match submission.decision.as_deref() {
            Some("deny") => return Ok(OwnerConsent::Denied),
            Some("allow") => {}
            _ => {
                return Ok(self.page(
                    &client.name,
                    &scopes,
                    email,
                    StatusCode::BAD_REQUEST,
                    Some("Choose whether to allow or deny access."),
                ));
            }
        }
        let now = self.state.clock.now();
        let ip = self
            .ip
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into());
        // Counted as a failure before the password is checked (`throttle`).
        let attempt = throttle::reserve(&self.state.pool, email, &ip, now).await?;
        if let throttle::Attempt::Wait(wait) = attempt {
            let message = throttle::wait_message(wait);
            return Ok(self.page(
                &client.name,
                &scopes,
                email,
                StatusCode::TOO_MANY_REQUESTS,
                Some(&message),
            ));
        }
        let verified = accounts::verify_credentials(
            &self.state.pool,
            &self.state.argon2,
            email,
            &submission.password,
        )
        .await?;
        match verified {
            Some(user) => {
                throttle::clear_account(&self.state.pool, email).await?;
                Ok(OwnerConsent::Authorized(user.id.to_string()))
            }
            // The reservation stays: it was this failure's record.
            None => Ok(self.page(
                &client.name,
                &scopes,
                email,
                StatusCode::UNAUTHORIZED,
                Some("The email or password is incorrect."),
            )),
        }
    }
}

#[async_trait]
impl OwnerSolicitor<OAuthRequest> for Consent {
    async fn check_consent(
        &mut self,
        _: &mut OAuthRequest,
        solicitation: Solicitation<'_>,
    ) -> OwnerConsent<OAuthResponse> {
        match self.decide(&solicitation).await {
            Ok(consent) => consent,
            Err(err) => {
                let message = format!("{err:#}");
                self.flow.fail(err);
                OwnerConsent::Error(WebError::InternalError(Some(message)))
            }
        }
    }
}

/// The authorization request's own parameters (`Params` has refused repeated ones, as
/// RFC 6749 §3.1 asks).
fn request_params(params: &Params) -> Vec<(String, String)> {
    params
        .iter()
        .filter(|(k, _)| REQUEST_PARAMS.contains(k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == CSRF_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| value.len() == 43)
}

#[utoipa::path(
    get, path = "/oauth/authorize", tag = "OAuth",
    summary = "The sign-in and consent page (HTML)",
    params(
        ("client_id" = String, Query), ("redirect_uri" = String, Query),
        ("response_type" = String, Query, description = "`code`"),
        ("scope" = Option<String>, Query, description = "`read`, `write` or both"),
        ("state" = Option<String>, Query),
        ("code_challenge" = Option<String>, Query),
        ("code_challenge_method" = Option<String>, Query, description = "`S256`"),
    ),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 303, description = "To redirect_uri with an error (invalid_scope, …), `state` and `iss` (RFC 9207)"),
        (status = 400, description = "An error page: unknown client or unregistered redirect_uri", content_type = "text/html"),
    )
)]
/// `GET /oauth/authorize`
pub async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match Params::parse(query.unwrap_or_default().as_bytes()) {
        Ok(params) => request_params(&params),
        Err(problem) => return authorize_page::error_response(StatusCode::BAD_REQUEST, &problem),
    };
    let csrf_token = csrf_cookie(&headers).unwrap_or_else(secrets::random_token);
    run(&state, params, csrf_token, ip, None, None).await
}

#[utoipa::path(
    post, path = "/oauth/authorize", tag = "OAuth",
    summary = "Sign in and allow or deny (the page's form)",
    request_body(content = crate::oauth::docs::AuthorizeDecision, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "To redirect_uri with `code`, `state` and `iss` (RFC 9207), or `error=access_denied`"),
        (status = 400, description = "An error page", content_type = "text/html"),
        (status = 401, description = "The form again: wrong email or password", content_type = "text/html"),
        (status = 403, description = "The form again: CSRF check failed", content_type = "text/html"),
        (status = 429, description = "The form again: too many failed sign-ins", content_type = "text/html"),
    )
)]
/// `POST /oauth/authorize`
pub async fn decide(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match crate::oauth::client_auth::form(&headers, &body) {
        Ok(form) => form,
        Err(err) => {
            return authorize_page::error_response(StatusCode::BAD_REQUEST, &err.description);
        }
    };
    let params = request_params(&form);
    let cookie = csrf_cookie(&headers);
    let csrf_ok = match (&cookie, form.get("csrf_token")) {
        // Compared as hashes, so the comparison's timing says nothing about the token.
        (Some(cookie), Some(sent)) => secrets::token_hash(cookie) == secrets::token_hash(sent),
        _ => false,
    };
    if !csrf_ok {
        // Show the form again with a fresh token rather than act on a forged post.
        let notice = (
            StatusCode::FORBIDDEN,
            "This form expired or did not come from this page. Please sign in again.",
        );
        return run(
            &state,
            params,
            secrets::random_token(),
            ip,
            None,
            Some(notice),
        )
        .await;
    }
    let submission = Submission {
        email: form.get("email").unwrap_or_default().to_string(),
        password: form.get("password").unwrap_or_default().to_string(),
        decision: form.get("decision").map(str::to_string),
    };
    let csrf_token = cookie.unwrap_or_else(secrets::random_token);
    run(&state, params, csrf_token, ip, Some(submission), None).await
}

/// RFC 9207: every authorization response, a code or an error, carries `iss` (the
/// metadata's `issuer`), so a client talking to several servers can tell which answered.
fn name_the_issuer(response: &mut Response, issuer: &str) {
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok());
    let Some(mut location) = location else {
        return;
    };
    location.query_pairs_mut().append_pair("iss", issuer);
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
}

async fn run(
    state: &AppState,
    params: Vec<(String, String)>,
    csrf_token: String,
    ip: Option<IpAddr>,
    submission: Option<Submission>,
    notice: Option<(StatusCode, &'static str)>,
) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    let request = match Request::builder()
        .uri(format!("/oauth/authorize?{query}"))
        .body(Body::empty())
    {
        Ok(request) => OAuthRequest::from_request(request, &()).await,
        Err(_) => {
            return authorize_page::error_response(
                StatusCode::BAD_REQUEST,
                "The authorization request is malformed.",
            );
        }
    };
    let Ok(request) = request else {
        return authorize_page::error_response(
            StatusCode::BAD_REQUEST,
            "The authorization request is malformed.",
        );
    };
    let flow = Shared::default();
    let consent = Consent {
        state: state.clone(),
        flow: flow.clone(),
        params,
        csrf_token: csrf_token.clone(),
        ip,
        submission,
        notice,
    };
    let result = match AuthorizationFlow::prepare(OAuthEndpoint::new(state, &flow, consent)) {
        Ok(mut authorization) => authorization.execute(request).await,
        Err(err) => Err(err),
    };
    let mut response = match result {
        Ok(response) => {
            let mut response = response.into_response();
            if response.status() == StatusCode::FOUND {
                // A 303 makes the browser follow the redirect with GET after our POST.
                *response.status_mut() = StatusCode::SEE_OTHER;
                name_the_issuer(&mut response, &state.config.public_url);
            } else if let Some(status) = flow.lock().page_status {
                *response.status_mut() = status;
            }
            authorize_page::security_headers(response.headers_mut());
            response
        }
        Err(FlowError::OAuth(FlowVerdict::DenySilently)) => authorize_page::error_response(
            StatusCode::BAD_REQUEST,
            "The application is unknown, or the redirect_uri is not one it registered.",
        ),
        Err(_) => {
            match flow.lock().failure.take() {
                Some(cause) => {
                    tracing::error!(error = format!("{cause:#}"), "authorization failed")
                }
                None => tracing::error!("authorization failed without a recorded cause"),
            }
            authorize_page::error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. Please try again.",
            )
        }
    };
    let secure = if state.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{CSRF_COOKIE}={csrf_token}; Path=/oauth/authorize; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
