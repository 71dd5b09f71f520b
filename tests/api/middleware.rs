//! The app's middleware stack around routes that only tests have: a handler that
//! panics, one that reads a JSON body, one that is slow.

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use koteshen::app::with_middleware;
use koteshen::http::Json;
use reqwest::Method;
use serde::Deserialize;

use crate::harness::{assert_error, json, test_config};

#[derive(Deserialize)]
struct Echo {
    name: String,
    count: i64,
}

async fn serve_test_routes() -> String {
    let mut config = test_config("postgres://unused/unused");
    config.request_timeout = Duration::from_millis(300);
    let routes = Router::new()
        .route(
            "/panic",
            get(|| async {
                let empty: Vec<u8> = Vec::new();
                // An index out of bounds: a real bug's panic, not an explicit one.
                let byte = empty[std::hint::black_box(3)];
                format!("unreachable {byte}")
            }),
        )
        .route(
            "/echo",
            post(|Json(echo): Json<Echo>| async move {
                axum::Json(serde_json::json!({ "name": echo.name, "count": echo.count }))
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        );
    let app = with_middleware(routes, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

fn client() -> reqwest::Client {
    koteshen::tls::install_crypto_provider();
    reqwest::Client::new()
}

#[tokio::test]
async fn a_panic_answers_a_bare_500_json_that_leaks_nothing() {
    let base = serve_test_routes().await;
    let response = client().get(format!("{base}/panic")).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    let body = assert_error(response, 500).await;
    assert_eq!(body["message"], "Internal Server Error");
    assert!(!body.to_string().contains("index out of bounds"));
}

#[tokio::test]
async fn malformed_json_answers_400() {
    let base = serve_test_routes().await;
    let response = client()
        .post(format!("{base}/echo"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 400).await;
    assert_eq!(body["error"], "Bad Request");
}

#[tokio::test]
async fn a_wrong_content_type_answers_415() {
    let base = serve_test_routes().await;
    let response = client()
        .post(format!("{base}/echo"))
        .header("content-type", "text/plain")
        .body(r#"{"name":"a","count":1}"#)
        .send()
        .await
        .unwrap();
    assert_error(response, 415).await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_answers_422_naming_the_field() {
    let base = serve_test_routes().await;
    let response = client()
        .request(Method::POST, format!("{base}/echo"))
        .header("content-type", "application/json")
        .body(r#"{"name":"a","count":"many"}"#)
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["count"].is_array(), "{body}");
}

#[tokio::test]
async fn a_valid_json_body_reaches_the_handler() {
    let base = serve_test_routes().await;
    let response = client()
        .post(format!("{base}/echo"))
        .json(&serde_json::json!({"name": "a", "count": 2, "ignored": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["count"], 2);
}

#[tokio::test]
async fn a_request_past_the_timeout_answers_503_json() {
    let base = serve_test_routes().await;
    let response = client().get(format!("{base}/slow")).send().await.unwrap();
    let body = assert_error(response, 503).await;
    assert_eq!(body["message"], "The request took too long to process");
}

#[tokio::test]
async fn a_413_from_the_body_limit_is_json_on_a_json_route() {
    let base = serve_test_routes().await;
    let big = format!(r#"{{"name":"{}","count":1}}"#, "x".repeat(1024 * 1024));
    let response = client()
        .post(format!("{base}/echo"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_error(response, 413).await;
}
