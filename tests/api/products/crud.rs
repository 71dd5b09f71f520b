//! Create, show, list, update and delete, with their events and every refusal named.

use reqwest::Method;
use serde_json::json;

use super::{create, names};
use crate::harness::{TestApp, assert_error, event_count, get, send, setup};

#[tokio::test]
async fn a_product_is_created_shown_listed_changed_and_deleted_with_its_events() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let created = create(
        &app,
        t,
        json!({"product": {"name": "Web hosting", "description": "Annual package",
                           "sku": "HOST-12", "unit_price": "99.99", "unit_code": "ann",
                           "tax_ids": [s.vat_id]}}),
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["unit_price"], "99.99");
    assert_eq!(
        created["currency"], "USD",
        "the business's currency: {created}"
    );
    assert_eq!(created["unit_code"], "ANN");
    assert_eq!(created["tax_ids"], json!([s.vat_id]));
    assert_eq!(created["active"], true);
    assert!(
        created["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/products/{id}.json"))
    );
    assert_eq!(
        get(&app, t, &format!("/api/v1/products/{id}.json")).await["data"],
        created
    );

    let (status, changed) = send(
        app.authed(t, Method::PATCH, &format!("/api/v1/products/{id}"))
            .json(
                &json!({"product": {"unit_price": 120, "currency": "eur", "description": null,
                                      "active": false}}),
            ),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    let changed = &changed["data"];
    assert_eq!(changed["unit_price"], "120.0");
    assert_eq!(changed["currency"], "EUR");
    assert_eq!(changed["description"], serde_json::Value::Null);
    assert_eq!(changed["active"], false);
    assert_eq!(changed["name"], "Web hosting", "what was not sent stays");

    let (status, _) = send(app.authed(t, Method::DELETE, &format!("/api/v1/products/{id}"))).await;
    assert_eq!(status, 204);
    assert_error(
        app.authed(t, Method::GET, &format!("/api/v1/products/{id}"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let deleted = get(
        &app,
        t,
        &format!("/api/v1/products/{id}?include_deleted=true"),
    )
    .await;
    assert!(deleted["data"]["discarded_at"].is_string(), "{deleted}");
    let (status, _) = send(app.authed(t, Method::DELETE, &format!("/api/v1/products/{id}"))).await;
    assert_eq!(status, 404, "deleted once");

    for (event, n) in [
        ("product.created", 1),
        ("product.updated", 1),
        ("product.deleted", 1),
    ] {
        assert_eq!(event_count(&app, t.business_id, event).await, n, "{event}");
    }
    let events = get(&app, t, "/api/v1/events?type=product.updated").await;
    assert_eq!(events["data"][0]["data"]["unit_price"], "120.0", "{events}");
}

#[tokio::test]
async fn a_sku_names_one_live_product_whatever_its_case() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let first = create(
        &app,
        t,
        json!({"name": "A", "sku": "HOST-12", "unit_price": 1}),
    )
    .await;
    for sku in ["HOST-12", "host-12"] {
        let response = app
            .authed(t, Method::POST, "/api/v1/products")
            .json(&json!({"name": "B", "sku": sku, "unit_price": 1}))
            .send()
            .await
            .unwrap();
        let body = assert_error(response, 422).await;
        assert_eq!(
            body["errors"],
            json!({"sku": ["has already been taken"]}),
            "{sku}"
        );
    }
    // Another business has its own SKUs.
    let other = setup(&app, "Other").await;
    create(
        &app,
        &other.tenant,
        json!({"name": "B", "sku": "HOST-12", "unit_price": 1}),
    )
    .await;
    // Deleted, its SKU is free again.
    let id = first["id"].as_i64().unwrap();
    send(app.authed(t, Method::DELETE, &format!("/api/v1/products/{id}"))).await;
    create(
        &app,
        t,
        json!({"name": "C", "sku": "host-12", "unit_price": 1}),
    )
    .await;
}

#[tokio::test]
async fn every_invalid_field_is_named_in_one_422() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = setup(&app, "Other").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/products")
        .json(
            &json!({"product": {"name": " ", "unit_price": "-1", "currency": "XXX",
                                  "unit_code": "ZZZ", "active": "maybe",
                                  "sku": "x".repeat(65)}}),
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    let errors = body["errors"].as_object().unwrap();
    for field in [
        "name",
        "unit_price",
        "currency",
        "unit_code",
        "active",
        "sku",
    ] {
        assert!(errors.contains_key(field), "{field} in {body}");
    }
    // Another business's tax is no tax of this one.
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/products")
        .json(&json!({"name": "A", "unit_price": 1, "tax_ids": [other.vat_id]}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(
        body["errors"],
        json!({"tax_ids": [format!("tax {} does not exist", other.vat_id)]})
    );
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/products")).await;
    assert_eq!(list["data"], json!([]), "nothing was written");
}

#[tokio::test]
async fn lists_search_filter_and_sort() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    create(
        &app,
        t,
        json!({"name": "Web hosting", "sku": "HOST", "unit_price": "99"}),
    )
    .await;
    create(&app, t, json!({"name": "Domain", "sku": "DOM", "unit_price": "12", "description": "A .com for a year"})).await;
    create(
        &app,
        t,
        json!({"name": "Support hour", "unit_price": "80", "currency": "EUR", "active": false}),
    )
    .await;

    let by = |path: &'static str| {
        let app = &app;
        async move { names(&get(app, t, path).await) }
    };
    assert_eq!(
        by("/api/v1/products").await,
        ["Web hosting", "Domain", "Support hour"]
    );
    assert_eq!(
        by("/api/v1/products?sort=unit_price").await,
        ["Domain", "Support hour", "Web hosting"]
    );
    assert_eq!(
        by("/api/v1/products?sort=-name").await,
        ["Web hosting", "Support hour", "Domain"]
    );
    assert_eq!(by("/api/v1/products?q=host").await, ["Web hosting"]);
    assert_eq!(
        by("/api/v1/products?q=.com").await,
        ["Domain"],
        "the description too"
    );
    assert_eq!(by("/api/v1/products?active=false").await, ["Support hour"]);
    assert_eq!(by("/api/v1/products?currency=eur").await, ["Support hour"]);
    assert_eq!(by("/api/v1/products?q[sku_eq]=DOM").await, ["Domain"]);
    assert_eq!(
        by("/api/v1/products?q[unit_price_gteq]=80&s=name+asc").await,
        ["Support hour", "Web hosting"]
    );
    let response = app
        .authed(t, Method::GET, "/api/v1/products?q[colour_eq]=red")
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    let response = app
        .authed(t, Method::GET, "/api/v1/products?sort=colour")
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
}
