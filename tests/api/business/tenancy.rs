//! A business sees and changes only its own profile and logo.

use reqwest::Method;
use serde_json::json;

use super::{change, profile};
use crate::harness::{TestApp, json, send};

#[tokio::test]
async fn a_business_sees_and_changes_only_its_own_profile() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let their_before = profile(&app, &theirs).await;

    let (status, _) = change(
        &app,
        &mine,
        json!({"name": "Mine Renamed", "tax_id": "DE123456789"}),
    )
    .await;
    assert_eq!(status, 200);
    let response = app
        .authed(&mine, Method::PUT, "/api/v1/business/logo")
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\nxxxx".to_vec())
        .send()
        .await
        .unwrap();
    let my_logo = json(response).await["data"]["logo"].clone();
    assert!(my_logo.is_string());

    // Theirs is untouched; their DELETE leaves my logo alone.
    assert_eq!(profile(&app, &theirs).await, their_before);
    let (status, _) = send(app.authed(&theirs, Method::DELETE, "/api/v1/business/logo")).await;
    assert_eq!(status, 204);
    let mine_now = profile(&app, &mine).await;
    assert_eq!(mine_now["name"], "Mine Renamed");
    assert_eq!(mine_now["logo"], my_logo);
    assert_eq!(mine_now["id"], mine.business_id);
    // The body names no business: an `id` sent is not a way to reach another.
    let (status, body) = change(
        &app,
        &mine,
        json!({"id": theirs.business_id, "footer": "f"}),
    )
    .await;
    assert_eq!(
        (status, body["data"]["id"].clone()),
        (200, json!(mine.business_id))
    );
    assert_eq!(profile(&app, &theirs).await, their_before);
}

#[tokio::test]
async fn a_read_only_token_reads_the_profile_but_cannot_change_it_or_its_logo() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant_with_scopes("Flixtechs", "read").await;
    assert_eq!(profile(&app, &tenant).await["name"], "Flixtechs");
    let (status, _) = change(&app, &tenant, json!({"name": "Renamed"})).await;
    assert_eq!(status, 403);
    for method in [Method::PUT, Method::DELETE] {
        let response = app
            .authed(&tenant, method, "/api/v1/business/logo")
            .header("content-type", "image/png")
            .body(b"\x89PNG\r\n\x1a\nxxxx".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    assert_eq!(profile(&app, &tenant).await["name"], "Flixtechs");
}
