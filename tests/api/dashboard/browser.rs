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
    assert_eq!(seen["copy_buttons"], 4, "{seen}");
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

/// A real logo for the browser to upload and show: an SVG (the server checks it as the
/// API's upload does).
const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64">
  <rect width="64" height="64" rx="12" fill="#1746c9"/>
  <rect x="80" y="18" width="150" height="28" rx="6" fill="#1d2433"/></svg>"##;

#[tokio::test]
async fn an_owner_changes_the_business_settings_and_uploads_a_logo_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the dashboard's settings in a browser") {
        return;
    }
    let app = TestApp::spawn_with(|c| c.signup_open = true).await;
    let tenant = app.tenant("Mine").await;
    let logo = std::env::temp_dir().join(format!("koteshen-logo-{}.svg", uuid::Uuid::new_v4()));
    std::fs::write(&logo, LOGO_SVG).unwrap();
    let base = app.url("");
    let logo_path = logo.display().to_string();
    let stdout = run_script(
        root,
        "dashboard_settings.mjs",
        &[&base, &tenant.email, super::PASSWORD, &logo_path],
    )
    .await;
    std::fs::remove_file(&logo).ok();
    let seen: serde_json::Value =
        serde_json::from_str(stdout.trim()).expect("JSON from the script");
    assert_eq!(seen["sign_up_heading"], "Create an account", "{seen}");
    assert!(seen["error"].as_str().unwrap().contains("IBAN: "), "{seen}");
    assert_eq!(seen["invalid"], "true", "{seen}");
    assert_eq!(seen["kept_city"], "East London", "{seen}");
    assert_eq!(seen["saved"], "The settings were saved.", "{seen}");
    assert_eq!(seen["saved_name"], "Flixtechs", "{seen}");
    assert_eq!(seen["logo_notice"], "The logo was uploaded.", "{seen}");
    assert_eq!(seen["logo_width"], 240, "the logo is shown: {seen}");
    assert_eq!(
        seen["console_errors"],
        serde_json::json!([]),
        "CSP violations: {seen}"
    );
    let business = crate::harness::show(&app, &tenant, "/api/v1/business").await;
    assert_eq!(business["address"]["city"], "East London", "{business}");
    assert_eq!(business["time_zone"], "Africa/Johannesburg");
    for page in [
        "sign-up",
        "settings",
        "settings-refused",
        "settings-saved",
        "account",
    ] {
        let file = root.join(format!("test-artifacts/dashboard-{page}.png"));
        assert!(file.exists(), "{}", file.display());
    }
}
