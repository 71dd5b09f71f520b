//! The login and consent page in a real headless browser (Debian's chromium driven by
//! playwright-core, `tests/browser/login.mjs`), then the code exchanged over HTTP.

use std::path::Path;

use super::*;
use crate::harness::TestApp;
use crate::harness::browser::{browser_available, run_script, serve_callback};

#[tokio::test]
async fn a_person_signs_in_and_allows_access_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the sign-in page in a browser") {
        return;
    }
    let app = TestApp::spawn().await;
    let callback = serve_callback().await;
    let setup = setup(&app, true).await;
    sqlx::query("UPDATE oauth_applications SET redirect_uris = $1 WHERE uid = $2")
        .bind(vec![callback.clone()])
        .bind(&setup.client_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let challenge = s256(VERIFIER);
    let params = authorize_params(
        &setup,
        &[
            ("redirect_uri", &callback),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let authorize_url = app.url(&format!("/oauth/authorize?{}", form(&params)));
    let artifacts = root.join("test-artifacts");

    let stdout = run_script(root, "login.mjs", &[&authorize_url, &setup.email, PASSWORD]).await;

    let result: serde_json::Value =
        serde_json::from_str(stdout.trim()).expect("JSON from the script");
    assert_eq!(result["state"], "af0ifjsldkj");
    assert!(artifacts.join("oauth-consent.png").exists());
    let code = result["code"].as_str().expect("a code");
    let response = token_request(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &callback),
            ("client_id", &setup.client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let tokens = tokens_of(response).await;
    assert_eq!(
        me(&app, tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}
