//! Applications in the dashboard: register (the secret shown once), use it for the
//! authorization-code flow, edit, rotate the secret, delete (its tokens die); checks on
//! every field; another business's ids answer 404.

use serde_json::Value;

use super::{Browser, Page};
use crate::harness::TestApp;
use crate::harness::oauth::{
    self, PASSWORD, REDIRECT_URI, Setup, assert_oauth_error, exchange, me, token_request, tokens_of,
};

/// The `value` of the input with this id.
fn field(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\" type=\"text\" readonly value=\"");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{id} in {}", page.body))
        + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end]
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Registers an application through the form; answers the credentials page.
async fn register(browser: &mut Browser<'_>, name: &str, kind: &str) -> Page {
    let form = browser.get("/dashboard/applications/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.csrf();
    browser
        .post(
            "/dashboard/applications",
            &[
                ("csrf", &csrf),
                ("name", name),
                (
                    "redirect_uris",
                    &format!("{REDIRECT_URI}\r\nhttps://app.example.com/cb"),
                ),
                ("kind", kind),
                ("scope_read", "1"),
                ("scope_write", "1"),
            ],
        )
        .await
}

/// A dashboard user whose password the OAuth harness knows, signed in.
async fn signed_in(app: &TestApp) -> (Browser<'_>, Setup) {
    let owner = oauth::setup(app, false).await;
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(&owner.email, PASSWORD).await.status, 303);
    (browser, owner)
}

#[tokio::test]
async fn a_registered_application_runs_the_authorization_code_flow_until_deleted() {
    let app = TestApp::spawn().await;
    let (mut browser, owner) = signed_in(&app).await;
    let created = register(&mut browser, "Invoice Sync <beta>", "confidential").await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created.body.contains("Invoice Sync &#60;beta&#62;"),
        "escaped"
    );
    assert!(created.body.contains("the only time the secret is shown"));
    let client_id = field(&created, "client_id");
    let client_secret = field(&created, "client_secret");
    let authorize_url = field(&created, "authorize_url");
    assert!(
        authorize_url.contains("/oauth/authorize?response_type=code"),
        "{authorize_url}"
    );
    assert!(
        authorize_url.contains(&format!("client_id={client_id}")),
        "{authorize_url}"
    );
    assert!(
        authorize_url.contains("scope=read+write"),
        "{authorize_url}"
    );

    // The list shows it, never its secret.
    let list = browser.get("/dashboard/applications").await;
    assert!(list.body.contains(&client_id));
    assert!(!list.body.contains(&client_secret));
    let stored: Option<String> =
        sqlx::query_scalar("SELECT secret_hash FROM oauth_applications WHERE uid = $1")
            .bind(&client_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(stored.unwrap().starts_with("$argon2"), "stored hashed");

    // The flow with it, as the created page says.
    let setup = Setup {
        email: owner.email.clone(),
        user_id: owner.user_id,
        client_id: client_id.clone(),
        client_secret: Some(client_secret.clone()),
    };
    let code = oauth::code(&app, &setup, None).await;
    let tokens = tokens_of(exchange(&app, &setup, &code, None).await).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    assert_eq!(me(&app, &access).await.status(), 200);

    // Rotating: the old secret stops at once, the token stays.
    let id = app_id(&app, &client_id).await;
    let edit = browser.get(&format!("/dashboard/applications/{id}")).await;
    let rotated = browser
        .post(
            &format!("/dashboard/applications/{id}/rotate_secret"),
            &[("csrf", &edit.csrf())],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = field(&rotated, "client_secret");
    assert_ne!(new_secret, client_secret);
    let credentials = |secret: &str| {
        vec![
            ("grant_type".to_string(), "client_credentials".to_string()),
            ("client_id".to_string(), client_id.clone()),
            ("client_secret".to_string(), secret.to_string()),
        ]
    };
    let ask = |pairs: Vec<(String, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            token_request(app, &pairs).await
        }
    };
    assert_oauth_error(
        ask(credentials(&client_secret)).await,
        401,
        "invalid_client",
    )
    .await;
    // The new one gets a token of the client credentials grant (the customers page's
    // way), acting for the user who registered the application.
    let granted = tokens_of(ask(credentials(&new_secret)).await).await;
    let own = granted["access_token"].as_str().unwrap().to_string();
    let who = me(&app, &own).await;
    assert_eq!(who.status(), 200);
    let who: serde_json::Value = who.json().await.unwrap();
    assert_eq!(who["data"]["user"]["email"], owner.email.as_str(), "{who}");
    assert_eq!(me(&app, &access).await.status(), 200);

    // Deleting it ends its tokens at once.
    let edit = browser.get(&format!("/dashboard/applications/{id}")).await;
    let deleted = browser
        .post(
            &format!("/dashboard/applications/{id}/delete"),
            &[("csrf", &edit.csrf())],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(me(&app, &access).await.status(), 401);
    assert_eq!(me(&app, &own).await.status(), 401);
    let list = browser.get("/dashboard/applications").await;
    assert!(!list.body.contains(&client_id));
}

async fn app_id(app: &TestApp, client_id: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM oauth_applications WHERE uid = $1")
        .bind(client_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_form_says_what_is_wrong_with_each_field() {
    let app = TestApp::spawn().await;
    let (mut browser, _) = signed_in(&app).await;
    let csrf = browser.get("/dashboard/applications/new").await.csrf();
    let refused = browser
        .post(
            "/dashboard/applications",
            &[
                ("csrf", &csrf),
                ("name", "  "),
                (
                    "redirect_uris",
                    "http://example.com/callback\njavascript:alert(1)",
                ),
                ("kind", "confidential"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    for expected in [
        "Name: enter a name",
        "plain http to another machine",
        "scheme that can&#39;t be a redirect URI",
        "Scopes: choose read, write or both.",
    ] {
        assert!(
            refused.body.contains(expected),
            "{expected} in {}",
            refused.body
        );
    }
    // What was typed comes back, escaped.
    assert!(refused.body.contains("javascript:alert(1)</textarea>"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM oauth_applications")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "only the harness's own");

    // A public application has no secret; its page says PKCE.
    let public = register(&mut browser, "Mobile", "public").await;
    assert_eq!(public.status, 200);
    assert!(!public.body.contains("id=\"client_secret\""));
    assert!(public.body.contains("code_challenge"));

    // Editing: a name and fewer scopes; the type stays.
    let client_id = field(&public, "client_id");
    let id = app_id(&app, &client_id).await;
    let edit = browser.get(&format!("/dashboard/applications/{id}")).await;
    assert!(edit.body.contains("fixed once registered"));
    let saved = browser
        .post(
            &format!("/dashboard/applications/{id}"),
            &[
                ("csrf", &edit.csrf()),
                ("name", "Mobile app"),
                ("redirect_uris", "com.example.app:/callback"),
                ("scope_read", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let row: (String, Vec<String>, String, bool) = sqlx::query_as(
        "SELECT name, redirect_uris, scopes, confidential FROM oauth_applications WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "Mobile app".into(),
            vec!["com.example.app:/callback".to_string()],
            "read".into(),
            false
        )
    );
}

#[tokio::test]
async fn another_business_application_is_not_found() {
    let app = TestApp::spawn().await;
    let (mut mine, _) = signed_in(&app).await;
    let (mut theirs, _) = signed_in(&app).await;
    let created = register(&mut theirs, "Theirs", "confidential").await;
    let id = app_id(&app, &field(&created, "client_id")).await;
    let csrf = mine.get("/dashboard").await.csrf();
    let edit = mine.get(&format!("/dashboard/applications/{id}")).await;
    assert_eq!(edit.status, 404);
    assert!(edit.body.contains("This business has no such application."));
    for action in ["", "/rotate_secret", "/delete"] {
        let path = format!("/dashboard/applications/{id}{action}");
        let answer = mine
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("name", "Stolen"),
                    ("redirect_uris", REDIRECT_URI),
                    ("scope_read", "1"),
                ],
            )
            .await;
        assert_eq!(answer.status, 404, "{path}");
    }
    for path in [
        "/dashboard/applications/abc",
        "/dashboard/applications/99999999999999999999",
    ] {
        assert_eq!(mine.get(path).await.status, 404, "{path}");
    }
    let untouched: (String, Value) = sqlx::query_as(
        "SELECT name, to_jsonb(secret_hash IS NOT NULL) FROM oauth_applications WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(untouched.0, "Theirs");
    assert!(
        !mine
            .get("/dashboard/applications")
            .await
            .body
            .contains("Theirs")
    );
}
