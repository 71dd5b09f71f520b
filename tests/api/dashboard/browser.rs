//! The dashboard in a real headless browser (`tests/browser/dashboard.mjs`): sign in,
//! register an application, read its secret once, run the authorization-code flow with
//! it, see the grant, revoke it, see the token refused; a screenshot of every page.

use std::path::Path;

use crate::harness::TestApp;
use crate::harness::browser::{browser_available, run_script, serve_callback};
use crate::harness::oauth::{self, PASSWORD};

#[tokio::test]
async fn an_owner_registers_an_application_and_revokes_its_grant_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the dashboard in a browser") {
        return;
    }
    let app = TestApp::spawn().await;
    let callback = serve_callback().await;
    let owner = oauth::setup(&app, false).await;
    let base = app.url("");
    let stdout = run_script(
        root,
        "dashboard.mjs",
        &[&base, &owner.email, PASSWORD, &callback],
    )
    .await;
    let seen: serde_json::Value =
        serde_json::from_str(stdout.trim()).expect("JSON from the script");
    assert_eq!(seen["copy_buttons"], 3, "{seen}");
    assert_eq!(seen["secret_shown_again"], false, "{seen}");
    assert_eq!(seen["me_before"], 200, "{seen}");
    assert_eq!(seen["listed"], true, "{seen}");
    assert!(
        seen["notice"].as_str().unwrap().contains("Access revoked"),
        "{seen}"
    );
    assert_eq!(seen["me_after"], 401, "{seen}");
    assert_eq!(seen["after_sign_out"], "/dashboard/sign_in", "{seen}");
    assert_eq!(
        seen["console_errors"],
        serde_json::json!([]),
        "CSP violations: {seen}"
    );
    for page in [
        "sign-in",
        "overview",
        "applications",
        "application-new",
        "application-credentials",
        "application-edit",
        "consent",
        "authorized",
        "authorized-revoked",
    ] {
        let file = root.join(format!("test-artifacts/dashboard-{page}.png"));
        assert!(file.exists(), "{}", file.display());
    }
}
