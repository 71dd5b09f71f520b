//! `/api/v1/payment_terms` and `/api/v1/payment_terms/{id}`: one term through all five.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, json, send};

#[tokio::test]
async fn a_payment_term_round_trips_through_create_show_list_update_and_delete() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/payment_terms")
        .json(&json!({"payment_term": {"name": "Net 45", "value": "45"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = json(response).await["data"].clone();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/payment_terms/{id}.json")
    );
    assert_eq!(created["url"], location.as_str());
    assert_eq!(created["name"], "Net 45");
    assert_eq!(created["value"], 45);

    let path = format!("/api/v1/payment_terms/{id}");
    for p in [path.clone(), format!("{path}.json")] {
        let (status, shown) = send(app.authed(&tenant, Method::GET, &p)).await;
        assert_eq!(status, 200);
        assert_eq!(shown["data"], created);
    }
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms?q=45")).await;
    assert_eq!(list["data"], json!([created]));

    app.clock.advance(Duration::minutes(5));
    let (status, updated) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"value": 60})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["data"]["name"], "Net 45");
    assert_eq!(updated["data"]["value"], 60);
    assert_eq!(updated["data"]["updated_at"], "2025-10-21T03:44:57.825Z");
    let (_, renamed) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"payment_term": {"name": "Net 60"}})),
    )
    .await;
    assert_eq!(renamed["data"]["name"], "Net 60");
    assert_eq!(renamed["data"]["value"], 60);

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
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 4);
    let (_, list) = send(app.authed(
        &tenant,
        Method::GET,
        "/api/v1/payment_terms?include_deleted=true&sort=-value",
    ))
    .await;
    assert_eq!(list["data"][0]["id"], id);
    assert_eq!(list["meta"]["pagination"]["total_count"], 5);
    let response = app
        .authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;

    // The domain lookup the invoices use sees live terms only.
    use koteshen::billing::payment_terms;
    assert!(
        payment_terms::find_live(&app.pool, tenant.business_id, id)
            .await
            .unwrap()
            .is_none()
    );
    let net_30 = list["data"][1]["id"].as_i64().unwrap();
    let term = payment_terms::find_live(&app.pool, tenant.business_id, net_30)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((term.name.as_str(), term.value), ("Net 30", 30));
}
