//! The rate-limit budgets (`ratelimit`) applied to requests: the route layers of
//! `/api/v1`, the OAuth endpoints' checks (per address, per client id), the 429 and the
//! rate-limit headers.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::ratelimit::{Verdict, WINDOW_SECONDS};
use crate::state::AppState;

/// The 429 every budget answers, with `Retry-After`.
pub fn too_many_requests(verdict: &Verdict) -> ApiError {
    ApiError::too_many_requests(
        format!(
            "Rate limit exceeded; try again in {} seconds",
            verdict.reset_in
        ),
        verdict.reset_in,
    )
}

/// The IETF draft fields and the legacy `X-RateLimit-*` ones.
fn set_headers(headers: &mut HeaderMap, verdict: &Verdict) {
    let policy = format!("\"token\";q={};w={WINDOW_SECONDS}", verdict.limit);
    let state = format!("\"token\";r={};t={}", verdict.remaining, verdict.reset_in);
    for (name, value) in [
        ("ratelimit-policy", policy),
        ("ratelimit", state),
        ("x-ratelimit-limit", verdict.limit.to_string()),
        ("x-ratelimit-remaining", verdict.remaining.to_string()),
        ("x-ratelimit-reset", verdict.reset_at.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// Route layer inside `require_bearer`: counts the request against its token grant's
/// budget (refreshes keep the grant, so they keep the budget).
pub async fn per_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(auth) = req.extensions().get::<Auth>().cloned() else {
        return next.run(req).await;
    };
    let key = format!("token:{}", auth.family_id);
    let verdict = state
        .limiter
        .check(&key, state.config.rate_limit_per_minute, state.clock.now())
        .await;
    let mut response = if verdict.allowed {
        next.run(req).await
    } else {
        too_many_requests(&verdict).into_response()
    };
    set_headers(response.headers_mut(), &verdict);
    response
}

/// Route layer outside `require_bearer`: every invalid token a client IP sends counts;
/// past the limit, further invalid tokens from it answer 429 instead of 401. A valid
/// token never reaches the count, so it is never blocked here.
pub async fn failed_bearer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = crate::http::client_ip::of(&state, req.extensions(), req.headers());
    let response = next.run(req).await;
    let Some(ip) = ip else { return response };
    if !is_invalid_token(&response) {
        return response;
    }
    let key = format!("bearer-fail:{ip}");
    let verdict = state
        .limiter
        .check(
            &key,
            state.config.failed_bearer_per_minute,
            state.clock.now(),
        )
        .await;
    if verdict.allowed {
        response
    } else {
        too_many_requests(&verdict).into_response()
    }
}

fn is_invalid_token(response: &Response) -> bool {
    response.status() == StatusCode::UNAUTHORIZED
        && response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("invalid_token"))
}

/// Per client IP on the OAuth endpoints that authenticate a client (token, revoke,
/// introspect), one budget for all three, counted on every request before anything is
/// read: `Some` is the refusal's verdict.
pub async fn oauth_address(state: &AppState, ip: Option<IpAddr>) -> Option<Verdict> {
    let ip = ip?;
    let key = format!("oauth:{ip}");
    over(state, &key, state.config.token_endpoint_per_minute).await
}

/// Per client id, on the same endpoints: counted once a request names its client and
/// before its secret is verified, so guessing one client's secret (or making the server
/// hash for it) is bounded wherever the guesses come from.
pub async fn oauth_client(state: &AppState, client_id: &str) -> Option<Verdict> {
    // The id is the caller's to choose: its hash keeps every key short.
    let key = format!(
        "oauth-client:{}",
        crate::auth::secrets::token_hash(client_id)
    );
    over(state, &key, state.config.limits.client_auth_per_minute).await
}

async fn over(state: &AppState, key: &str, limit: u32) -> Option<Verdict> {
    let verdict = state.limiter.check(key, limit, state.clock.now()).await;
    (!verdict.allowed).then_some(verdict)
}
