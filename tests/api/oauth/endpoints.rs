//! Revocation (RFC 7009), introspection (RFC 7662), token info and metadata (RFC 8414).

use super::flow::token_revoke;
use super::*;
use crate::harness::{TestApp, assert_error, json};

async fn fresh_tokens(app: &TestApp, setup: &Setup) -> serde_json::Value {
    let code = code(app, setup, None).await;
    tokens_of(exchange(app, setup, &code, None).await).await
}

async fn introspect(app: &TestApp, setup: &Setup, token: &str) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/oauth/introspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .basic_auth(&setup.client_id, setup.client_secret.as_deref())
        .body(form(&[("token", token)]))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn revoking_a_refresh_token_kills_the_access_tokens_of_its_grant() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let tokens = fresh_tokens(&app, &setup).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status(), 200);
    let response = token_revoke(&app, &setup, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    // A revoked token answers the overview's 401 body, word for word.
    crate::harness::assert_invalid_token(me(&app, access).await).await;
}

#[tokio::test]
async fn revoking_an_unknown_token_answers_200_but_a_bad_client_answers_401() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    assert_eq!(
        token_revoke(&app, &setup, "no-such-token").await.status(),
        200
    );
    let response = app
        .request(reqwest::Method::POST, "/oauth/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("token", "x"),
            ("client_id", &setup.client_id),
            ("client_secret", "wrong"),
        ]))
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, 401, "invalid_client").await;
}

#[tokio::test]
async fn a_client_cannot_revoke_another_clients_token() {
    let app = TestApp::spawn().await;
    let owner = setup(&app, false).await;
    let other = super::setup(&app, false).await;
    let tokens = fresh_tokens(&app, &owner).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(token_revoke(&app, &other, access).await.status(), 200);
    assert_eq!(me(&app, access).await.status(), 200);
}

#[tokio::test]
async fn introspection_describes_a_live_token_and_says_only_inactive_for_a_dead_one() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let tokens = fresh_tokens(&app, &setup).await;
    let access = tokens["access_token"].as_str().unwrap();
    let response = introspect(&app, &setup, access).await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["active"], true);
    assert_eq!(body["scope"], "read write");
    assert_eq!(body["client_id"], setup.client_id.as_str());
    assert_eq!(body["username"], setup.email.as_str());
    assert_eq!(body["sub"], setup.user_id.to_string());
    assert_eq!(body["exp"], app.clock.now().timestamp() + 7200);

    let refresh_body =
        json(introspect(&app, &setup, tokens["refresh_token"].as_str().unwrap()).await).await;
    assert_eq!(refresh_body["active"], true);

    token_revoke(&app, &setup, access).await;
    let dead = json(introspect(&app, &setup, access).await).await;
    assert_eq!(dead, serde_json::json!({ "active": false }));
    let unknown = json(introspect(&app, &setup, "nonsense").await).await;
    assert_eq!(unknown, serde_json::json!({ "active": false }));
}

#[tokio::test]
async fn introspection_needs_an_authenticated_confidential_client() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::POST, "/oauth/introspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("token", "x")]))
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, 401, "invalid_client").await;
    let public = super::setup(&app, true).await;
    let response = app
        .request(reqwest::Method::POST, "/oauth/introspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("token", "x"), ("client_id", &public.client_id)]))
        .send()
        .await
        .unwrap();
    assert_oauth_error(response, 401, "invalid_client").await;
}

#[tokio::test]
async fn token_info_shows_the_bearers_token_as_doorkeeper_does() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let tokens = fresh_tokens(&app, &setup).await;
    let created = app.clock.now().timestamp();
    app.clock.advance(chrono::Duration::seconds(100));
    let response = app
        .request(reqwest::Method::GET, "/oauth/token/info")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(
        body,
        serde_json::json!({
            "resource_owner_id": setup.user_id,
            "scope": ["read", "write"],
            "expires_in": 7100,
            "application": { "uid": setup.client_id },
            "created_at": created,
        })
    );
    let response = app.get("/oauth/token/info").await;
    assert_error(response, 401).await;
}

#[tokio::test]
async fn the_metadata_document_describes_the_server() {
    let app = TestApp::spawn().await;
    let response = app.get("/.well-known/oauth-authorization-server").await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["issuer"], "http://localhost:3000");
    assert_eq!(body["token_endpoint"], "http://localhost:3000/oauth/token");
    assert_eq!(
        body["authorization_endpoint"],
        "http://localhost:3000/oauth/authorize"
    );
    assert_eq!(
        body["revocation_endpoint"],
        "http://localhost:3000/oauth/revoke"
    );
    assert_eq!(
        body["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        body["response_types_supported"],
        serde_json::json!(["code"])
    );
    assert_eq!(
        body["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token", "client_credentials"])
    );
    // RFC 9207: the authorization responses carry `iss`.
    assert_eq!(body["authorization_response_iss_parameter_supported"], true);
}
