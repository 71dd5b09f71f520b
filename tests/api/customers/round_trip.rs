//! `/api/v1/customers` and `/api/v1/customers/{id}`: one customer through all five.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, documented_customer, json, send};

#[tokio::test]
async fn the_documents_example_customer_round_trips_through_create_show_list_update_and_delete() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&documented_customer())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = json(response).await["data"].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/customers/{id}.json")
    );
    assert_eq!(created["url"], location.as_str());
    assert_eq!(created["name"], "Texas Ins");
    assert_eq!(created["company"], "Texas Ins");
    assert_eq!(created["customer_type"], "business");
    assert_eq!(created["email"], "procurement@texas.com");
    assert_eq!(created["phone"], "+27675711214");
    assert_eq!(created["phone_country"], "za");
    assert_eq!(created["currency"], "ZAR");
    assert_eq!(created["website"], "https://texas.com");
    assert_eq!(created["notes"], "notesy");
    assert_eq!(created["business_id"], tenant.business_id);
    assert_eq!(created["created_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(created["updated_at"], "2025-10-21T03:39:57.825Z");
    assert!(created["discarded_at"].is_null());
    let address = &created["address"];
    assert!(address["id"].as_i64().is_some());
    assert_eq!(address["line"], "1 Mahem Pl");
    assert_eq!(address["line2"], "Unit 23");
    assert_eq!(address["post_code"], "5256");
    assert_eq!(address["city"], "East London");
    assert_eq!(address["country"], "South Africa");
    assert_eq!(address["created_at"], "2025-10-21T03:39:57.825Z");

    // Show, with and without the documents' .json suffix.
    for path in [
        format!("/api/v1/customers/{id}"),
        format!("/api/v1/customers/{id}.json"),
    ] {
        let (status, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
        assert_eq!(status, 200);
        assert_eq!(shown["data"], created);
    }

    // List.
    let (status, list) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(status, 200);
    assert_eq!(list["data"], json!([created]));
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);

    // Update: only the fields sent; null clears.
    app.clock.advance(Duration::minutes(5));
    let (status, updated) = send(
        app.authed(&tenant, Method::PATCH, &format!("/api/v1/customers/{id}"))
            .json(&json!({"customer": {"notes": null, "phone": "+27000000000",
                                       "address": {"line2": null}}})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    let updated = &updated["data"];
    assert!(updated["notes"].is_null());
    assert_eq!(updated["phone"], "+27000000000");
    assert_eq!(updated["name"], "Texas Ins");
    assert_eq!(updated["address"]["id"], address["id"]);
    assert!(updated["address"]["line2"].is_null());
    assert_eq!(updated["address"]["city"], "East London");
    assert_eq!(updated["updated_at"], "2025-10-21T03:44:57.825Z");
    assert_eq!(updated["created_at"], "2025-10-21T03:39:57.825Z");

    // Delete: soft, hidden unless asked for.
    let response = app
        .authed(&tenant, Method::DELETE, &format!("/api/v1/customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(response.text().await.unwrap().is_empty());
    let response = app
        .authed(&tenant, Method::GET, &format!("/api/v1/customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
    let (status, shown) = send(app.authed(
        &tenant,
        Method::GET,
        &format!("/api/v1/customers/{id}?include_deleted=true"),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(shown["data"]["discarded_at"], "2025-10-21T03:44:57.825Z");
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(list["data"], json!([]));
    let (_, list) = send(app.authed(
        &tenant,
        Method::GET,
        "/api/v1/customers?include_deleted=true",
    ))
    .await;
    assert_eq!(list["data"][0]["id"], id);
    // Deleting again: there is nothing live to delete.
    let response = app
        .authed(&tenant, Method::DELETE, &format!("/api/v1/customers/{id}"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}
