//! What the token endpoint refuses, and what a refusal revokes.

use chrono::Duration;

use super::*;
use crate::harness::{TestApp, assert_error};

#[tokio::test]
async fn a_wrong_client_secret_answers_401_invalid_client() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let response = token_request(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &setup.client_id),
            ("client_secret", "not-the-secret"),
        ],
    )
    .await;
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Basic realm="koteshen""#
    );
    assert_oauth_error(response, 401, "invalid_client").await;
    // The code survives a failed client authentication.
    tokens_of(exchange(&app, &setup, &code, None).await).await;
}

#[tokio::test]
async fn a_redirect_uri_that_differs_from_the_authorization_request_is_invalid_grant() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    for other in [
        "https://app.example.com/oauth/callback",
        "http://localhost:9999/callback/",
    ] {
        let response = token_request(
            &app,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", other),
                ("client_id", &setup.client_id),
                ("client_secret", setup.client_secret.as_deref().unwrap()),
            ],
        )
        .await;
        assert_oauth_error(response, 400, "invalid_grant").await;
    }
}

#[tokio::test]
async fn a_reused_code_fails_and_revokes_the_tokens_of_its_first_use() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let first = tokens_of(exchange(&app, &setup, &code, None).await).await;
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status(), 200);

    let second = exchange(&app, &setup, &code, None).await;
    let body = assert_oauth_error(second, 400, "invalid_grant").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );
    assert_error(me(&app, access).await, 401).await;
    let refreshed = refresh(&app, &setup, first["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(refreshed, 400, "invalid_grant").await;
}

#[tokio::test]
async fn a_pkce_verifier_that_does_not_match_the_challenge_fails() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, true).await;
    let code = code(&app, &setup, Some(VERIFIER)).await;
    let wrong = "x".repeat(50);
    assert_oauth_error(
        exchange(&app, &setup, &code, Some(&wrong)).await,
        400,
        "invalid_grant",
    )
    .await;
    assert_oauth_error(
        exchange(&app, &setup, &code, None).await,
        400,
        "invalid_grant",
    )
    .await;
    // The right verifier still works: a failed verification does not burn the code.
    tokens_of(exchange(&app, &setup, &code, Some(VERIFIER)).await).await;
}

#[tokio::test]
async fn a_verifier_without_a_stored_challenge_fails() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let response = exchange(&app, &setup, &code, Some(VERIFIER)).await;
    assert_oauth_error(response, 400, "invalid_grant").await;
}

#[tokio::test]
async fn a_public_client_without_pkce_or_with_plain_is_refused_at_the_redirect() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, true).await;
    // Refused before any page is shown.
    let response = get_page(&app, &authorize_params(&setup, &[])).await;
    assert_eq!(response.status(), 303);
    let query = redirect_params(&response);
    assert_eq!(query["error"], "invalid_request");
    assert_eq!(query["state"], "af0ifjsldkj");

    let plain = authorize_params(
        &setup,
        &[
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
    );
    let response = get_page(&app, &plain).await;
    assert_eq!(response.status(), 303);
    assert_eq!(redirect_params(&response)["error"], "invalid_request");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    app.clock.advance(Duration::seconds(601));
    assert_oauth_error(
        exchange(&app, &setup, &code, None).await,
        400,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn an_access_token_expires_after_two_hours_and_its_refresh_token_still_works() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let tokens = tokens_of(exchange(&app, &setup, &code, None).await).await;
    app.clock.advance(Duration::seconds(7199));
    assert_eq!(
        me(&app, tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    app.clock.advance(Duration::seconds(2));
    assert_error(
        me(&app, tokens["access_token"].as_str().unwrap()).await,
        401,
    )
    .await;
    let refreshed =
        tokens_of(refresh(&app, &setup, tokens["refresh_token"].as_str().unwrap()).await).await;
    assert_eq!(
        me(&app, refreshed["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let first = tokens_of(exchange(&app, &setup, &code, None).await).await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let second = tokens_of(refresh(&app, &setup, old_refresh).await).await;
    let live_access = second["access_token"].as_str().unwrap();
    assert_eq!(me(&app, live_access).await.status(), 200);

    let body = assert_oauth_error(
        refresh(&app, &setup, old_refresh).await,
        400,
        "invalid_grant",
    )
    .await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );
    assert_error(me(&app, live_access).await, 401).await;
    let newest = refresh(&app, &setup, second["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(newest, 400, "invalid_grant").await;
}

#[tokio::test]
async fn a_refresh_token_is_only_good_for_the_client_it_was_issued_to() {
    let app = TestApp::spawn().await;
    let setup_a = setup(&app, false).await;
    let setup_b = super::setup(&app, false).await;
    let code = code(&app, &setup_a, None).await;
    let tokens = tokens_of(exchange(&app, &setup_a, &code, None).await).await;
    let response = refresh(&app, &setup_b, tokens["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(response, 400, "invalid_grant").await;
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope_but_not_widen_it() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, None).await;
    let tokens = tokens_of(exchange(&app, &setup, &code, None).await).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let narrowed = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("scope", "read"),
            ("client_id", &setup.client_id),
            ("client_secret", setup.client_secret.as_deref().unwrap()),
        ],
    )
    .await;
    let narrowed = tokens_of(narrowed).await;
    assert_eq!(narrowed["scope"], "read");
    let widened = token_request(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", narrowed["refresh_token"].as_str().unwrap()),
            ("scope", "read write"),
            ("client_id", &setup.client_id),
            ("client_secret", setup.client_secret.as_deref().unwrap()),
        ],
    )
    .await;
    assert_oauth_error(widened, 400, "invalid_scope").await;
}

#[tokio::test]
async fn the_password_and_other_grants_are_unsupported() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    for grant in [
        "password",
        "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
    ] {
        let response = token_request(
            &app,
            &[
                ("grant_type", grant),
                ("username", &setup.email),
                ("password", PASSWORD),
                ("client_id", &setup.client_id),
                ("client_secret", setup.client_secret.as_deref().unwrap()),
            ],
        )
        .await;
        assert_oauth_error(response, 400, "unsupported_grant_type").await;
    }
}

#[tokio::test]
async fn malformed_token_requests_answer_invalid_request() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let secret = setup.client_secret.clone().unwrap();
    let json_body = app
        .request(reqwest::Method::POST, "/oauth/token")
        .header("content-type", "application/json")
        .body(r#"{"grant_type":"authorization_code"}"#)
        .send()
        .await
        .unwrap();
    assert_oauth_error(json_body, 400, "invalid_request").await;
    let missing = token_request(
        &app,
        &[("client_id", &setup.client_id), ("client_secret", &secret)],
    )
    .await;
    assert_oauth_error(missing, 400, "invalid_request").await;
    let repeated = app
        .request(reqwest::Method::POST, "/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&code=a&code=b")
        .send()
        .await
        .unwrap();
    assert_oauth_error(repeated, 400, "invalid_request").await;
    let unknown_code = token_request(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", "nonsense"),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &setup.client_id),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_oauth_error(unknown_code, 400, "invalid_grant").await;
}
