//! Rate limits: per token grant on /api/v1, per client IP and per client id on the OAuth
//! endpoints that authenticate a client, and per client IP for invalid bearer tokens.

use chrono::{Duration, DurationRound};
use reqwest::Method;

use crate::harness::oauth::{self, assert_oauth_error};
use crate::harness::{TestApp, assert_error};

/// Stops the manual clock at the start of a minute, so a window has 60 s left.
fn at_minute_start(app: &TestApp) -> i64 {
    let start = app
        .clock
        .now()
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    app.clock.set(start);
    start.timestamp()
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.request(Method::GET, "/api/v1/me")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_101st_request_in_a_minute_answers_429_and_headers_count_down() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let start = at_minute_start(&app);
    for n in 1..=100u32 {
        if n == 51 {
            app.clock.advance(Duration::seconds(20));
        }
        let response = me(&app, &tenant.token).await;
        assert_eq!(response.status(), 200, "request {n}");
        let reset_in = if n <= 50 { 60 } else { 40 };
        assert_eq!(
            header(&response, "ratelimit-policy"),
            "\"token\";q=100;w=60"
        );
        assert_eq!(
            header(&response, "ratelimit"),
            format!("\"token\";r={};t={reset_in}", 100 - n)
        );
        assert_eq!(header(&response, "x-ratelimit-limit"), "100");
        assert_eq!(
            header(&response, "x-ratelimit-remaining"),
            (100 - n).to_string()
        );
        assert_eq!(
            header(&response, "x-ratelimit-reset"),
            (start + 60).to_string()
        );
    }
    let response = me(&app, &tenant.token).await;
    assert_eq!(header(&response, "retry-after"), "40");
    assert_eq!(header(&response, "x-ratelimit-remaining"), "0");
    let body = assert_error(response, 429).await;
    assert_eq!(body["error"], "Too Many Requests");

    // The next window brings the whole budget back.
    app.clock.advance(Duration::seconds(40));
    let response = me(&app, &tenant.token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-ratelimit-remaining"), "99");
}

#[tokio::test]
async fn a_refreshed_token_keeps_the_budget_of_its_grant() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    at_minute_start(&app);
    for _ in 0..60 {
        assert_eq!(me(&app, &tenant.token).await.status(), 200);
    }
    // Refresh through the token endpoint with the tenant's client.
    let (uid, _) = client_of(&app, tenant.application_id).await;
    let secret = reset_secret(&app, tenant.application_id).await;
    let response = app
        .request(Method::POST, "/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=refresh_token&refresh_token={}&client_id={uid}&client_secret={secret}",
            tenant.refresh_token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let new_token = body["access_token"].as_str().unwrap();
    let response = me(&app, new_token).await;
    assert_eq!(header(&response, "x-ratelimit-remaining"), "39");
    for _ in 0..39 {
        assert_eq!(me(&app, new_token).await.status(), 200);
    }
    assert_error(me(&app, new_token).await, 429).await;
}

async fn client_of(app: &TestApp, application_id: i64) -> (String, bool) {
    sqlx::query_as("SELECT uid, confidential FROM oauth_applications WHERE id = $1")
        .bind(application_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The harness's client secret was shown once and dropped: give the client a known one.
async fn reset_secret(app: &TestApp, application_id: i64) -> String {
    let secret = koteshen::auth::secrets::random_token();
    let hash = koteshen::auth::secrets::hash_password(secret.clone())
        .await
        .unwrap();
    sqlx::query("UPDATE oauth_applications SET secret_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(application_id)
        .execute(&app.pool)
        .await
        .unwrap();
    secret
}

#[tokio::test]
async fn invalid_bearer_tokens_from_one_address_answer_429_past_the_limit_but_valid_ones_pass() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    at_minute_start(&app);
    for n in 0..20 {
        let response = me(&app, &format!("guess-{n}")).await;
        assert_error(response, 401).await;
    }
    let response = me(&app, "guess-21").await;
    assert!(response.headers().contains_key("retry-after"));
    assert_error(response, 429).await;
    assert_eq!(me(&app, &tenant.token).await.status(), 200);
    app.clock.advance(Duration::seconds(60));
    assert_error(me(&app, "guess-22").await, 401).await;
}

#[tokio::test]
async fn the_token_endpoint_is_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.token_endpoint_per_minute = 3).await;
    at_minute_start(&app);
    for _ in 0..3 {
        let response = app
            .request(Method::POST, "/oauth/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=authorization_code")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let response = app
        .request(Method::POST, "/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "60");
    assert_oauth_error(response, 429, "slow_down").await;
}

/// A form post to an OAuth endpoint that authenticates a client.
async fn client_post(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
    app.request(Method::POST, path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(oauth::form(pairs))
        .send()
        .await
        .unwrap()
}

/// Finding 3: revoke and introspect verify a client secret (argon2) for anyone who asks;
/// one client id gets a budget of authentications per minute across the endpoints.
#[tokio::test]
async fn client_authentication_is_limited_per_client_id_on_revoke_introspect_and_token() {
    let app = TestApp::spawn_with(|c| c.limits.client_auth_per_minute = 3).await;
    let setup = oauth::setup(&app, false).await;
    let secret = setup.client_secret.clone().unwrap();
    let start = at_minute_start(&app);
    let guess = [
        ("token", "x"),
        ("client_id", setup.client_id.as_str()),
        ("client_secret", "a guess"),
    ];
    for path in ["/oauth/revoke", "/oauth/introspect", "/oauth/revoke"] {
        let response = client_post(&app, path, &guess).await;
        assert_oauth_error(response, 401, "invalid_client").await;
    }
    let right = [
        ("token", "x"),
        ("client_id", setup.client_id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    app.clock
        .set(chrono::DateTime::from_timestamp(start + 15, 0).unwrap());
    for path in ["/oauth/introspect", "/oauth/revoke"] {
        // Refused before the secret is even looked at: the right one waits too.
        let response = client_post(&app, path, &right).await;
        assert_eq!(response.headers()["retry-after"], "45", "{path}");
        let body = assert_oauth_error(response, 429, "slow_down").await;
        assert!(body["error_description"].as_str().unwrap().contains("45"));
    }
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", "x"),
        ("client_id", setup.client_id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    let response = client_post(&app, "/oauth/token", &refresh).await;
    assert_oauth_error(response, 429, "slow_down").await;
    // Another client is not held back, and the next minute brings the budget back.
    let other = oauth::setup(&app, false).await;
    let response = client_post(
        &app,
        "/oauth/revoke",
        &[
            ("token", "x"),
            ("client_id", other.client_id.as_str()),
            ("client_secret", other.client_secret.as_deref().unwrap()),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    app.clock.advance(Duration::seconds(45));
    assert_eq!(
        client_post(&app, "/oauth/revoke", &right).await.status(),
        200
    );
}

/// Per client IP, revoke and introspect share the token endpoint's budget: guessing
/// secrets for many client ids from one address is bounded too.
#[tokio::test]
async fn revoke_and_introspect_are_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.token_endpoint_per_minute = 3).await;
    at_minute_start(&app);
    for (n, path) in ["/oauth/revoke", "/oauth/introspect", "/oauth/token"]
        .into_iter()
        .enumerate()
    {
        let client_id = format!("guessed-{n}");
        let pairs = [
            ("token", "x"),
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", "a guess"),
        ];
        let response = client_post(&app, path, &pairs).await;
        assert_oauth_error(response, 401, "invalid_client").await;
    }
    for path in ["/oauth/introspect", "/oauth/revoke"] {
        let pairs = [
            ("token", "x"),
            ("client_id", "guessed-9"),
            ("client_secret", "a guess"),
        ];
        let response = client_post(&app, path, &pairs).await;
        assert_eq!(response.headers()["retry-after"], "60");
        assert_oauth_error(response, 429, "slow_down").await;
    }
}

#[tokio::test]
async fn the_limit_is_configurable() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 2).await;
    let tenant = app.tenant("Flixtechs").await;
    at_minute_start(&app);
    assert_eq!(me(&app, &tenant.token).await.status(), 200);
    let response = me(&app, &tenant.token).await;
    assert_eq!(header(&response, "ratelimit-policy"), "\"token\";q=2;w=60");
    assert_error(me(&app, &tenant.token).await, 429).await;
}
