//! The authorization page: what it shows, what it refuses, and how it protects itself.

use super::*;
use crate::harness::TestApp;

fn assert_page_is_protected(response: &reqwest::Response) {
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(!headers.contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn the_page_is_html_that_cannot_be_framed_and_sends_no_cors_headers() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let query = form(&authorize_params(&setup, &[]));
    let response = app
        .request(reqwest::Method::GET, &format!("/oauth/authorize?{query}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_page_is_protected(&response);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("name=\"state\" value=\"af0ifjsldkj\""));
}

#[tokio::test]
async fn an_unknown_client_gets_an_error_page_never_a_redirect() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let response = get_page(&app, &authorize_params(&setup, &[("client_id", "nobody")])).await;
    assert_eq!(response.status(), 400);
    assert!(!response.headers().contains_key("location"));
    assert_page_is_protected(&response);
    let html = response.text().await.unwrap();
    assert!(html.contains("can't be completed"), "{html}");
}

#[tokio::test]
async fn a_redirect_uri_not_registered_exactly_gets_an_error_page() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    for uri in [
        "http://localhost:9999/callback/",
        "http://LOCALHOST:9999/callback",
        "http://localhost:9999/callback?x=1",
        "http://localhost:9999/other",
        "https://evil.example/callback",
    ] {
        let response = get_page(&app, &authorize_params(&setup, &[("redirect_uri", uri)])).await;
        assert_eq!(response.status(), 400, "{uri}");
        assert!(!response.headers().contains_key("location"), "{uri}");
    }
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_the_state() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let response = submit(&app, &authorize_params(&setup, &[]), "", "", "deny").await;
    assert_eq!(response.status(), 303);
    let query = redirect_params(&response);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "af0ifjsldkj");
    assert!(!query.contains_key("code"));
}

#[tokio::test]
async fn the_state_comes_back_byte_for_byte() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let state = "a b+c/=&?é%20\"<>'~";
    let params = authorize_params(&setup, &[("state", state)]);
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 303);
    assert_eq!(redirect_params(&response)["state"], state);
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_a_message() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let response = submit(
        &app,
        &authorize_params(&setup, &[]),
        &setup.email,
        "wrong password",
        "allow",
    )
    .await;
    assert_eq!(response.status(), 401);
    assert!(!response.headers().contains_key("location"));
    assert_page_is_protected(&response);
    let html = response.text().await.unwrap();
    assert!(html.contains("The email or password is incorrect."));
    assert!(html.contains(&setup.email));
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let params = authorize_params(&setup, &[]);
    for _ in 0..5 {
        let response = submit(&app, &params, &setup.email, "wrong password", "allow").await;
        assert_eq!(response.status(), 401);
    }
    // Even the right password waits now.
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 429);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Too many failed sign-in attempts")
    );
    app.clock.advance(chrono::Duration::minutes(16));
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address_across_accounts() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let params = authorize_params(&setup, &[]);
    for n in 0..20 {
        let email = format!("guess-{n}@example.com");
        let response = submit(&app, &params, &email, "wrong password", "allow").await;
        assert_eq!(response.status(), 401);
    }
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn a_post_without_the_csrf_cookie_is_not_acted_on() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let mut fields = authorize_params(&setup, &[]);
    fields.extend([
        ("csrf_token", "forged-token-forged-token-forged-token-abcd"),
        ("email", setup.email.as_str()),
        ("password", PASSWORD),
        ("decision", "allow"),
    ]);
    let response = app
        .request(reqwest::Method::POST, "/oauth/authorize")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&fields))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(!response.headers().contains_key("location"));
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Please sign in again")
    );
}

#[tokio::test]
async fn an_unknown_scope_or_response_type_is_answered_at_the_redirect_uri() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let response = get_page(&app, &authorize_params(&setup, &[("scope", "read admin")])).await;
    assert_eq!(response.status(), 303);
    assert_eq!(redirect_params(&response)["error"], "invalid_scope");
    let response = get_page(
        &app,
        &authorize_params(&setup, &[("response_type", "token")]),
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        redirect_params(&response)["error"],
        "unsupported_response_type"
    );
}

/// Finding 3: the attempt is recorded before the password is verified, so posts racing
/// each other cannot all read "no failures yet" and all be verified.
#[tokio::test]
async fn fifty_parallel_wrong_passwords_for_one_account_verify_at_most_five() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let params = authorize_params(&setup, &[]);
    // One form, posted fifty times at once (the double-submit token stays valid).
    let (token, cookie) = csrf(get_page(&app, &params).await).await;
    let mut fields = params.clone();
    fields.extend([
        ("csrf_token", token.as_str()),
        ("email", setup.email.as_str()),
        ("password", "wrong password"),
        ("decision", "allow"),
    ]);
    let body = form(&fields);
    let mut posts = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let request = app
            .request(reqwest::Method::POST, "/oauth/authorize")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie.clone())
            .body(body.clone());
        posts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let mut wrong = 0;
    let mut throttled = 0;
    while let Some(status) = posts.join_next().await {
        match status.unwrap() {
            401 => wrong += 1,
            429 => throttled += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(wrong <= 5, "{wrong} wrong-password answers: the limit is 5");
    assert_eq!(wrong + throttled, 50);
    // The account stays locked for the right password too.
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 429);
}

/// RFC 9207: every authorization response names its issuer, the metadata's `issuer`.
#[tokio::test]
async fn authorization_responses_carry_the_issuer() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let issuer = "http://localhost:3000";
    let allowed = submit(
        &app,
        &authorize_params(&setup, &[]),
        &setup.email,
        PASSWORD,
        "allow",
    )
    .await;
    assert_eq!(allowed.status(), 303);
    let query = redirect_params(&allowed);
    assert!(query.contains_key("code"));
    assert_eq!(query["iss"], issuer);

    let denied = submit(&app, &authorize_params(&setup, &[]), "", "", "deny").await;
    assert_eq!(redirect_params(&denied)["iss"], issuer);

    let bad_scope = get_page(&app, &authorize_params(&setup, &[("scope", "admin")])).await;
    let query = redirect_params(&bad_scope);
    assert_eq!(query["error"], "invalid_scope");
    assert_eq!(query["iss"], issuer);
    assert_eq!(query["state"], "af0ifjsldkj");
}
