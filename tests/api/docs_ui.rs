//! The interactive docs render in headless Chromium with no network but this machine.

use std::path::Path;

use crate::harness::TestApp;
use crate::harness::browser::{browser_available, run_script};

#[tokio::test]
async fn the_docs_render_offline_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the docs page in a browser") {
        return;
    }
    let app = TestApp::spawn().await;
    let docs = app.url("/docs/");
    let artifacts = root.join("test-artifacts");
    run_script(root, "docs.mjs", &[&docs]).await;
    assert!(artifacts.join("docs.png").exists());
}

#[tokio::test]
async fn the_docs_page_and_its_assets_are_served_by_the_binary() {
    let app = TestApp::spawn().await;
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let config = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(config.status(), 200);
    assert!(
        config
            .text()
            .await
            .unwrap()
            .contains("/api/v1/openapi.json")
    );
}
