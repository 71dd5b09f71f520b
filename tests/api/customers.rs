//! `/api/v1/customers`, and through it the conventions every resource shares.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};

fn texas() -> Value {
    json!({
        "customer": {
            "name": "Texas Ins",
            "company": "Texas Ins",
            "customer_type": "business",
            "email": "procurement@texas.com",
            "phone": "+27675711214",
            "phone_country": "za",
            "currency": "zar",
            "website": "https://texas.com",
            "notes": "notesy",
            "address": {
                "line": "1 Mahem Pl",
                "line2": "Unit 23",
                "post_code": "5256",
                "city": "East London",
                "country": "South Africa"
            }
        }
    })
}

async fn create(app: &TestApp, tenant: &Tenant, body: Value) -> Value {
    let (status, body) = send(
        app.authed(tenant, Method::POST, "/api/v1/customers")
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

async fn create_named(app: &TestApp, tenant: &Tenant, name: &str) -> Value {
    create(app, tenant, json!({ "name": name })).await
}

#[tokio::test]
async fn the_documents_example_customer_round_trips() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&texas())
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

#[tokio::test]
async fn a_bare_body_is_accepted_like_the_wrapped_one() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let bare = texas()["customer"].clone();
    let created = create(&app, &tenant, bare).await;
    assert_eq!(created["name"], "Texas Ins");
    assert_eq!(created["address"]["city"], "East London");
}

#[tokio::test]
async fn a_list_of_45_paginates_with_meta_and_link_headers() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for i in 0..45 {
        create_named(&app, &tenant, &format!("Customer {i:02}")).await;
    }
    let response = app
        .authed(
            &tenant,
            Method::GET,
            "/api/v1/customers?page=2&per_page=20&sort=name",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let link = response.headers()["link"].to_str().unwrap().to_string();
    let body = json(response).await;
    assert_eq!(
        body["meta"]["pagination"],
        json!({"current_page": 2, "per_page": 20, "total_count": 45, "total_pages": 3,
               "next_page": 3, "prev_page": 1})
    );
    let names: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 20);
    assert_eq!(names[0], "Customer 20");
    assert_eq!(names[19], "Customer 39");
    let base = "http://localhost:3000/api/v1/customers?sort=name";
    assert_eq!(
        link,
        format!(
            "<{base}&page=1&per_page=20>; rel=\"first\", <{base}&page=1&per_page=20>; rel=\"prev\", \
             <{base}&page=3&per_page=20>; rel=\"next\", <{base}&page=3&per_page=20>; rel=\"last\""
        )
    );

    let (_, last) = send(app.authed(&tenant, Method::GET, "/api/v1/customers?page=3")).await;
    assert_eq!(last["data"].as_array().unwrap().len(), 5);
    assert!(last["meta"]["pagination"]["next_page"].is_null());

    let (status, past) = send(app.authed(&tenant, Method::GET, "/api/v1/customers?page=4")).await;
    assert_eq!(status, 200);
    assert_eq!(past["data"], json!([]));
    assert_eq!(past["meta"]["pagination"]["total_count"], 45);
}

#[tokio::test]
async fn ordering_is_stable_and_sortable_descending() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    // Same name and same timestamp: ties are broken by id.
    let a = create_named(&app, &tenant, "Same").await;
    let b = create_named(&app, &tenant, "Same").await;
    let (_, asc) = send(app.authed(&tenant, Method::GET, "/api/v1/customers?sort=name")).await;
    assert_eq!(asc["data"][0]["id"], a["id"]);
    assert_eq!(asc["data"][1]["id"], b["id"]);
    let (_, desc) =
        send(app.authed(&tenant, Method::GET, "/api/v1/customers?sort=-created_at")).await;
    assert_eq!(desc["data"][0]["id"], b["id"]);
}

#[tokio::test]
async fn malformed_list_parameters_answer_422_naming_each() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(
            &tenant,
            Method::GET,
            "/api/v1/customers?page=0&per_page=1000&sort=password&customer_type=robot\
             &currency=XYZ&created_after=yesterday&include_deleted=maybe",
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in [
        "page",
        "per_page",
        "sort",
        "customer_type",
        "currency",
        "created_after",
        "include_deleted",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let response = app
        .authed(&tenant, Method::GET, "/api/v1/customers?per_page=abc")
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let texas = create(&app, &tenant, texas()).await;
    app.clock.advance(Duration::days(2));
    app.reissue(&mut tenant).await;
    let jo = create(
        &app,
        &tenant,
        json!({"name": "Jo Bloggs", "customer_type": "individual", "currency": "usd",
               "email": "jo@example.org"}),
    )
    .await;
    let ids = |body: &Value| -> Vec<i64> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let cases = [
        ("q=texas", vec![&texas]),
        ("q=TEX", vec![&texas]),
        ("q=example.org", vec![&jo]),
        ("q=nobody", vec![]),
        ("q=100%25", vec![]),
        ("customer_type=individual", vec![&jo]),
        ("currency=ZAR", vec![&texas]),
        ("currency=usd", vec![&jo]),
        ("created_after=2025-10-22", vec![&jo]),
        ("created_before=2025-10-21", vec![&texas]),
        (
            "created_after=2025-10-21&created_before=2025-10-21",
            vec![&texas],
        ),
        ("created_before=2025-10-21T03:39:57.825Z", vec![&texas]),
        ("created_after=2025-10-21T03:39:57.826Z", vec![&jo]),
    ];
    for (query, expected) in cases {
        let (status, body) =
            send(app.authed(&tenant, Method::GET, &format!("/api/v1/customers?{query}"))).await;
        assert_eq!(status, 200, "{query}: {body}");
        let expected: Vec<i64> = expected.iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids(&body), expected, "{query}");
    }
}

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"customer": {
            "email": "not-an-email",
            "currency": "ABC",
            "customer_type": "robot",
            "website": ["x"],
            "address": "1 Main St",
            "notes": "x".repeat(10_001),
        }}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["error"], "Unprocessable Entity");
    for field in [
        "name",
        "email",
        "currency",
        "customer_type",
        "website",
        "address",
        "notes",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    assert_eq!(body["errors"]["name"], json!(["can't be blank"]));

    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "A", "address": {"city": 5, "country": {"x": 1}}}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["address.country"].is_array(), "{body}");

    // Nothing was written by the failed attempts.
    let (_, list) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 0);
}

#[tokio::test]
async fn an_update_cannot_blank_the_name_and_validates_like_create() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let c = create_named(&app, &tenant, "Keep").await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let response = app
        .authed(&tenant, Method::PATCH, &path)
        .json(&json!({"name": null, "email": "nope"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["name"].is_array() && body["errors"]["email"].is_array());
    let (_, shown) = send(app.authed(&tenant, Method::GET, &path)).await;
    assert_eq!(shown["data"]["name"], "Keep");

    // Adding then removing an address.
    let (_, with) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"address": {"city": "Durban"}})),
    )
    .await;
    assert_eq!(with["data"]["address"]["city"], "Durban");
    let (_, without) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"address": null})),
    )
    .await;
    assert!(without["data"]["address"].is_null());
}

#[tokio::test]
async fn malformed_ids_and_bodies_answer_4xx_json() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for path in [
        "/api/v1/customers/abc",
        "/api/v1/customers/0",
        "/api/v1/customers/13.xml",
        "/api/v1/customers/99999999999999999999",
        "/api/v1/customers/999",
    ] {
        let response = app.authed(&tenant, Method::GET, path).send().await.unwrap();
        assert_error(response, 404).await;
    }
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_error(response, 400).await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_error(response, 415).await;
    let response = app
        .authed(&tenant, Method::PUT, "/api/v1/customers/1")
        .send()
        .await
        .unwrap();
    assert_error(response, 405).await;
    // NUL cannot be stored in PostgreSQL text: a 422, never a 500.
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&json!({"name": "A\u{0}B"}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["errors"]["name"].is_array());
    for query in [
        "q=a%00b",
        "per_page=5&per_page=6",
        "per_page=",
        "include_deleted=",
    ] {
        let response = app
            .authed(&tenant, Method::GET, &format!("/api/v1/customers?{query}"))
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
}

#[tokio::test]
async fn another_business_customers_are_invisible_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let their_customer = create(&app, &theirs, texas()).await;
    let id = their_customer["id"].as_i64().unwrap();
    create_named(&app, &mine, "Only mine").await;

    let path = format!("/api/v1/customers/{id}");
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

    for query in ["", "?include_deleted=true", "?q=texas"] {
        let (_, list) =
            send(app.authed(&mine, Method::GET, &format!("/api/v1/customers{query}"))).await;
        assert!(
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["business_id"] == mine.business_id),
            "{query}: {list}"
        );
    }
    // Theirs is untouched.
    let (_, shown) = send(app.authed(&theirs, Method::GET, &path)).await;
    assert_eq!(shown["data"]["name"], "Texas Ins");
}

#[tokio::test]
async fn a_read_only_token_cannot_create() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant_with_scopes("Flixtechs", "read").await;
    let response = app
        .authed(&tenant, Method::POST, "/api/v1/customers")
        .json(&texas())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="koteshen", error="insufficient_scope", scope="write""#
    );
    let body = assert_error(response, 403).await;
    assert_eq!(body["error"], "Forbidden");
    let (status, _) = send(app.authed(&tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_list_page_and_a_show_cost_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut last = Value::Null;
    for i in 0..30 {
        last = create(&app, &tenant, {
            let mut body = texas();
            body["customer"]["name"] = json!(format!("C{i}"));
            body
        })
        .await;
    }
    let (small, small_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/customers?per_page=2"))
        .await;
    let (large, large_count) = app
        .counting_queries(app.authed(&tenant, Method::GET, "/api/v1/customers?per_page=30"))
        .await;
    assert_eq!(small.status(), 200);
    assert_eq!(large.status(), 200);
    assert!(small_count > 0, "the counter sees queries");
    assert_eq!(
        small_count, large_count,
        "a list costs the same whatever the page size"
    );

    let (show, show_count) = app
        .counting_queries(app.authed(
            &tenant,
            Method::GET,
            &format!("/api/v1/customers/{}", last["id"]),
        ))
        .await;
    assert_eq!(show.status(), 200);
    // The customer with its address (the token was verified by an earlier request and is
    // cached).
    assert_eq!(show_count, 1);
}

#[tokio::test]
async fn create_update_and_delete_record_customer_events_showing_the_customer() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let (status, created) = send(
        app.authed(&tenant, Method::POST, "/api/v1/customers")
            .json(&json!({"name": "Texas Ins"})),
    )
    .await;
    assert_eq!(status, 201);
    let path = format!("/api/v1/customers/{}", created["data"]["id"]);
    let (_, updated) = send(
        app.authed(&tenant, Method::PATCH, &path)
            .json(&json!({"notes": "n"})),
    )
    .await;
    app.authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    // Deleting again finds nothing and records nothing.
    app.authed(&tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    let log: Vec<(String, sqlx::types::Json<Value>)> =
        sqlx::query_as("SELECT type, data FROM events WHERE business_id = $1 ORDER BY seq")
            .bind(tenant.business_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let types: Vec<&str> = log.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        ["customer.created", "customer.updated", "customer.deleted"]
    );
    assert_eq!(log[0].1.0, created["data"]);
    assert_eq!(log[1].1.0, updated["data"]);
    assert!(log[2].1.0["discarded_at"].is_string());
}
