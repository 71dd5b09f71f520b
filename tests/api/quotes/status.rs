//! `PATCH /api/v1/quotes/{id}/status`.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, documented_quote, patch, post, send, setup};

#[tokio::test]
async fn status_moves_along_the_lifecycle_stamping_dates_and_naming_allowed_moves() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut body = documented_quote(s.customer_id);
    body["quote"]["issued_at"] = json!("2025-10-21T00:00:00Z");
    body["quote"]["expires_at"] = json!("2025-11-05T00:00:00Z");
    let q = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let path = format!("/api/v1/quotes/{}/status", q["id"]);
    let (status, err) = patch(&app, &s.tenant, &path, json!({"status": "accepted"})).await;
    assert_eq!(status, 422);
    assert!(
        err["errors"]["status"][0]
            .as_str()
            .unwrap()
            .contains("allowed: sent"),
        "{err}"
    );
    for next in ["sent", "viewed", "rejected"] {
        let (status, body) = patch(&app, &s.tenant, &path, json!({"status": next})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", q["id"]),
    ))
    .await;
    let shown = &shown["data"];
    assert_eq!(shown["status"], "rejected");
    assert_eq!(shown["viewed_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(shown["viewd_at"], shown["viewed_at"]);
    assert_eq!(shown["rejected_at"], "2025-10-21T03:39:57.825Z");
    assert!(
        shown["emailed_at"].is_null(),
        "only sending stamps emailed_at"
    );
    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{}/convert", q["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;

    // A sent quote past its date expires; a draft does not.
    let sent = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let draft = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "sent"}),
    )
    .await;
    app.clock.advance(Duration::days(30));
    app.reissue(&mut s.tenant).await;
    let (status, err) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "expired");
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", draft["id"]),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(status, 200, "drafts never expire");
}
