//! The whole authorization-code flow, as a client app runs it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::*;
use crate::harness::{TestApp, assert_error};

#[tokio::test]
async fn the_authorization_code_flow_runs_from_consent_to_revocation() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;

    // The page names the app and the scopes.
    let params = authorize_params(&setup, &[]);
    let page = get_page(&app, &params).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Invoice Sync"), "{html}");
    assert!(html.contains("<strong>read</strong>") && html.contains("<strong>write</strong>"));

    // Allow: 303 to the redirect URI with a code and the state.
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("http://localhost:9999/callback?"),
        "{location}"
    );
    let query = redirect_params(&response);
    assert_eq!(query["state"], "af0ifjsldkj");
    let code = &query["code"];
    assert!(code.len() >= 43);

    // Code → tokens, Doorkeeper's shape, never cached.
    let response = exchange(&app, &setup, code, None).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens = tokens_of(response).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 7200);
    assert_eq!(tokens["scope"], "read write");
    assert_eq!(tokens["created_at"], app.clock.now().timestamp());
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_string();

    // The token works on the API.
    let me_response = me(&app, &access).await;
    assert_eq!(me_response.status(), 200);
    let body = crate::harness::json(me_response).await;
    assert_eq!(body["data"]["user"]["email"], setup.email.as_str());

    // Refresh, with HTTP Basic this time: a new pair; the old refresh token is dead.
    let basic = STANDARD.encode(format!(
        "{}:{}",
        setup.client_id,
        setup.client_secret.as_deref().unwrap()
    ));
    let refreshed = app
        .request(reqwest::Method::POST, "/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {basic}"))
        .body(form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ]))
        .send()
        .await
        .unwrap();
    let new_tokens = tokens_of(refreshed).await;
    let new_access = new_tokens["access_token"].as_str().unwrap().to_string();
    let new_refresh = new_tokens["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, refresh_token);
    assert_eq!(me(&app, &new_access).await.status(), 200);
    assert_error(me(&app, &access).await, 401).await;

    // The old refresh token is rejected (and, being a reuse, revokes the family).
    assert_oauth_error(
        refresh(&app, &setup, &refresh_token).await,
        400,
        "invalid_grant",
    )
    .await;

    // Revoke a fresh pair's access token: it stops working.
    let code = super::code(&app, &setup, None).await;
    let fresh = tokens_of(exchange(&app, &setup, &code, None).await).await;
    let fresh_access = fresh["access_token"].as_str().unwrap();
    assert_eq!(me(&app, fresh_access).await.status(), 200);
    let revoked = token_revoke(&app, &setup, fresh_access).await;
    assert_eq!(revoked.status(), 200);
    let response = me(&app, fresh_access).await;
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen", error="invalid_token""#
    );
    assert_error(response, 401).await;
}

pub async fn token_revoke(app: &TestApp, setup: &Setup, token: &str) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/oauth/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("token", token),
            ("client_id", &setup.client_id),
            (
                "client_secret",
                setup.client_secret.as_deref().unwrap_or_default(),
            ),
        ]))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_public_client_runs_the_flow_with_pkce() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, true).await;
    let code = code(&app, &setup, Some(VERIFIER)).await;
    let tokens = tokens_of(exchange(&app, &setup, &code, Some(VERIFIER)).await).await;
    assert_eq!(
        me(&app, tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    let refreshed = refresh(&app, &setup, tokens["refresh_token"].as_str().unwrap()).await;
    tokens_of(refreshed).await;
}

#[tokio::test]
async fn a_confidential_client_may_use_pkce_too() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let code = code(&app, &setup, Some(VERIFIER)).await;
    tokens_of(exchange(&app, &setup, &code, Some(VERIFIER)).await).await;
}

#[tokio::test]
async fn a_read_only_token_is_refused_a_post_with_403() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let params = authorize_params(&setup, &[("scope", "read")]);
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    let code = redirect_params(&response)["code"].clone();
    let tokens = tokens_of(exchange(&app, &setup, &code, None).await).await;
    assert_eq!(tokens["scope"], "read");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status(), 200);
    let response = app
        .request(reqwest::Method::POST, "/api/v1/me")
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen", error="insufficient_scope", scope="write""#
    );
    let body = assert_error(response, 403).await;
    assert_eq!(body["error"], "Forbidden");
}

#[tokio::test]
async fn leaving_the_scope_out_grants_read_only() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let params: Vec<_> = authorize_params(&setup, &[])
        .into_iter()
        .filter(|(k, _)| *k != "scope")
        .collect();
    let response = submit(&app, &params, &setup.email, PASSWORD, "allow").await;
    let code = redirect_params(&response)["code"].clone();
    let tokens = tokens_of(exchange(&app, &setup, &code, None).await).await;
    assert_eq!(tokens["scope"], "read");
}
