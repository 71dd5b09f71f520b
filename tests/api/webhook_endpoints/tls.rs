//! A worker on a system without CA certificates (a container image missing
//! `ca-certificates`): webhook deliveries cannot set up TLS. The job must not panic; the
//! delivery log says why.

use serde_json::json;

use super::delivery_log;
use crate::harness::standalone_payment;
use crate::harness::webhook_receiver::{Receiver, app_at_wall_clock, subscribe};

#[tokio::test]
async fn without_ca_certificates_the_delivery_log_records_why_nothing_was_sent() {
    let app = app_at_wall_clock().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["*"])).await;
    standalone_payment(&app, &tenant, "10.00").await;
    // The real binary, told to find its CA certificates where there are none.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_koteshen"))
        .arg("worker")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.config.database_url)
        .env("WORKER_POLL_MILLISECONDS", "20")
        .env("WEBHOOK_ALLOW_PRIVATE", "true")
        .env("SSL_CERT_FILE", "/nonexistent/ca-certificates.crt")
        .env("SSL_CERT_DIR", "/nonexistent/certs")
        .env("LOG_FORMAT", "json")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start koteshen worker");
    // Asked of the database: polling the API would spend the rate limit.
    for _ in 0..250 {
        let logged: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if logged > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = delivery_log(&app, &tenant, endpoint["id"].as_i64().unwrap()).await;
    assert_eq!(log.len(), 1, "the attempt is logged");
    assert!(log[0]["status_code"].is_null());
    assert_eq!(log[0]["outcome"], "retrying");
    let error = log[0]["error"].as_str().unwrap();
    assert!(error.contains("could not be set up"), "{error}");
    assert!(error.contains("CA certificates"), "{error}");
    assert!(receiver.received().is_empty());
    let panicked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE last_error LIKE '%panicked%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(panicked, 0, "no job panicked");
}
