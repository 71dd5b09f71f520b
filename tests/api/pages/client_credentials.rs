//! The customers overview page's token request, `grant_type=client_credentials` with
//! `client_id`, `client_secret` and `scope=read write`, form-encoded: a confidential
//! application with an owner gets a token acting for the owner; nobody else does.

use reqwest::Method;
use serde_json::Value;

use crate::harness::TestApp;
use crate::harness::cli::{admin, json};
use crate::harness::oauth::{assert_oauth_error, me, setup, token_request};

/// A business owner, and an application owned by them made with the admin CLI.
async fn owned_client(app: &TestApp, scopes: &str) -> (String, String) {
    let db = app.database_name();
    let (ok, _, err) = admin(
        &db,
        &[
            "create-user",
            "--email",
            "owner@texas.com",
            "--business-name",
            "Texas Ins",
        ],
        &[],
        Some("a long enough password\n"),
    );
    assert!(ok, "{err}");
    let (ok, out, err) = admin(
        &db,
        &[
            "create-client",
            "--name",
            "Nightly sync",
            "--owner-email",
            "Owner@Texas.com",
            "--scopes",
            scopes,
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let client = json(&out);
    assert_eq!(client["owner"]["email"], "owner@texas.com");
    (
        client["client_id"].as_str().unwrap().to_string(),
        client["client_secret"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn the_pages_client_credentials_request_gets_a_token_that_acts_for_the_owner() {
    let app = TestApp::spawn().await;
    let (id, secret) = owned_client(&app, "read write").await;
    let response = token_request(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "read write"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    assert_eq!(token["expires_in"], 7200);
    assert!(
        token.get("refresh_token").is_none(),
        "RFC 6749 §4.4.3: {token}"
    );
    let access = token["access_token"].as_str().unwrap();

    let response = me(&app, access).await;
    assert_eq!(response.status(), 200);
    let shown: Value = response.json().await.unwrap();
    assert!(
        shown.to_string().contains("owner@texas.com"),
        "the owner's /me: {shown}"
    );
    assert!(shown.to_string().contains("Texas Ins"), "{shown}");
    // It writes as the owner, in the owner's business.
    let (status, body) = crate::harness::send(
        app.request(Method::POST, "/api/v1/customers")
            .bearer_auth(access)
            .json(&serde_json::json!({"customer": {"name": "Texas Instruments"}})),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // HTTP Basic works the same; no scope grants the least, `read`.
    let response = app
        .request(Method::POST, "/oauth/token")
        .basic_auth(&id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["scope"], "read");

    // The metadata says so.
    let metadata: Value = app
        .get("/.well-known/oauth-authorization-server")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        metadata["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&"client_credentials".into()),
        "{metadata}"
    );
}

#[tokio::test]
async fn scope_narrows_never_widens_and_a_wrong_secret_is_invalid_client() {
    let app = TestApp::spawn().await;
    let (id, secret) = owned_client(&app, "read").await;
    let ask = |scope: &'static str| {
        let (id, secret) = (id.clone(), secret.clone());
        let app = &app;
        async move {
            token_request(
                app,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    assert_oauth_error(ask("read write").await, 400, "invalid_scope").await;
    assert_oauth_error(ask("admin").await, 400, "invalid_scope").await;
    let token: Value = ask("read").await.json().await.unwrap();
    assert_eq!(token["scope"], "read");
    let response = app
        .request(Method::POST, "/api/v1/customers")
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&serde_json::json!({"name": "Nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "a read token cannot write");

    let response = token_request(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", "not the secret"),
        ],
    )
    .await;
    assert_oauth_error(response, 401, "invalid_client").await;
}

#[tokio::test]
async fn a_public_client_and_an_ownerless_application_are_unauthorized_clients() {
    let app = TestApp::spawn().await;
    let public = setup(&app, true).await;
    let response = token_request(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &public.client_id),
        ],
    )
    .await;
    let body = assert_oauth_error(response, 400, "unauthorized_client").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("public")
    );

    let ownerless = setup(&app, false).await;
    let response = token_request(
        &app,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &ownerless.client_id),
            ("client_secret", ownerless.client_secret.as_deref().unwrap()),
        ],
    )
    .await;
    let body = assert_oauth_error(response, 400, "unauthorized_client").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("owner")
    );
}

#[tokio::test]
async fn create_client_checks_the_owner() {
    let app = TestApp::spawn().await;
    let (ok, _, err) = admin(
        &app.database_name(),
        &[
            "create-client",
            "--name",
            "Sync",
            "--owner-email",
            "nobody@example.com",
        ],
        &[],
        None,
    );
    assert!(!ok);
    assert!(err.contains("nobody@example.com"), "{err}");
    let (ok, _, err) = admin(
        &app.database_name(),
        &["create-client", "--name", "Sync"],
        &[],
        None,
    );
    assert!(!ok);
    assert!(err.contains("--redirect-uri"), "{err}");
}
