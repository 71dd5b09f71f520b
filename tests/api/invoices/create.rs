//! `POST /api/v1/invoices`: the documented answer, totals, taxes, currencies, validation.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    TestApp, assert_error, documented_invoice, json, patch, post, send, setup, usd,
};

#[tokio::test]
async fn the_documents_create_request_answers_the_documented_shape_with_consistent_totals() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&documented_invoice(&s))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let body = json(response).await;
    let inv = &body["data"];
    let id = inv["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/invoices/{id}.json")
    );
    assert_eq!(inv["url"], location.as_str());
    assert_eq!(inv["number"], "INV-0001");
    assert_eq!(inv["customer_id"], s.customer_id);
    assert_eq!(inv["business_id"], s.tenant.business_id);
    assert_eq!(inv["currency"], "USD");
    assert_eq!(inv["issued_at"], "2025-10-12T00:00:00.000Z");
    assert_eq!(inv["due_at"], "2025-10-12T00:00:00.000Z");
    assert_eq!(inv["notes"], "");
    assert_eq!(inv["discount_type"], "percent");
    assert_eq!(inv["discount_value"], "5.0");
    assert_eq!(inv["status"], "draft");
    assert_eq!(inv["paid"], false);
    assert_eq!(inv["payment_term_id"], s.due_on_receipt_id);
    assert!(inv["emailed_at"].is_null());
    assert_eq!(inv["created_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(inv["subtotal"], usd(40000));
    assert_eq!(inv["discount"], usd(2000));
    assert_eq!(inv["tax_total"], usd(5700));
    assert_eq!(inv["total"], usd(43700));
    assert_eq!(inv["balance"], usd(43700));
    assert_eq!(inv["payment_term"]["name"], "Due on Receipt");
    assert_eq!(inv["payment_term"]["value"], 0);
    let item = &inv["items"][0];
    assert_eq!(item["name"], "Items Consulting");
    assert_eq!(item["unit_price"], "400.0");
    assert_eq!(item["quantity"], 1);
    assert_eq!(item["total"], "400.0");
    assert!(item["id"].is_i64() && item["created_at"].is_string());
    assert_eq!(inv["business"]["name"], "Flixtechs");
    assert_eq!(inv["business"]["slug"], "flixtechs");
    assert!(inv["business"].get("logo").is_some());
    assert_eq!(inv["customer"]["name"], "Texas Ins");
    assert_eq!(inv["customer"]["currency"], "ZAR");
    let tax = &inv["taxes"][0];
    assert_eq!(tax["tax_name"], "VAT");
    assert_eq!(tax["tax_amount"], usd(5700));
    assert_eq!(tax["tax_rate"], "15.0");
    assert_eq!(
        tax["tax"],
        json!({"id": s.vat_id, "name": "VAT", "rate": "15.0", "inclusive": false})
    );

    let (status, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{id}.json"),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(&shown["data"], inv);
}

/// A create answers with what its event recorded inside the transaction, not with a read
/// after the commit: byte for byte what a GET of the invoice answers.
#[tokio::test]
async fn the_created_answer_is_byte_for_byte_the_shown_invoice() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let created = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&documented_invoice(&s))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = created.text().await.unwrap();
    let id = serde_json::from_str::<Value>(&created).unwrap()["data"]["id"].clone();
    let shown = app
        .authed(&s.tenant, Method::GET, &format!("/api/v1/invoices/{id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(created, shown);
}

#[tokio::test]
async fn item_level_taxes_apply_to_their_items_only() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let levy = post(
        &app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"name": "Levy", "rate": 10}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let inv = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"customer_id": s.customer_id, "currency": "usd",
               "items_attributes": [
                   {"name": "Taxed", "quantity": 1, "unit_price": "100", "tax_ids": [levy]},
                   {"name": "Plain", "quantity": 1, "unit_price": "100"}]}),
    )
    .await;
    assert_eq!(inv["subtotal"], usd(20000));
    assert_eq!(inv["tax_total"], usd(1000));
    assert_eq!(inv["total"], usd(21000));
    assert_eq!(inv["taxes"][0]["invoice_level"], false);
    assert_eq!(inv["items"][0]["tax_ids"], json!([levy]));
}

#[tokio::test]
async fn default_taxes_apply_when_the_request_names_none() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/taxes/{}", s.vat_id),
        json!({"is_default": true}),
    )
    .await;
    assert_eq!(status, 200);
    let body = json!({"customer_id": s.customer_id, "currency": "USD",
                      "items_attributes": [{"name": "A", "quantity": 1, "unit_price": 100}]});
    let inv = post(&app, &s.tenant, "/api/v1/invoices", body.clone()).await;
    assert_eq!(inv["tax_total"], usd(1500));
    let mut none = body;
    none["invoice_taxes_attributes"] = json!([]);
    let inv = post(&app, &s.tenant, "/api/v1/invoices", none).await;
    assert_eq!(
        inv["tax_total"],
        usd(0),
        "an explicit empty list means no taxes"
    );
}

#[tokio::test]
async fn currencies_with_zero_and_three_decimals_render_correct_cents() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let jpy = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"customer_id": s.customer_id, "currency": "jpy", "invoice_taxes_attributes": [],
               "items_attributes": [{"name": "Tea", "quantity": 3, "unit_price": "1500.5"}]}),
    )
    .await;
    // 3 × 1500.5 = 4501.5 yen → 4502 (no minor unit).
    assert_eq!(jpy["total"], json!({"cents": 4502, "currency_iso": "JPY"}));
    assert_eq!(jpy["items"][0]["total"], "4502.0");
    let kwd = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"customer_id": s.customer_id, "currency": "KWD",
               "invoice_taxes_attributes": [{"tax_id": s.vat_id}],
               "items_attributes": [{"name": "Oil", "quantity": "2", "unit_price": "1.2345"}]}),
    )
    .await;
    // 2 × 1.2345 = 2.469 KWD = 2469 fils; VAT 15 % = 370.35 → 370.
    assert_eq!(
        kwd["subtotal"],
        json!({"cents": 2469, "currency_iso": "KWD"})
    );
    assert_eq!(
        kwd["tax_total"],
        json!({"cents": 370, "currency_iso": "KWD"})
    );
    assert_eq!(kwd["total"], json!({"cents": 2839, "currency_iso": "KWD"}));
    assert_eq!(kwd["items"][0]["total"], "2.469");
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&json!({"invoice": {
            "currency": "XXX1",
            "discount_type": "bogus",
            "issued_at": "yesterday",
            "items_attributes": [
                {"name": "A", "quantity": "-1", "unit_price": "abc"},
                {"quantity": "1.00001", "unit_price": 1},
            ],
        }}))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in [
        "customer_id",
        "currency",
        "discount_type",
        "issued_at",
        "items_attributes[0].quantity",
        "items_attributes[0].unit_price",
        "items_attributes[1].quantity",
        "items_attributes[1].name",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let too_many: Vec<Value> = (0..101)
        .map(|_| json!({"name": "x", "quantity": 1, "unit_price": 1}))
        .collect();
    let mut body = documented_invoice(&s);
    body["invoice"]["items_attributes"] = json!(too_many);
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["items_attributes"].is_array());
    let mut body = documented_invoice(&s);
    body["invoice"]["discount_type"] = json!("fixed");
    body["invoice"]["discount_value"] = json!("400.01");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["discount_value"].is_array(), "{err}");
    let mut body = documented_invoice(&s);
    body["invoice"]["discount_value"] = json!("100.5");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["discount_value"].is_array(), "{err}");
    let mut body = documented_invoice(&s);
    body["invoice"]["items_attributes"][0]["unit_price"] = json!("99999999999999999999");
    let (status, _) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422, "too large to hold is a 422");

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    assert_eq!(next["number"], "INV-0001", "failed creates leave no gap");
}

#[tokio::test]
async fn a_customer_tax_or_term_of_another_business_is_refused_by_name() {
    let app = TestApp::spawn().await;
    let mine = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    // Their customer, tax and term are unusable on my invoice, each named.
    let mut body = documented_invoice(&mine);
    body["invoice"]["customer_id"] = json!(theirs.customer_id);
    body["invoice"]["payment_term_id"] = json!(theirs.due_on_receipt_id);
    body["invoice"]["invoice_taxes_attributes"] = json!([{"tax_id": theirs.vat_id}]);
    body["invoice"]["items_attributes"][0]["tax_ids"] = json!([theirs.vat_id]);
    let (status, err) = send(
        app.authed(&mine.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    for field in [
        "customer_id",
        "payment_term_id",
        "invoice_taxes_attributes[0].tax_id",
        "items_attributes[0].tax_ids",
    ] {
        assert!(err["errors"][field].is_array(), "{field}: {err}");
    }
}
