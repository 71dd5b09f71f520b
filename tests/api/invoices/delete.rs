//! `DELETE /api/v1/invoices/{id}`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, documented_invoice, post, send, setup};

#[tokio::test]
async fn delete_is_soft_and_include_deleted_shows_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    let response = app
        .authed(&s.tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_error(
        app.authed(&s.tenant, Method::GET, &path)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let (status, body) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("{path}?include_deleted=true"),
    ))
    .await;
    assert_eq!(status, 200);
    assert!(body["data"]["discarded_at"].is_string());
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(list["data"], json!([]));
}
