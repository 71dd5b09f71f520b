//! `PATCH /api/v1/invoices/{id}/status`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, documented_invoice, patch, post, send, setup};

#[tokio::test]
async fn status_moves_along_the_lifecycle_and_names_the_allowed_moves() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}/status", inv["id"]);

    let (status, body) = patch(&app, &s.tenant, &path, json!({"status": "viewed"})).await;
    assert_eq!(status, 422);
    let message = body["errors"]["status"][0].as_str().unwrap();
    assert!(message.contains("sent, void"), "{message}");

    for next in ["sent", "viewed"] {
        let (status, body) = patch(&app, &s.tenant, &path, json!({"status": next})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], next);
    }
    let (_, body) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{}", inv["id"]),
    ))
    .await;
    assert_eq!(body["data"]["viewed_at"], "2025-10-21T03:39:57.825Z");

    for bad in [
        json!({"status": "paid"}),
        json!({"status": "bogus"}),
        json!({}),
    ] {
        let (status, _) = patch(&app, &s.tenant, &path, bad.clone()).await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice": {"status": "void"}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "void");
    let (status, _) = patch(&app, &s.tenant, &path, json!({"status": "sent"})).await;
    assert_eq!(status, 422, "void is terminal");
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}", inv["id"]),
        json!({"items_attributes": [{"name": "More", "quantity": 1, "unit_price": 1}]}),
    )
    .await;
    assert_eq!(status, 422, "a void invoice's items cannot change");
}
