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

#[tokio::test]
async fn an_owner_adds_a_webhook_endpoint_and_sees_its_delivery_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the dashboard's webhooks in a browser") {
        return;
    }
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = crate::harness::webhook_receiver::Receiver::start().await;
    let base = app.url("");
    let url = receiver.url();
    let args = |step: &'static str| {
        vec![
            step,
            base.as_str(),
            tenant.email.as_str(),
            super::PASSWORD,
            url.as_str(),
        ]
    };
    let added: serde_json::Value = serde_json::from_str(
        run_script(root, "dashboard_webhooks.mjs", &args("add"))
            .await
            .trim(),
    )
    .expect("JSON from the script");
    assert_eq!(added["secret_prefix"], "whsec_", "{added}");

    // An event, and the worker's run that delivers it.
    crate::harness::post(
        &app,
        &tenant,
        "/api/v1/customers",
        serde_json::json!({"customer": {"name": "Texas Ins"}}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);

    let log: serde_json::Value = serde_json::from_str(
        run_script(root, "dashboard_webhooks.mjs", &args("log"))
            .await
            .trim(),
    )
    .expect("JSON from the script");
    assert_eq!(log["secret_shown"], false, "{log}");
    let rows = log["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{log}");
    assert_eq!(rows[0][0], "customer.created", "{log}");
    assert_eq!(rows[0][2], "succeeded", "{log}");
    assert_eq!(rows[0][3], "200", "{log}");
    for page in [
        "webhook-new",
        "webhook-created",
        "webhooks",
        "webhook-deliveries",
    ] {
        let file = root.join(format!("test-artifacts/dashboard-{page}.png"));
        assert!(file.exists(), "{}", file.display());
    }
}
