//! `GET /api/v1/quotes`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, documented_quote, patch, post, send, setup};

#[tokio::test]
async fn the_list_filters_by_status_text_and_expiry_within_the_business() {
    let app = TestApp::spawn().await;
    let mine = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    let a = post(
        &app,
        &mine.tenant,
        "/api/v1/quotes",
        documented_quote(mine.customer_id),
    )
    .await;
    let mut body = documented_quote(mine.customer_id);
    body["quote"]["summary"] = json!("Roof repair");
    body["quote"]["expires_at"] = json!("2025-12-31");
    let b = post(&app, &mine.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &mine.tenant,
        &format!("/api/v1/quotes/{}/status", b["id"]),
        json!({"status": "sent"}),
    )
    .await;
    // Theirs has a QOT-0001 too: no filter finds it.
    post(
        &app,
        &theirs.tenant,
        "/api/v1/quotes",
        documented_quote(theirs.customer_id),
    )
    .await;

    for (query, expected) in [
        ("status=sent", vec![&b]),
        ("q=roof", vec![&b]),
        ("q=QOT-0001", vec![&a]),
        ("expires_from=2025-12-01", vec![&b]),
        ("expires_to=2025-10-28", vec![&a]),
        ("sort=-expires_at", vec![&b, &a]),
    ] {
        let (status, list) = send(app.authed(
            &mine.tenant,
            Method::GET,
            &format!("/api/v1/quotes?{query}"),
        ))
        .await;
        assert_eq!(status, 200);
        let ids: Vec<&Value> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| &q["id"])
            .collect();
        let expected: Vec<&Value> = expected.iter().map(|q| &q["id"]).collect();
        assert_eq!(ids, expected, "{query}");
    }
    let response = app
        .authed(
            &mine.tenant,
            Method::DELETE,
            &format!("/api/v1/quotes/{}", a["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, list) = send(app.authed(&mine.tenant, Method::GET, "/api/v1/quotes")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);
}
