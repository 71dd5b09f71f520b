//! `/api/v1/payment_terms`: the five endpoints, the defaults of a new business, tenancy.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/payment_terms")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn names_and_days(body: &Value) -> Vec<(String, i64)> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(n, d)| (n.to_string(), *d)).collect()
}

#[tokio::test]
async fn a_new_business_starts_with_the_four_default_terms() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let (status, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    assert_eq!(status, 200);
    assert_eq!(
        names_and_days(&list),
        pairs(&[
            ("Due on Receipt", 0),
            ("Net 7", 7),
            ("Net 15", 15),
            ("Net 30", 30)
        ])
    );
    let first = &list["data"][0];
    let id = first["id"].as_i64().unwrap();
    assert_eq!(
        first,
        &json!({
            "id": id,
            "name": "Due on Receipt",
            "value": 0,
            "business_id": tenant.business_id,
            "discarded_at": null,
            "created_at": "2025-10-21T03:39:57.825Z",
            "updated_at": "2025-10-21T03:39:57.825Z",
            "url": format!("http://localhost:3000/api/v1/payment_terms/{id}.json"),
        })
    );
    // Each business has its own copies.
    let other = app.tenant("Other").await;
    let (_, theirs) = send(app.authed(&other, Method::GET, "/api/v1/payment_terms")).await;
    assert_eq!(theirs["meta"]["pagination"]["total_count"], 4);
    assert!(
        theirs["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["business_id"] == other.business_id)
    );
}

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

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!(-1), "must be between 0 and 3650"),
        (json!(3651), "must be between 0 and 3650"),
        (json!("99999999999"), "must be between 0 and 3650"),
        (json!("x"), "must be a whole number"),
        (json!(7.5), "must be a whole number"),
        (json!([7]), "must be a whole number"),
    ];
    for (value, message) in cases {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/payment_terms")
            .json(&json!({"payment_term": {"name": "Net", "value": value}}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert_eq!(body["errors"], json!({"value": [message]}), "{value}");
    }
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/payment_terms")
        .json(&json!({"payment_term": {"name": ["x"], "value": "x"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["must be a string"], "value": ["must be a whole number"]})
    );
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/payment_terms")
        .json(&json!({"payment_term": {}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "value": ["can't be blank"]})
    );

    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    let id = list["data"][0]["id"].as_i64().unwrap();
    let response = app
        .authed(
            &tenant,
            Method::PATCH,
            &format!("/api/v1/payment_terms/{id}"),
        )
        .json(&json!({"name": "", "value": null}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "value": ["can't be blank"]})
    );
    assert_eq!(list["meta"]["pagination"]["total_count"], 4);

    let response = app
        .authed(
            &tenant,
            Method::GET,
            "/api/v1/payment_terms?sort=days&per_page=0",
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["sort"].is_array() && body["errors"]["per_page"].is_array());
}

#[tokio::test]
async fn lists_sort_by_name_value_and_creation() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    create(&app, &tenant, json!({"name": "Net 10", "value": 10})).await;
    let cases = [
        (
            "sort=value",
            vec![
                ("Due on Receipt", 0),
                ("Net 7", 7),
                ("Net 10", 10),
                ("Net 15", 15),
                ("Net 30", 30),
            ],
        ),
        (
            "sort=-created_at&per_page=2",
            vec![("Net 10", 10), ("Net 30", 30)],
        ),
        ("sort=name&q=net 1", vec![("Net 10", 10), ("Net 15", 15)]),
    ];
    for (query, expected) in cases {
        let (status, body) = send(app.authed(
            &tenant,
            Method::GET,
            &format!("/api/v1/payment_terms?{query}"),
        ))
        .await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(names_and_days(&body), pairs(&expected), "{query}");
    }
}

#[tokio::test]
async fn another_business_terms_are_invisible_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let their_term = create(&app, &theirs, json!({"name": "Net 90", "value": 90})).await;
    let id = their_term["id"].as_i64().unwrap();

    let path = format!("/api/v1/payment_terms/{id}");
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"name": "Stolen"}))),
        (Method::DELETE, None),
    ] {
        let mut request = app.authed(&mine, method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_error(response, 404).await;
    }
    let response = app
        .authed(&mine, Method::GET, &format!("{path}?include_deleted=true"))
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
    for query in ["", "?include_deleted=true", "?q=90"] {
        let (_, list) =
            send(app.authed(&mine, Method::GET, &format!("/api/v1/payment_terms{query}"))).await;
        assert!(
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["business_id"] == mine.business_id),
            "{query}: {list}"
        );
    }
    assert!(
        koteshen::billing::payment_terms::find_live(&app.pool, mine.business_id, id)
            .await
            .unwrap()
            .is_none()
    );
    let (_, shown) = send(app.authed(&theirs, Method::GET, &path)).await;
    assert_eq!(shown["data"]["name"], "Net 90");
}

#[tokio::test]
async fn a_list_page_and_a_show_cost_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for i in 0..10 {
        create(
            &app,
            &tenant,
            json!({"name": format!("Net {i}"), "value": i}),
        )
        .await;
    }
    let (small, small_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/payment_terms?per_page=2"))
        .await;
    let (large, large_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/payment_terms?per_page=14"))
        .await;
    assert_eq!(
        (small.status().as_u16(), large.status().as_u16()),
        (200, 200)
    );
    // The count and the page (the token is cached).
    assert_eq!((small_count, large_count), (2, 2));
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    let (show, show_count) = app
        .counting_queries(app.authed(
            &tenant,
            Method::GET,
            &format!("/api/v1/payment_terms/{}", list["data"][0]["id"]),
        ))
        .await;
    assert_eq!(show.status(), 200);
    // One query: the token is cached.
    assert_eq!(show_count, 1);
}
