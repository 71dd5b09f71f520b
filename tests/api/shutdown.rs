//! Graceful shutdown: in-flight requests finish, then the server stops.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestApp, database_url};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_flight_request_finishes_after_shutdown_begins() {
    let mut app = TestApp::spawn_with(|c| c.database_max_connections = 1).await;
    // Hold the pool's only connection so /readyz waits for it.
    let held = app.pool.acquire().await.unwrap();
    let client = app.client.clone();
    let url = app.url("/readyz");
    let in_flight = tokio::spawn(async move { client.get(url).send().await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let server = app.begin_shutdown();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "the server waits for the request");
    drop(held);

    let response = in_flight.await.unwrap().expect("the request completes");
    assert_eq!(response.status(), 200);
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
}

/// The real binary: creates its database, serves, and exits 0 on SIGTERM.
#[tokio::test]
async fn the_binary_creates_its_database_and_exits_zero_on_sigterm() {
    let name = format!("koteshen_bin_{}", uuid::Uuid::new_v4().simple());
    let guard = crate::harness::DatabaseGuard { name: name.clone() };
    let mut child = Command::new(env!("CARGO_BIN_EXE_koteshen"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url(&name))
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start koteshen");

    // The JSON log line "listening" names the bound address.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                && v["message"] == "listening"
            {
                let _ = tx.send(v["address"].as_str().unwrap_or_default().to_string());
            }
        }
    });
    let address = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server logs its address");

    let ready = reqwest::get(format!("http://{address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    let pid = child.id().to_string();
    let started = Instant::now();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "exits within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    drop(guard);
}

#[test]
fn a_bad_configuration_value_stops_startup_with_one_line_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_koteshen"))
        .arg("serve")
        .env_clear()
        .env("PORT", "not-a-port")
        .output()
        .expect("run koteshen");
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PORT"), "{stderr}");
}
