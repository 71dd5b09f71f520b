//! `GET /api/v1/customers`: pages, order, filters.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use super::{create, create_named};
use crate::harness::{TestApp, assert_error, documented_customer, json, send};

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
    let texas = create(&app, &tenant, documented_customer()).await;
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
