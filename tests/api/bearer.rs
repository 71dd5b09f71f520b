//! Bearer authentication on /api/v1 (RFC 6750).

use chrono::Duration;
use reqwest::Method;

use crate::harness::{TestApp, assert_error, assert_invalid_token, json};

#[tokio::test]
async fn a_request_without_a_token_answers_401_with_a_challenge() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/me").await;
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen""#
    );
    let body = assert_error(response, 401).await;
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(
        body["message"],
        "An access token is required: send `Authorization: Bearer <token>`"
    );
}

#[tokio::test]
async fn a_bad_token_answers_401_invalid_token() {
    let app = TestApp::spawn().await;
    for header in ["Bearer nonsense", "Basic abc", "Bearer", "bearer  "] {
        let response = app
            .request(Method::GET, "/api/v1/me")
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_invalid_token(response).await;
    }
}

#[tokio::test]
async fn an_expired_token_answers_401() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let ok = app
        .authed(&tenant, Method::GET, "/api/v1/me")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    app.clock.advance(Duration::seconds(7201));
    let response = app
        .authed(&tenant, Method::GET, "/api/v1/me")
        .send()
        .await
        .unwrap();
    assert_invalid_token(response).await;
}

#[tokio::test]
async fn unknown_routes_answer_404_with_or_without_a_token() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    assert_error(app.get("/api/v1/nothing-here").await, 404).await;
    let response = app
        .authed(&tenant, Method::GET, "/api/v1/nothing-here")
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}

#[tokio::test]
async fn me_shows_the_user_and_the_business() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, Method::GET, "/api/v1/me")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["data"]["user"]["email"], tenant.email.as_str());
    let business = &body["data"]["business"];
    assert_eq!(business["name"], "Flixtechs");
    assert_eq!(business["slug"], "flixtechs");
    assert_eq!(business["user_id"], tenant.user_id);
    assert!(business["address"].is_null());
    assert_eq!(business["created_at"], "2025-10-21T03:39:57.825Z");
}

/// Verified tokens are cached for a few seconds; a revocation made elsewhere (another
/// server process, SQL by hand) reaches this process through LISTEN/NOTIFY at once.
#[tokio::test]
async fn a_token_revoked_by_another_process_stops_working_at_once() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for _ in 0..2 {
        let response = app.authed(&tenant, Method::GET, "/api/v1/me").send().await;
        assert_eq!(response.unwrap().status(), 200, "verified, then cached");
    }
    // Not through this server: its own revocations clear its cache directly.
    sqlx::query("UPDATE oauth_access_tokens SET revoked_at = now() WHERE user_id = $1")
        .bind(tenant.user_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // The notification travels asynchronously; a generous bound, not a timing target.
    let started = std::time::Instant::now();
    loop {
        let response = app.authed(&tenant, Method::GET, "/api/v1/me").send().await;
        if response.unwrap().status() == 401 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "still accepted 5 s after the revocation"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// `/api/v1/me` with `token`: its status and the statements the server ran for it.
async fn me_counted(app: &TestApp, token: &str) -> (u16, usize) {
    let request = app.request(Method::GET, "/api/v1/me").bearer_auth(token);
    let (response, queries) = app.counting_queries(request).await;
    (response.status().as_u16(), queries)
}

/// Finding 10: a refresh rotates one token, and only that token leaves the caches (this
/// process's at once, every other's through the notification); a client refreshing in
/// a loop no longer empties everyone's cache.
#[tokio::test]
async fn a_refresh_evicts_only_the_rotated_token_from_every_cache() {
    use crate::harness::oauth::{code, exchange, refresh, setup, tokens_of};
    let app = TestApp::spawn().await;
    let other_process = app.spawn_sibling(|_| {}).await;
    let bystander = app.tenant("Bystander").await;
    let client = setup(&app, false).await;
    let code = code(&app, &client, None).await;
    let rotated = tokens_of(exchange(&app, &client, &code, None).await).await;
    let rotated_access = rotated["access_token"].as_str().unwrap();

    let mut cached = Vec::new();
    for server in [&app, &other_process] {
        assert_eq!(me_counted(server, rotated_access).await.0, 200, "verified");
        let (status, looked_up) = me_counted(server, &bystander.token).await;
        assert_eq!(status, 200);
        let (status, queries) = me_counted(server, &bystander.token).await;
        assert_eq!(status, 200);
        assert!(
            queries < looked_up,
            "the second request is served from the cache"
        );
        cached.push(queries);
    }

    tokens_of(refresh(&app, &client, rotated["refresh_token"].as_str().unwrap()).await).await;
    // The other process learns of the rotation from the notification alone.
    let started = std::time::Instant::now();
    while me_counted(&other_process, rotated_access).await.0 != 401 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the rotated token is still accepted 5 s later"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(me_counted(&app, rotated_access).await.0, 401);
    for (server, cached) in [&app, &other_process].into_iter().zip(cached) {
        let (status, queries) = me_counted(server, &bystander.token).await;
        assert_eq!(status, 200);
        assert_eq!(queries, cached, "the bystander's token was looked up again");
    }
}
