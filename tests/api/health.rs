use crate::harness::{TestApp, json};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_ok_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["database"], "ok");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_unreachable() {
    let app = TestApp::spawn().await;
    app.pool.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    let body = json(response).await;
    assert_eq!(body["error"], "Service Unavailable");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::GET, "/healthz")
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
}

#[tokio::test]
async fn the_healthcheck_command_passes_against_a_ready_server() {
    let app = TestApp::spawn().await;
    let port: u16 = app.address.rsplit(':').next().unwrap().parse().unwrap();
    koteshen::startup::healthcheck(port).await.expect("ready");
    app.pool.close().await;
    assert!(koteshen::startup::healthcheck(port).await.is_err());
}
