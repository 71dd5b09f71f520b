//! Items that name a product: they take its name, description, price, unit and taxes where
//! they leave them out, keep their own copy, and a product that is not this business's
//! live, active one, or is priced in another currency, is refused on the item's field.

use reqwest::Method;
use serde_json::{Value, json};

use super::create;
use crate::harness::{Setup, TestApp, assert_error, documented_quote, get, post, send, setup};

fn invoice(s: &Setup, items: Value) -> Value {
    json!({"invoice": {"customer_id": s.customer_id, "currency": "USD",
                       "issued_at": "2025-10-12T00:00:00.000Z", "items_attributes": items}})
}

async fn refused(app: &TestApp, s: &Setup, items: Value) -> Value {
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&invoice(s, items))
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await["errors"].clone()
}

#[tokio::test]
async fn an_item_takes_the_products_defaults_and_keeps_its_own_copy() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let product = create(
        &app,
        t,
        json!({"name": "Support hour", "description": "Remote", "unit_price": "80.00",
               "unit_code": "HUR", "tax_ids": [s.vat_id]}),
    )
    .await;
    let pid = product["id"].as_i64().unwrap();
    let created = post(
        &app,
        t,
        "/api/v1/invoices",
        invoice(
            &s,
            json!([{"product_id": pid},
                   {"product_id": pid, "quantity": 2, "name": "Weekend support",
                    "unit_price": "120"},
                   {"name": "Travel", "quantity": 1, "unit_price": "30"}]),
        ),
    )
    .await;
    let items = created["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "Support hour");
    assert_eq!(items[0]["description"], "Remote");
    assert_eq!(items[0]["unit_price"], "80.0");
    assert_eq!(items[0]["quantity"], 1);
    assert_eq!(items[0]["unit_code"], "HUR");
    assert_eq!(items[0]["tax_ids"], json!([s.vat_id]));
    assert_eq!(items[0]["product_id"], pid);
    assert_eq!(
        items[1]["name"], "Weekend support",
        "what the entry gives wins"
    );
    assert_eq!(items[1]["unit_price"], "120.0");
    assert_eq!(items[1]["total"], "240.0");
    assert_eq!(items[1]["product_id"], pid);
    assert_eq!(items[2]["product_id"], Value::Null);
    // 80 + 240 taxed at 15 %, 30 untaxed: 350 + 48.
    assert_eq!(created["total"]["cents"], 39800, "{created}");

    // The product changes; the invoice does not.
    let (status, _) = send(
        app.authed(t, Method::PATCH, &format!("/api/v1/products/{pid}"))
            .json(&json!({"name": "Renamed", "unit_price": "1"})),
    )
    .await;
    assert_eq!(status, 200);
    let id = created["id"].as_i64().unwrap();
    let shown = get(&app, t, &format!("/api/v1/invoices/{id}")).await["data"].clone();
    assert_eq!(shown["items"][0]["name"], "Support hour");
    assert_eq!(shown["total"]["cents"], 39800);

    // A quote's items name products the same way; a duplicate keeps the link.
    let mut quote = documented_quote(s.customer_id);
    quote["quote"]["items_attributes"] = json!([{"product_id": pid, "quantity": 3}]);
    let quote = post(&app, t, "/api/v1/quotes", quote).await;
    assert_eq!(quote["items"][0]["name"], "Renamed");
    assert_eq!(quote["items"][0]["total"], "3.0");
    assert_eq!(quote["items"][0]["product_id"], pid);
    let (status, copy) = send(app.authed(
        t,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}/duplicate"),
    ))
    .await;
    assert!(status == 200 || status == 201, "{status} {copy}");
    assert_eq!(copy["data"]["items"][0]["product_id"], pid, "{copy}");
}

#[tokio::test]
async fn a_product_that_cannot_be_used_is_refused_on_the_items_field() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = setup(&app, "Other").await;
    let t = &s.tenant;
    let euro = create(
        &app,
        t,
        json!({"name": "Euro thing", "unit_price": "5", "currency": "EUR"}),
    )
    .await["id"]
        .clone();
    let inactive = create(
        &app,
        t,
        json!({"name": "Old", "unit_price": "5", "active": false}),
    )
    .await["id"]
        .clone();
    let gone = create(&app, t, json!({"name": "Gone", "unit_price": "5"})).await["id"].clone();
    send(app.authed(t, Method::DELETE, &format!("/api/v1/products/{gone}"))).await;
    let theirs = create(
        &app,
        &other.tenant,
        json!({"name": "Theirs", "unit_price": "5"}),
    )
    .await["id"]
        .clone();

    let errors = refused(
        &app,
        &s,
        json!([{"product_id": euro}, {"product_id": inactive}, {"product_id": gone},
               {"product_id": theirs}, {"product_id": 999_999}]),
    )
    .await;
    assert_eq!(
        errors["items_attributes[0].product_id"],
        json!(["is priced in EUR, not USD: give the item's unit_price"]),
        "{errors}"
    );
    assert_eq!(
        errors["items_attributes[1].product_id"],
        json!(["is not active"])
    );
    for i in 2..5 {
        assert_eq!(
            errors[format!("items_attributes[{i}].product_id")],
            json!(["does not exist"]),
            "{i}: {errors}"
        );
    }
    let errors = refused(&app, &s, json!([{"product_id": "x"}])).await;
    assert_eq!(
        errors,
        json!({"items_attributes[0].product_id": ["must be a whole number"]})
    );
    let (_, list) = send(app.authed(t, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(list["data"], json!([]), "nothing was written");

    // Priced in the item itself, a product of another currency is fine.
    let created = post(
        &app,
        t,
        "/api/v1/invoices",
        invoice(&s, json!([{"product_id": euro, "unit_price": "6"}])),
    )
    .await;
    assert_eq!(created["items"][0]["name"], "Euro thing");
    assert_eq!(created["total"]["cents"], 600);
}
