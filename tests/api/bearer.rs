//! Bearer authentication on /api/v1 (RFC 6750).

use chrono::Duration;
use reqwest::Method;

use crate::helpers::{TestApp, assert_error, json};

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
    assert_eq!(body["message"], "Invalid access token");
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
        assert_eq!(
            response.headers()["www-authenticate"],
            r#"Bearer realm="koteshen", error="invalid_token""#,
            "{header}"
        );
        assert_error(response, 401).await;
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
    assert_error(response, 401).await;
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
