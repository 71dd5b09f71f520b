//! Every failure path answers the documented JSON error shape, never text.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error};

#[tokio::test]
async fn an_unknown_route_answers_404_json() {
    let app = TestApp::spawn().await;
    let body = assert_error(app.get("/nowhere").await, 404).await;
    assert_eq!(body["error"], "Not Found");
    let body = assert_error(app.get("/api/v1/nowhere").await, 404).await;
    assert_eq!(body["message"], "No route matches GET /api/v1/nowhere");
}

#[tokio::test]
async fn malformed_json_to_an_unknown_api_route_answers_json() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::POST, "/api/v1/anything")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}

#[tokio::test]
async fn a_wrong_method_answers_405_json_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::DELETE, "/healthz")
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET"), "{allow}");
    let body = assert_error(response, 405).await;
    assert_eq!(body["error"], "Method Not Allowed");
    assert_eq!(
        body["message"],
        format!("Method not allowed here; allowed: {allow}")
    );
}

#[tokio::test]
async fn a_405_on_an_api_route_names_the_methods_its_allow_header_lists() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/invoices/abc")
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert_eq!(allow, "GET,HEAD,PATCH,DELETE");
    let body = assert_error(response, 405).await;
    assert_eq!(
        body["message"],
        "Method not allowed here; allowed: GET,HEAD,PATCH,DELETE"
    );
}

#[tokio::test]
async fn a_body_over_one_mebibyte_answers_413_json() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::POST, "/api/v1/anything")
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 413).await;
    assert_eq!(body["error"], "Payload Too Large");
}

#[tokio::test]
async fn error_bodies_are_json_even_when_compressed_responses_are_asked_for() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/nowhere")
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}

#[tokio::test]
async fn malformed_ids_and_bodies_answer_4xx_json() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for path in [
        "/api/v1/customers/abc",
        "/api/v1/customers/0",
        "/api/v1/customers/13.xml",
        "/api/v1/customers/99999999999999999999",
        "/api/v1/customers/999",
    ] {
        let response = app.authed(&tenant, Method::GET, path).send().await.unwrap();
        assert_error(response, 404).await;
    }
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_error(response, 400).await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_error(response, 415).await;
    let response = app
        .authed(&tenant, Method::PUT, "/api/v1/customers/1")
        .send()
        .await
        .unwrap();
    assert_error(response, 405).await;
    // NUL cannot be stored in PostgreSQL text: a 422, never a 500.
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "A\u{0}B"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["name"].is_array());
    for query in [
        "q=a%00b",
        "per_page=5&per_page=6",
        "per_page=",
        "include_deleted=",
    ] {
        let response = app
            .authed(&tenant, Method::GET, &format!("/api/v1/customers?{query}"))
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
}
