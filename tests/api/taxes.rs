//! `/api/v1/taxes`: the five endpoints, rates as exact decimals, tenancy.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/taxes")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

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

#[tokio::test]
async fn rates_are_read_from_numbers_and_strings_and_rendered_as_strings() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!("15"), "15.0"),
        (json!(15.5), "15.5"),
        (json!("7.25"), "7.25"),
        (json!(0), "0.0"),
        (json!("100"), "100.0"),
        (json!(" 7.3750 "), "7.375"),
        (json!("0.0001"), "0.0001"),
    ];
    for (rate, expected) in cases {
        // A bare body, unlike the round trip above.
        let tax = create(&app, &tenant, json!({"name": "T", "rate": rate})).await;
        assert_eq!(tax["rate"], expected, "{rate}");
        assert_eq!(tax["is_default"], false);
    }
}

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let cases = [
        (json!(101), "must be less than or equal to 100"),
        (json!("-1"), "must be greater than or equal to 0"),
        (json!("abc"), "is not a number"),
        (json!("1.23456"), "must have at most 4 decimal places"),
        (json!(true), "is not a number"),
        (json!("1e400"), "is too large"),
    ];
    for (rate, message) in cases {
        let response = app
            .authed(&tenant, Method::POST, "/api/v1/taxes")
            .json(&json!({"tax": {"name": "VAT", "rate": rate}}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert_eq!(body["errors"], json!({"rate": [message]}), "{rate}");
    }

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/taxes")
        .json(&json!({"tax": {"name": "  ", "rate": 101, "is_default": "maybe"}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({
            "name": ["can't be blank"],
            "rate": ["must be less than or equal to 100"],
            "is_default": ["must be true or false"],
        })
    );
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/taxes")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"name": ["can't be blank"], "rate": ["can't be blank"]})
    );

    // An update may leave fields out but not clear them.
    let tax = create(&app, &tenant, json!({"name": "VAT", "rate": 15})).await;
    let path = format!("/api/v1/taxes/{}", tax["id"]);
    let response = app
        .authed(&tenant, Method::PATCH, &path)
        .json(&json!({"name": null, "rate": null, "is_default": null}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in ["name", "rate", "is_default"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (_, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
    assert_eq!(shown["data"]["rate"], "15.0");

    // Nothing was written by the failed attempts.
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/taxes")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);
}

#[tokio::test]
async fn filters_and_sorts_narrow_and_order_the_list() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let vat = create(
        &app,
        &tenant,
        json!({"name": "VAT", "rate": 15, "is_default": true}),
    )
    .await;
    let city = create(&app, &tenant, json!({"name": "City tax", "rate": "2.5"})).await;
    let levy = create(
        &app,
        &tenant,
        json!({"name": "Levy 50%", "rate": 50, "is_default": true}),
    )
    .await;
    let id = |t: &Value| t["id"].as_i64().unwrap();
    let cases = [
        ("", vec![id(&vat), id(&city), id(&levy)]),
        ("q=vat", vec![id(&vat)]),
        ("q=TAX", vec![id(&city)]),
        ("q=50%25", vec![id(&levy)]),
        ("q=nothing", vec![]),
        ("is_default=true", vec![id(&vat), id(&levy)]),
        ("is_default=false", vec![id(&city)]),
        ("sort=name", vec![id(&city), id(&levy), id(&vat)]),
        ("sort=rate", vec![id(&city), id(&vat), id(&levy)]),
        ("sort=-rate", vec![id(&levy), id(&vat), id(&city)]),
        ("sort=-created_at", vec![id(&levy), id(&city), id(&vat)]),
        ("per_page=2&page=2", vec![id(&levy)]),
    ];
    for (query, expected) in cases {
        let (status, body) =
            send(app.authed(&tenant, Method::GET, &format!("/api/v1/taxes?{query}"))).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(ids(&body), expected, "{query}");
    }

    let response = app
        .authed(
            &tenant,
            Method::GET,
            "/api/v1/taxes?page=0&per_page=abc&sort=secret&is_default=maybe&include_deleted=x",
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in ["page", "per_page", "sort", "is_default", "include_deleted"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
}

#[tokio::test]
async fn the_domain_finds_live_taxes_and_defaults_of_one_business_only() {
    use koteshen::billing::taxes;
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let vat = create(
        &app,
        &mine,
        json!({"name": "VAT", "rate": 15, "is_default": true}),
    )
    .await;
    let city = create(&app, &mine, json!({"name": "City", "rate": 2})).await;
    let gone = create(
        &app,
        &mine,
        json!({"name": "Old", "rate": 1, "is_default": true}),
    )
    .await;
    let foreign = create(
        &app,
        &theirs,
        json!({"name": "T", "rate": 3, "is_default": true}),
    )
    .await;
    let (status, _) = send(app.authed(
        &mine,
        Method::DELETE,
        &format!("/api/v1/taxes/{}", gone["id"]),
    ))
    .await;
    assert_eq!(status, 204);
    let id = |t: &Value| t["id"].as_i64().unwrap();

    let found = taxes::find_live(
        &app.pool,
        mine.business_id,
        &[id(&city), id(&gone), id(&foreign), id(&vat), 999_999],
    )
    .await
    .unwrap();
    let found: Vec<i64> = found.iter().map(|t| t.id).collect();
    assert_eq!(found, vec![id(&vat), id(&city)]);
    assert!(
        taxes::find_live(&app.pool, mine.business_id, &[])
            .await
            .unwrap()
            .is_empty()
    );

    let defaults = taxes::defaults(&app.pool, mine.business_id).await.unwrap();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].id, id(&vat));
    assert_eq!(defaults[0].rate, rust_decimal::Decimal::from(15));
}

#[tokio::test]
async fn another_business_taxes_are_invisible_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let their_tax = create(&app, &theirs, json!({"name": "VAT", "rate": 15})).await;
    create(&app, &mine, json!({"name": "Only mine", "rate": 1})).await;

    let path = format!("/api/v1/taxes/{}", their_tax["id"]);
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
    for query in ["", "?include_deleted=true", "?q=vat", "?is_default=false"] {
        let (_, list) =
            send(app.authed(&mine, Method::GET, &format!("/api/v1/taxes{query}"))).await;
        let data = list["data"].as_array().unwrap();
        assert!(
            data.iter().all(|t| t["business_id"] == mine.business_id),
            "{query}: {list}"
        );
    }
    let (_, shown) = send(app.authed(&theirs, Method::GET, &path)).await;
    assert_eq!(shown["data"]["name"], "VAT");
    assert!(shown["data"]["discarded_at"].is_null());
}

#[tokio::test]
async fn a_list_page_and_a_show_cost_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut last = Value::Null;
    for i in 0..12 {
        last = create(&app, &tenant, json!({"name": format!("T{i}"), "rate": i})).await;
    }
    let (small, small_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/taxes?per_page=2"))
        .await;
    let (large, large_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/taxes?per_page=12"))
        .await;
    assert_eq!(
        (small.status().as_u16(), large.status().as_u16()),
        (200, 200)
    );
    // The count and the page (the token is cached).
    assert_eq!(small_count, 2);
    assert_eq!(large_count, 2);
    let (show, show_count) = app
        .counting_queries(app.authed(
            &tenant,
            Method::GET,
            &format!("/api/v1/taxes/{}", last["id"]),
        ))
        .await;
    assert_eq!(show.status(), 200);
    // One query: the token is cached.
    assert_eq!(show_count, 1);
}
