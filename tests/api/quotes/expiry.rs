//! The sweep that expires sent quotes past their date.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, documented_quote, patch, post, send, setup};

#[tokio::test]
async fn the_sweep_expires_sent_quotes_past_their_date_but_not_drafts() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut body = documented_quote(s.customer_id);
    body["quote"]["issued_at"] = json!("2025-10-21T00:00:00Z");
    body["quote"]["expires_at"] = json!("2025-10-22T00:00:00Z");
    let sent = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let draft = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "sent"}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "sent", "not yet");
    app.clock.advance(Duration::days(2));
    app.reissue(&mut s.tenant).await;
    app.runner().run_due().await.unwrap();
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "expired");
    assert_eq!(shown["data"]["expired_at"], "2025-10-23T03:39:57.825Z");
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", draft["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "draft");
}
