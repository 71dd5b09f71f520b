//! `koteshen admin …` against a real database: JSON out, secrets once, a token that works.

use reqwest::Method;

use crate::harness::TestApp;
use crate::harness::cli::{admin, json};

#[tokio::test]
async fn the_admin_commands_create_a_user_a_client_and_a_working_token() {
    let app = TestApp::spawn().await;
    let db = app.database_name();

    let (ok, out, err) = admin(
        &db,
        &[
            "create-user",
            "--email",
            "Owner@Example.com",
            "--business-name",
            "Flixtechs",
        ],
        &[],
        Some("a long enough password\n"),
    );
    assert!(ok, "{err}");
    assert_eq!(json(&out)["user"]["email"], "Owner@Example.com");

    let (ok, out, err) = admin(
        &db,
        &[
            "create-client",
            "--name",
            "Postman",
            "--redirect-uri",
            "https://oauth.pstmn.io/v1/callback",
            "--redirect-uri",
            "http://localhost:9999/callback",
            "--scopes",
            "read",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let client = json(&out);
    let client_id = client["client_id"].as_str().unwrap().to_string();
    assert!(client["client_secret"].as_str().unwrap().len() >= 43);
    assert_eq!(client["redirect_uris"].as_array().unwrap().len(), 2);

    let (ok, _, err) = admin(
        &db,
        &[
            "issue-token",
            "--email",
            "owner@example.com",
            "--client-id",
            &client_id,
        ],
        &[],
        None,
    );
    assert!(!ok, "write is not allowed to this client");
    assert!(err.contains("scopes"), "{err}");

    let (ok, out, err) = admin(
        &db,
        &[
            "issue-token",
            "--email",
            "owner@example.com",
            "--client-id",
            &client_id,
            "--scopes",
            "read",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let token = json(&out);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 7200);
    assert_eq!(token["scope"], "read");
    let response = app
        .request(Method::GET, "/api/v1/me")
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_client_id_that_begins_with_a_dash_is_taken_as_a_value() {
    let app = TestApp::spawn().await;
    let (ok, _, err) = admin(
        &app.database_name(),
        &[
            "issue-token",
            "--email",
            "a@example.com",
            "--client-id",
            "-abc",
        ],
        &[],
        None,
    );
    assert!(!ok);
    assert!(err.contains("no user has the email"), "{err}");
}

#[tokio::test]
async fn create_user_reads_the_password_from_the_environment_and_refuses_a_duplicate() {
    let app = TestApp::spawn().await;
    let db = app.database_name();
    let args = [
        "create-user",
        "--email",
        "a@example.com",
        "--business-name",
        "Acme",
    ];
    let env = [("KOTESHEN_PASSWORD", "a long enough password")];
    let (ok, _, err) = admin(&db, &args, &env, None);
    assert!(ok, "{err}");
    let (ok, out, err) = admin(&db, &args, &env, None);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("already exists"), "{err}");
}

#[tokio::test]
async fn create_client_refuses_a_redirect_uri_with_a_fragment() {
    let app = TestApp::spawn().await;
    let (ok, _, err) = admin(
        &app.database_name(),
        &[
            "create-client",
            "--name",
            "X",
            "--redirect-uri",
            "https://a.example/cb#frag",
        ],
        &[],
        None,
    );
    assert!(!ok);
    assert!(err.contains("fragment"), "{err}");
}

/// RFC 9700 §2.1: a code sent to a plain-HTTP redirect URI crosses the network in the
/// clear, so `http` is only for the loopback interface (a native app on this machine).
#[tokio::test]
async fn create_client_refuses_plain_http_redirect_uris_except_on_loopback() {
    let app = TestApp::spawn().await;
    let db = app.database_name();
    let create = |uri: &str| {
        admin(
            &db,
            &["create-client", "--name", "X", "--redirect-uri", uri],
            &[],
            None,
        )
    };
    for uri in [
        "http://app.example.com/callback",
        "http://localhost.example.com/callback",
        "http://10.0.0.7/callback",
    ] {
        let (ok, out, err) = create(uri);
        assert!(!ok, "{uri} was accepted: {out}");
        assert!(err.contains("https"), "{uri}: {err}");
    }
    for uri in [
        "https://app.example.com/callback",
        "http://localhost:8080/callback",
        "http://127.0.0.1:43123/callback",
        "http://[::1]/callback",
    ] {
        let (ok, _, err) = create(uri);
        assert!(ok, "{uri}: {err}");
    }
}
