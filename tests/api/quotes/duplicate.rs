//! `PATCH /api/v1/quotes/{id}/duplicate`.

use reqwest::Method;

use crate::harness::{TestApp, documented_quote, json, post, setup};

#[tokio::test]
async fn duplicate_makes_a_draft_with_a_new_number_keeping_the_validity_period() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let response = app
        .authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/quotes/{}/duplicate", q["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let copy = json(response).await["data"].clone();
    assert_eq!(copy["number"], "QOT-0002");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["issued_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(copy["expires_at"], "2025-11-06T03:39:57.825Z");
    assert_eq!(copy["total"], q["total"]);
}
