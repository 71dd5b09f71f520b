//! `POST /oauth/token`: the authorization_code and refresh_token grants on oxide-auth's
//! flows, and client_credentials (`client_credentials.rs`), answered in Doorkeeper's
//! shape with RFC 6749 §5.2 errors.
//!
//! The request is read and checked here first (form encoding, repeated parameters, one
//! client authentication method), then handed to oxide-auth in the one form its flows
//! read alike: credentials in HTTP Basic, a public client's id in the body.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oxide_auth::endpoint::OAuthError as FlowVerdict;
use oxide_auth_async::endpoint::access_token::AccessTokenFlow;
use oxide_auth_async::endpoint::refresh::RefreshFlow;
use oxide_auth_axum::{OAuthRequest, OAuthResponse};

use crate::auth::tokens::{IssuedAccessToken, IssuedToken};
use crate::http::client_ip::ClientIp;
use crate::oauth::client_auth::{self, ClientCredentials, Params};
use crate::oauth::client_credentials;
use crate::oauth::endpoint::{FlowError, NoOwner, OAuthEndpoint};
use crate::oauth::errors::{OAuthError, no_store};
use crate::oauth::flow_state::{Rejection, Shared};
use crate::oauth::pkce;
use crate::state::AppState;

/// `POST /oauth/token`: the authorization-code, refresh-token and client-credentials
/// grants.
#[utoipa::path(
    post, path = "/oauth/token", tag = "OAuth",
    request_body(content = crate::oauth::docs::TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens", body = crate::oauth::docs::TokenResponse),
        (status = 400, description = "RFC 6749 error", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 401, description = "invalid_client", body = crate::oauth::docs::OAuthErrorResponse),
        (status = 429, description = "slow_down: too many requests from this address or for this client id", body = crate::oauth::docs::OAuthErrorResponse),
    )
)]
pub async fn exchange(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(limited) = client_auth::limit_address(&state, ip).await {
        return limited.into_response();
    }
    match run(&state, &headers, &body).await {
        Ok(issued) => {
            let mut response = (StatusCode::OK, axum::Json(issued)).into_response();
            no_store(&mut response);
            response
        }
        Err(err) => err.into_response(),
    }
}

/// What a grant answers: a token pair, or (client credentials) an access token alone.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Issued {
    Pair(IssuedToken),
    Access(IssuedAccessToken),
}

async fn run(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Issued, OAuthError> {
    let params = client_auth::form(headers, body)?;
    let credentials = client_auth::claimed(state, headers, &params).await?;
    let grant_type = params
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("grant_type is required"))?;
    let required: &[&str] = match grant_type {
        "authorization_code" => &["code", "redirect_uri"],
        "refresh_token" => &["refresh_token"],
        "client_credentials" => {
            return client_credentials::grant(state, &credentials, &params)
                .await
                .map(Issued::Access);
        }
        _ => return Err(OAuthError::unsupported_grant_type()),
    };
    if let Some(missing) = required.iter().find(|p| params.get(p).is_none()) {
        return Err(OAuthError::invalid_request(format!(
            "{missing} is required"
        )));
    }
    if params
        .get("code_verifier")
        .is_some_and(|v| !pkce::well_formed(v))
    {
        return Err(OAuthError::invalid_grant(
            "The PKCE code_verifier is malformed",
        ));
    }

    let flow = Shared::default();
    {
        let mut state = flow.lock();
        state.claimed_client_id = Some(credentials.client_id.clone());
        state.claimed_redirect_uri = params.get("redirect_uri").map(str::to_string);
    }
    let request = oxide_request(&credentials, &params).await?;
    let endpoint = OAuthEndpoint::new(state, &flow, NoOwner);
    let result = if grant_type == "authorization_code" {
        match AccessTokenFlow::prepare(endpoint) {
            Ok(mut token_flow) => token_flow.execute(request).await,
            Err(err) => Err(err),
        }
    } else {
        match RefreshFlow::prepare(endpoint) {
            Ok(mut refresh_flow) => refresh_flow.execute(request).await,
            Err(err) => Err(err),
        }
    };
    interpret(result, &flow).await.map(Issued::Pair)
}

/// The request as oxide-auth's flows read it.
async fn oxide_request(
    credentials: &ClientCredentials,
    params: &Params,
) -> Result<OAuthRequest, OAuthError> {
    let confidential = credentials.secret.is_some();
    let body = {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in params.iter() {
            let is_credential = key == "client_secret" || (confidential && key == "client_id");
            if !is_credential {
                form.append_pair(key, value);
            }
        }
        form.finish()
    };
    let mut builder = Request::builder()
        .method("POST")
        .uri("/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(secret) = &credentials.secret {
        let basic = STANDARD.encode(format!("{}:{secret}", credentials.client_id));
        builder = builder.header(header::AUTHORIZATION, format!("Basic {basic}"));
    }
    let request = builder
        .body(Body::from(body))
        .map_err(|_| OAuthError::invalid_client())?;
    OAuthRequest::from_request(request, &())
        .await
        .map_err(|_| OAuthError::invalid_request("The request could not be read"))
}

/// oxide-auth's answer in our terms: the token we issued, or the error RFC 6749 names.
async fn interpret(
    result: Result<OAuthResponse, FlowError>,
    flow: &Shared,
) -> Result<IssuedToken, OAuthError> {
    let (rejection, failure, issued) = {
        let mut state = flow.lock();
        (state.rejection, state.failure.take(), state.issued.take())
    };
    if let Some(cause) = failure {
        return Err(OAuthError::server_error(Some(cause)));
    }
    let code = match result {
        Ok(response) => {
            let response = response.into_response();
            if response.status().is_success() {
                return issued.ok_or_else(|| OAuthError::server_error(None));
            }
            let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["error"].as_str().map(str::to_string))
                .unwrap_or_default()
        }
        Err(FlowError::OAuth(FlowVerdict::PrimitiveError)) if rejection.is_none() => {
            return Err(OAuthError::server_error(None));
        }
        Err(FlowError::OAuth(_)) => String::new(),
        Err(FlowError::Web(_)) => {
            return Err(OAuthError::invalid_request("The request could not be read"));
        }
    };
    if code == "invalid_client" {
        return Err(OAuthError::invalid_client());
    }
    Err(match rejection {
        Some(Rejection::CodeReused) => OAuthError::invalid_grant(
            "The authorization code was already used; the tokens it issued are revoked",
        ),
        Some(Rejection::RefreshReused) => OAuthError::invalid_grant(
            "The refresh token was already used; every token of its grant is revoked",
        ),
        Some(Rejection::RefreshExpired) => OAuthError::invalid_grant(
            "The refresh token has expired (unused for too long, or its authorization is too \
             old); ask the user to authorize again",
        ),
        Some(Rejection::Pkce) => OAuthError::invalid_grant("PKCE verification failed"),
        Some(Rejection::UnknownGrant) => OAuthError::from_code("invalid_grant"),
        None => OAuthError::from_code(&code),
    })
}
