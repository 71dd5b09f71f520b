//! `GET /api/v1/taxes`.

use reqwest::Method;
use serde_json::{Value, json};

use super::{create, ids};
use crate::harness::{TestApp, assert_error, send};

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
