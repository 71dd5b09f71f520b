//! `/api/v1/taxes` and `/api/v1/taxes/{id}`: one tax through all five.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use super::ids;
use crate::harness::{TestApp, assert_error, json, send};

#[tokio::test]
async fn a_tax_round_trips_through_create_show_list_update_and_delete() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/taxes")
        .json(&json!({"tax": {"name": "VAT", "rate": "15.0", "is_default": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = json(response).await["data"].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/taxes/{id}.json")
    );
    assert_eq!(
        created,
        json!({
            "id": id,
            "name": "VAT",
            "rate": "15.0",
            "is_default": true,
            "inclusive": false,
            "category": "S",
            "exemption_reason": null,
            "exemption_reason_code": null,
            "business_id": tenant.business_id,
            "discarded_at": null,
            "created_at": "2025-10-21T03:39:57.825Z",
            "updated_at": "2025-10-21T03:39:57.825Z",
            "url": location,
        })
    );

    for path in [
        format!("/api/v1/taxes/{id}"),
        format!("/api/v1/taxes/{id}.json"),
    ] {
        let (status, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
        assert_eq!(status, 200);
        assert_eq!(shown["data"], created);
    }
    let (status, list) = send(app.authed(&tenant, Method::GET, "/api/v1/taxes")).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"], json!([created]));
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);

    // Only the fields sent change.
    app.clock.advance(Duration::minutes(5));
    let path = format!("/api/v1/taxes/{id}");
    let (status, updated) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"tax": {"rate": 7.25, "is_default": "false"}})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    let updated = &updated["data"];
    assert_eq!(updated["name"], "VAT");
    assert_eq!(updated["rate"], "7.25");
    assert_eq!(updated["is_default"], false);
    assert_eq!(updated["created_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(updated["updated_at"], "2025-10-21T03:44:57.825Z");

    // Soft delete: hidden unless asked for.
    let (status, _) = send(app.authed(&tenant, Method::DELETE, &path)).await;
    assert_eq!(status, 204);
    let response = app
        .authed(&tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
    let (status, shown) = send(app.authed(
        &tenant,
        Method::GET,
        &format!("{path}?include_deleted=true"),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(shown["data"]["discarded_at"], "2025-10-21T03:44:57.825Z");
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/taxes")).await;
    assert_eq!(list["data"], json!([]));
    let (_, list) =
        send(app.authed(&tenant, Method::GET, "/api/v1/taxes?include_deleted=true")).await;
    assert_eq!(ids(&list), vec![id]);
    // A discarded tax can be neither changed nor deleted again.
    let response = app
        .authed(&tenant, Method::PATCH, &path)
        .json(&json!({"name": "Gone"}))
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
    let response = app
        .authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}
