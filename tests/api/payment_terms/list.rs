//! `GET /api/v1/payment_terms`.

use reqwest::Method;
use serde_json::json;

use super::{create, names_and_days, pairs};
use crate::harness::{TestApp, send};

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
