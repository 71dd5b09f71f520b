//! An OAuth client's side of the authorization server: a client and its owner, the
//! authorization page's form, the token endpoint.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use koteshen::auth::{accounts, tokens};
use sha2::{Digest, Sha256};

use super::{TestApp, json};

pub const REDIRECT_URI: &str = "http://localhost:9999/callback";
pub const PASSWORD: &str = "correct horse battery";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9LEXAMPLEverifierverifierverifier";

/// A user with a password, and a registered client.
pub struct Setup {
    pub email: String,
    pub user_id: i64,
    pub client_id: String,
    pub client_secret: Option<String>,
}

pub async fn setup(app: &TestApp, public: bool) -> Setup {
    setup_with_scopes(app, public, "read write").await
}

pub async fn setup_with_scopes(app: &TestApp, public: bool, scopes: &str) -> Setup {
    let email = format!(
        "owner-{}@example.com",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let now = app.clock.now();
    let user = accounts::create_business_with_owner(&app.pool, "Flixtechs", &email, PASSWORD, now)
        .await
        .expect("create user");
    let client = tokens::create_application(
        &app.pool,
        tokens::NewApplication {
            name: "Invoice Sync".into(),
            redirect_uris: vec![
                REDIRECT_URI.into(),
                "https://app.example.com/oauth/callback".into(),
            ],
            scopes: scopes.into(),
            confidential: !public,
            owner_id: None,
            business_id: None,
        },
        now,
    )
    .await
    .expect("create client");
    Setup {
        email,
        user_id: user.id,
        client_id: client.client_id,
        client_secret: client.client_secret,
    }
}

pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The standard authorization request of a setup, plus `extra` parameters.
pub fn authorize_params<'a>(
    setup: &'a Setup,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", setup.client_id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "read write"),
        ("state", "af0ifjsldkj"),
    ];
    for (key, value) in extra {
        params.retain(|(k, _)| k != key);
        params.push((key, value));
    }
    params
}

pub async fn get_page(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.get(&format!("/oauth/authorize?{}", form(params))).await
}

/// The CSRF token of a rendered form and the cookie that goes with it.
pub async fn csrf(response: reqwest::Response) -> (String, String) {
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("koteshen_oauth_csrf="))
        .expect("a CSRF cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = response.text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a csrf field") + marker.len();
    let token = page[start..].split('"').next().unwrap().to_string();
    (token, cookie)
}

/// Submits the form as a browser would: the page's hidden fields, the person's answers.
pub async fn submit(
    app: &TestApp,
    params: &[(&str, &str)],
    email: &str,
    password: &str,
    decision: &str,
) -> reqwest::Response {
    let (token, cookie) = csrf(get_page(app, params).await).await;
    let mut fields = params.to_vec();
    fields.extend([
        ("csrf_token", token.as_str()),
        ("email", email),
        ("password", password),
        ("decision", decision),
    ]);
    app.request(reqwest::Method::POST, "/oauth/authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(form(&fields))
        .send()
        .await
        .unwrap()
}

/// The query parameters of a redirect's `Location`.
pub fn redirect_params(response: &reqwest::Response) -> HashMap<String, String> {
    let location = response.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

/// A fresh authorization code for the setup's user (with PKCE when `verifier` is given).
pub async fn code(app: &TestApp, setup: &Setup, verifier: Option<&str>) -> String {
    let challenge = verifier.map(s256);
    let mut extra = vec![];
    if let Some(challenge) = &challenge {
        extra.push(("code_challenge", challenge.as_str()));
        extra.push(("code_challenge_method", "S256"));
    }
    let params = authorize_params(setup, &extra);
    let response = submit(app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 303, "{:?}", response.text().await);
    redirect_params(&response)["code"].clone()
}

pub async fn token_request(app: &TestApp, pairs: &[(&str, &str)]) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .unwrap()
}

/// Exchanges a code with the client's credentials in the body.
pub async fn exchange(
    app: &TestApp,
    setup: &Setup,
    code: &str,
    verifier: Option<&str>,
) -> reqwest::Response {
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
        ("client_id", setup.client_id.as_str()),
    ];
    if let Some(secret) = &setup.client_secret {
        pairs.push(("client_secret", secret.as_str()));
    }
    if let Some(verifier) = verifier {
        pairs.push(("code_verifier", verifier));
    }
    token_request(app, &pairs).await
}

pub async fn refresh(app: &TestApp, setup: &Setup, refresh_token: &str) -> reqwest::Response {
    let mut pairs = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", setup.client_id.as_str()),
    ];
    if let Some(secret) = &setup.client_secret {
        pairs.push(("client_secret", secret.as_str()));
    }
    token_request(app, &pairs).await
}

/// A token response's body, after checking it succeeded.
pub async fn tokens_of(response: reqwest::Response) -> serde_json::Value {
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    json(response).await
}

/// An RFC 6749 error body with the given status and code.
pub async fn assert_oauth_error(
    response: reqwest::Response,
    status: u16,
    error: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = json(response).await;
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
    body
}

pub async fn me(app: &TestApp, access_token: &str) -> reqwest::Response {
    app.request(reqwest::Method::GET, "/api/v1/me")
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}
