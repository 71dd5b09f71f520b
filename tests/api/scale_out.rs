//! Several server processes on one database (issue 25): with `RATE_LIMIT_STORE=postgres`
//! they share one budget per token and per address, they see each other's revocations,
//! a failing store fails open, and behind `TRUSTED_PROXIES` each client has its own
//! per-address budget while spoofed headers from anyone else are ignored.

use chrono::{Duration, DurationRound};
use koteshen::config::{Config, RateLimitStore, TrustedProxies};
use reqwest::Method;

use crate::harness::oauth::{self, exchange, me, tokens_of};
use crate::harness::{TestApp, assert_error};
use crate::oauth::flow::token_revoke;

fn shared(c: &mut Config) {
    c.rate_limit_store = RateLimitStore::Postgres;
}

/// Stops the shared manual clock at the start of a minute, so a window has 60 s left.
fn at_minute_start(app: &TestApp) {
    let start = app
        .clock
        .now()
        .duration_trunc(Duration::minutes(1))
        .unwrap();
    app.clock.set(start);
}

async fn get_me(app: &TestApp, token: &str, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app.request(Method::GET, "/api/v1/me").bearer_auth(token);
    if let Some(chain) = forwarded_for {
        request = request.header("x-forwarded-for", chain);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn two_servers_grant_one_token_one_hundred_requests_a_minute_between_them() {
    let a = TestApp::spawn_with(shared).await;
    let b = a.spawn_sibling(shared).await;
    let tenant = a.tenant("Flixtechs").await;
    at_minute_start(&a);
    for n in 0..100 {
        let server = if n % 2 == 0 { &a } else { &b };
        let response = get_me(server, &tenant.token, None).await;
        assert_eq!(response.status(), 200, "request {}", n + 1);
        let remaining = response.headers()["x-ratelimit-remaining"]
            .to_str()
            .unwrap();
        assert_eq!(remaining, (99 - n).to_string(), "both count one budget");
    }
    for server in [&a, &b] {
        assert_error(get_me(server, &tenant.token, None).await, 429).await;
    }
    a.clock.advance(Duration::seconds(60));
    assert_eq!(get_me(&b, &tenant.token, None).await.status(), 200);
}

#[tokio::test]
async fn two_servers_share_one_address_s_budget_of_failed_bearer_tokens() {
    let a = TestApp::spawn_with(shared).await;
    let b = a.spawn_sibling(shared).await;
    at_minute_start(&a);
    for n in 0..20 {
        let server = if n % 2 == 0 { &a } else { &b };
        assert_error(get_me(server, &format!("guess-{n}"), None).await, 401).await;
    }
    for server in [&a, &b] {
        assert_error(get_me(server, "guess-more", None).await, 429).await;
    }
}

#[tokio::test]
async fn a_token_revoked_on_one_server_stops_on_the_other_at_once() {
    let a = TestApp::spawn_with(shared).await;
    let b = a.spawn_sibling(shared).await;
    let setup = oauth::setup(&a, false).await;
    let code = oauth::code(&a, &setup, None).await;
    let tokens = tokens_of(exchange(&a, &setup, &code, None).await).await;
    let access = tokens["access_token"].as_str().unwrap();
    for server in [&a, &b, &a, &b] {
        assert_eq!(
            me(server, access).await.status(),
            200,
            "verified, then cached"
        );
    }
    assert_eq!(token_revoke(&a, &setup, access).await.status(), 200);
    assert_eq!(me(&a, access).await.status(), 401, "its own revocation");
    // B learns it by notification: a generous bound, not a timing target.
    let started = std::time::Instant::now();
    while me(&b, access).await.status() != 401 {
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_failing_store_fails_open_and_counting_resumes_when_it_answers() {
    let a = TestApp::spawn_with(|c| {
        shared(c);
        c.rate_limit_per_minute = 2;
    })
    .await;
    let tenant = a.tenant("Flixtechs").await;
    at_minute_start(&a);
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    sqlx::query(sqlx::AssertSqlSafe(rename(
        "rate_limit_counters",
        "rate_limit_gone",
    )))
    .execute(&a.pool)
    .await
    .unwrap();
    for _ in 0..4 {
        assert_eq!(
            get_me(&a, &tenant.token, None).await.status(),
            200,
            "unmetered"
        );
    }
    sqlx::query(sqlx::AssertSqlSafe(rename(
        "rate_limit_gone",
        "rate_limit_counters",
    )))
    .execute(&a.pool)
    .await
    .unwrap();
    for _ in 0..2 {
        assert_eq!(get_me(&a, &tenant.token, None).await.status(), 200);
    }
    assert_error(get_me(&a, &tenant.token, None).await, 429).await;
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    // No trusted proxy: every spoofed address is the one peer's, one budget.
    let direct = TestApp::spawn_with(|c| c.failed_bearer_per_minute = 3).await;
    at_minute_start(&direct);
    for n in 0..3 {
        let spoof = format!("198.51.100.{n}");
        assert_error(get_me(&direct, "guess", Some(&spoof)).await, 401).await;
    }
    assert_error(get_me(&direct, "guess", Some("198.51.100.99")).await, 429).await;

    // Behind a trusted proxy (the loopback peer): each client its own budget, and what a
    // client writes left of the address the proxy saw changes nothing.
    let proxied = TestApp::spawn_with(|c| {
        c.failed_bearer_per_minute = 3;
        c.trusted_proxies = TrustedProxies::parse("127.0.0.1/32, ::1").unwrap();
    })
    .await;
    at_minute_start(&proxied);
    for n in 0..3 {
        let chain = format!("10.9.9.{n}, 203.0.113.7");
        assert_error(get_me(&proxied, "guess", Some(&chain)).await, 401).await;
    }
    let evading = get_me(&proxied, "guess", Some("10.9.9.200, 203.0.113.7")).await;
    assert_error(evading, 429).await;
    let another_client = get_me(&proxied, "guess", Some("203.0.113.8")).await;
    assert_error(another_client, 401).await;
}
