//! Whether a test that drives a real headless browser (`tests/browser/`) can run here.

use std::path::Path;
use std::process::Command;

/// What the test needs, or a message saying how to get it.
pub fn browser_prerequisites(root: &Path) -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = vec![];
    if !Path::new(&chromium).exists() {
        missing.push(format!(
            "chromium at {chromium} (apt-get install -y chromium)"
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (apt-get install -y nodejs npm)".to_string());
    }
    if !root.join("node_modules/playwright-core").exists() {
        missing.push("playwright-core (npm ci)".to_string());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the browser test needs: {}; `bash .ci/browser.sh` installs them all",
            missing.join(", ")
        ))
    }
}

/// Whether the browser test can run. Missing prerequisites fail it under CI (`CI` set, as
/// `.ci/run` runs), and elsewhere skip it: it passes with a `SKIPPED` line on stderr
/// (`cargo test -- --nocapture` shows it), so `cargo test` works with Rust alone.
pub fn browser_available(root: &Path, test: &str) -> bool {
    match browser_prerequisites(root) {
        Ok(()) => true,
        Err(message) if std::env::var_os("CI").is_some() => panic!("{message}"),
        Err(message) => {
            eprintln!("SKIPPED {test}: {message}");
            false
        }
    }
}

/// Runs `tests/browser/<script>` under node with the arguments, the screenshots' folder
/// (`test-artifacts/`) last, and answers its stdout; a failing script fails the test with
/// both outputs. The server runs on the test's runtime, so node is waited for off it;
/// Playwright's own timeouts (30 s an action) end a script whose page hangs.
pub async fn run_script(root: &Path, script: &str, args: &[&str]) -> String {
    let mut command = Command::new("node");
    command
        .arg(root.join("tests/browser").join(script))
        .args(args)
        .arg(root.join("test-artifacts"))
        .current_dir(root);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A client app's redirect URI: a page on this machine the browser can land on.
pub async fn serve_callback() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let routes = axum::Router::new().route(
        "/callback",
        axum::routing::get(|| async { axum::response::Html("<p>Signed in.</p>") }),
    );
    tokio::spawn(async move { axum::serve(listener, routes).await });
    format!("http://{address}/callback")
}
