//! `POST /api/v1/quotes`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, documented_quote, json, send, setup, usd};

/// A change made to the documented body before sending it.
type BodyChange = Box<dyn Fn(&mut Value)>;

#[tokio::test]
async fn the_documents_create_request_answers_the_documented_shape_with_the_discount_applied() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/quotes")
        .json(&documented_quote(s.customer_id))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let q = json(response).await["data"].clone();
    let id = q["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/quotes/{id}.json")
    );
    assert_eq!(q["url"], location.as_str());
    assert_eq!(q["number"], "QOT-0001");
    assert_eq!(q["status"], "draft");
    assert_eq!(q["currency"], "USD");
    assert_eq!(q["customer_id"], s.customer_id);
    assert_eq!(q["business_id"], s.tenant.business_id);
    assert_eq!(q["summary"], "this is an estimate");
    assert_eq!(q["notes"], "Valid for 30 days.");
    assert_eq!(q["issued_at"], "2025-10-12T10:00:00.000Z");
    assert_eq!(q["expires_at"], "2025-10-28T10:00:00.000Z");
    assert_eq!(q["issue_date"], "2025-10-12");
    assert_eq!(q["subtotal"], usd(408000));
    assert_eq!(q["discount"], usd(40800));
    assert_eq!(q["tax_total"], usd(0));
    assert_eq!(q["total"], usd(367200));
    assert_eq!(q["discount_type"], "percent");
    assert_eq!(q["discount_value"], "10.0");
    for field in [
        "emailed_at",
        "accepted_at",
        "rejected_at",
        "viewed_at",
        "viewd_at",
        "invoiced_at",
    ] {
        assert!(q.get(field).is_some_and(Value::is_null), "{field}");
    }
    let item = &q["items"][0];
    assert_eq!(item["name"], "Design and development");
    assert_eq!(item["unit_price"], "340.0");
    assert_eq!(item["quantity"], 12);
    assert_eq!(item["total"], "4080.0");
    assert_eq!(q["business"]["name"], "Flixtechs");
    assert_eq!(q["customer"]["name"], "Texas Ins");
    let (_, shown) =
        send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/quotes/{id}"))).await;
    assert_eq!(shown["data"], q);
}

#[tokio::test]
async fn each_invalid_field_answers_422_naming_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = setup(&app, "Other").await;
    let cases: Vec<(&str, BodyChange)> = vec![
        (
            "issued_at",
            Box::new(|b: &mut Value| {
                b["quote"].as_object_mut().unwrap().remove("issued_at");
            }),
        ),
        (
            "expires_at",
            Box::new(|b: &mut Value| {
                b["quote"].as_object_mut().unwrap().remove("expires_at");
            }),
        ),
        (
            "currency",
            Box::new(|b: &mut Value| {
                b["quote"].as_object_mut().unwrap().remove("currency");
            }),
        ),
        (
            "items_attributes",
            Box::new(|b: &mut Value| {
                b["quote"]
                    .as_object_mut()
                    .unwrap()
                    .remove("items_attributes");
            }),
        ),
        (
            "expires_at",
            Box::new(|b: &mut Value| {
                b["quote"]["expires_at"] = json!("2025-10-01");
            }),
        ),
        (
            "items_attributes",
            Box::new(|b: &mut Value| {
                b["quote"]["items_attributes"] = json!(
                    (0..101)
                        .map(|_| json!({"name": "x", "quantity": 1, "unit_price": 1}))
                        .collect::<Vec<_>>()
                );
            }),
        ),
    ];
    for (field, change) in cases {
        let mut body = documented_quote(s.customer_id);
        change(&mut body);
        let (status, err) = send(
            app.authed(&s.tenant, Method::POST, "/api/v1/quotes")
                .json(&body),
        )
        .await;
        assert_eq!(status, 422, "{field}: {err}");
        assert!(err["errors"][field].is_array(), "{field}: {err}");
    }
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/quotes")
            .json(&documented_quote(other.customer_id)),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        err["errors"]["customer_id"].is_array(),
        "a foreign customer: {err}"
    );
}
