//! `/api/v1/invoices`: the documented endpoints, money, numbering, tenancy.

use std::collections::HashSet;

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};

pub struct Setup {
    pub tenant: Tenant,
    pub customer_id: i64,
    pub vat_id: i64,
    pub due_on_receipt_id: i64,
}

pub async fn post(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> Value {
    let (status, body) = send(app.authed(tenant, Method::POST, path).json(&body)).await;
    assert_eq!(status, 201, "POST {path}: {body}");
    body["data"].clone()
}

/// A business with the documents' customer, a 15 % VAT and its default terms.
pub async fn setup(app: &TestApp, name: &str) -> Setup {
    let tenant = app.tenant(name).await;
    let customer = post(
        app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Texas Ins", "company": "Texas Ins",
                            "email": "procurement@texas.com", "currency": "zar"}}),
    )
    .await;
    let vat = post(
        app,
        &tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "VAT", "rate": "15.0"}}),
    )
    .await;
    let (_, terms) = send(app.authed(&tenant, Method::GET, "/api/v1/payment_terms")).await;
    let due_on_receipt = terms["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Due on Receipt")
        .expect("a new business has Due on Receipt")["id"]
        .as_i64()
        .unwrap();
    Setup {
        tenant,
        customer_id: customer["id"].as_i64().unwrap(),
        vat_id: vat["id"].as_i64().unwrap(),
        due_on_receipt_id: due_on_receipt,
    }
}

/// The documents' create-invoice request, verbatim but for the ids of this database.
pub fn documented_body(s: &Setup) -> Value {
    json!({ "invoice": {
        "issued_at": "2025-10-12T00:00:00.000Z",
        "payment_term_id": s.due_on_receipt_id,
        "currency": "USD",
        "customer_id": s.customer_id,
        "items_attributes": [ { "name": "Items Consulting", "quantity": 1, "unit_price": "400.0" } ],
        "discount_type": "percent",
        "discount_value": "5",
        "invoice_taxes_attributes": [ { "tax_id": s.vat_id.to_string() } ],
        "notes": ""
    } })
}

fn usd(cents: i64) -> Value {
    json!({"cents": cents, "currency_iso": "USD"})
}

async fn patch(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> (u16, Value) {
    send(app.authed(tenant, Method::PATCH, path).json(&body)).await
}

#[tokio::test]
async fn the_documents_create_request_answers_the_documented_shape_with_consistent_totals() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&documented_body(&s))
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
        json!({"id": s.vat_id, "name": "VAT", "rate": "15.0"})
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

#[tokio::test]
async fn the_list_filters_by_each_field() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let other_customer = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"name": "Zulu Traders"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let a = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let mut body = documented_body(&s);
    body["invoice"]["customer_id"] = json!(other_customer);
    body["invoice"]["issued_at"] = json!("2025-11-01T09:00:00Z");
    body["invoice"]["due_at"] = json!("2025-12-01");
    body["invoice"]["items_attributes"][0]["unit_price"] = json!("10");
    let b = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}/status", b["id"]),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(status, 200);
    app.clock.advance(Duration::minutes(1));
    app.reissue(&mut s.tenant).await;
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}/mark_as_paid", a["id"]),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);

    let (a, b) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap());
    let cases: Vec<(String, Vec<i64>)> = vec![
        ("status=paid".into(), vec![a]),
        ("status=sent".into(), vec![b]),
        ("status=draft".into(), vec![]),
        (format!("customer_id={other_customer}"), vec![b]),
        ("paid=true".into(), vec![a]),
        ("paid=false".into(), vec![b]),
        ("issued_from=2025-10-13".into(), vec![b]),
        ("issued_to=2025-10-12".into(), vec![a]),
        ("due_from=2025-11-30&due_to=2025-12-01".into(), vec![b]),
        ("due_to=2025-10-12T00:00:00Z".into(), vec![a]),
        ("q=INV-0002".into(), vec![b]),
        ("q=zulu".into(), vec![b]),
        ("q=texas".into(), vec![a]),
        ("sort=-total".into(), vec![a, b]),
        ("sort=total".into(), vec![b, a]),
        ("sort=-number".into(), vec![b, a]),
        ("sort=due_at".into(), vec![a, b]),
    ];
    for (query, expected) in cases {
        let (status, body) =
            send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/invoices?{query}"))).await;
        assert_eq!(status, 200, "{query}: {body}");
        let ids: Vec<i64> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, expected, "{query}");
    }
    let response = app
        .authed(
            &s.tenant,
            Method::GET,
            "/api/v1/invoices?status=lost&paid=perhaps&sort=x",
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    for field in ["status", "paid", "sort"] {
        assert!(body["errors"][field].is_array(), "{field}");
    }
}

#[tokio::test]
async fn items_are_added_changed_and_destroyed_with_totals_recomputed() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    let first = inv["items"][0]["id"].as_i64().unwrap();

    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice": {"items_attributes": [
            {"id": first, "quantity": "2"},
            {"name": "Support", "quantity": 1.5, "unit_price": 100}
        ]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let inv2 = &body["data"];
    // 2 × 400 + 1.5 × 100 = 950.00; 5 % off = 902.50; VAT 15 % = 135.375 → 135.38.
    assert_eq!(inv2["subtotal"], usd(95000));
    assert_eq!(inv2["discount"], usd(4750));
    assert_eq!(inv2["tax_total"], usd(13538));
    assert_eq!(inv2["total"], usd(103788));
    assert_eq!(inv2["items"][0]["id"], first);
    assert_eq!(inv2["items"][0]["quantity"], 2);
    assert_eq!(inv2["items"][1]["quantity"], 1.5);
    assert_eq!(inv2["items"][1]["total"], "150.0");

    let second = inv2["items"][1]["id"].as_i64().unwrap();
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"id": first, "_destroy": true}],
               "discount_type": null, "invoice_taxes_attributes": []}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let inv3 = &body["data"];
    assert_eq!(inv3["items"].as_array().unwrap().len(), 1);
    assert_eq!(inv3["items"][0]["id"], second);
    assert_eq!(inv3["discount"], usd(0));
    // The VAT line stays: an empty list removes nothing.
    assert_eq!(inv3["tax_total"], usd(2250));
    let vat_line = inv3["taxes"][0]["id"].as_i64().unwrap();
    let (_, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice_taxes_attributes": [{"id": vat_line, "_destroy": true}]}),
    )
    .await;
    assert_eq!(body["data"]["taxes"], json!([]));
    assert_eq!(body["data"]["total"], usd(15000));

    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"id": 999999, "quantity": 1}, {"name": "x", "quantity": 1, "unit_price": 1}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["errors"]["items_attributes[0].id"].is_array(),
        "{body}"
    );
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"items_attributes": [{"name": "No price", "quantity": 1}]}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["errors"]["items_attributes[0].unit_price"].is_array(),
        "{body}"
    );
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
async fn status_moves_along_the_lifecycle_and_names_the_allowed_moves() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let path = format!("/api/v1/invoices/{}/status", inv["id"]);

    let (status, body) = patch(&app, &s.tenant, &path, json!({"status": "viewed"})).await;
    assert_eq!(status, 422);
    let message = body["errors"]["status"][0].as_str().unwrap();
    assert!(message.contains("sent, void"), "{message}");

    for next in ["sent", "viewed"] {
        let (status, body) = patch(&app, &s.tenant, &path, json!({"status": next})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], next);
    }
    let (_, body) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{}", inv["id"]),
    ))
    .await;
    assert_eq!(body["data"]["viewed_at"], "2025-10-21T03:39:57.825Z");

    for bad in [
        json!({"status": "paid"}),
        json!({"status": "bogus"}),
        json!({}),
    ] {
        let (status, _) = patch(&app, &s.tenant, &path, bad.clone()).await;
        assert_eq!(status, 422, "{bad}");
    }
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"invoice": {"status": "void"}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "void");
    let (status, _) = patch(&app, &s.tenant, &path, json!({"status": "sent"})).await;
    assert_eq!(status, 422, "void is terminal");
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}", inv["id"]),
        json!({"items_attributes": [{"name": "More", "quantity": 1, "unit_price": 1}]}),
    )
    .await;
    assert_eq!(status, 422, "a void invoice's items cannot change");
}

#[tokio::test]
async fn duplicate_makes_a_new_draft_with_a_new_number_and_todays_dates() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(&s);
    body["invoice"]["due_at"] = json!("2025-10-19T00:00:00Z");
    body["invoice"]["notes"] = json!("Thanks");
    let inv = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}/status", inv["id"]),
        json!({"status": "sent"}),
    )
    .await;
    let response = app
        .authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{}/duplicate", inv["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.headers().contains_key("location"));
    let copy = json(response).await["data"].clone();
    assert_ne!(copy["id"], inv["id"]);
    assert_eq!(copy["number"], "INV-0002");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["issued_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(copy["due_at"], "2025-10-28T03:39:57.825Z");
    for field in [
        "customer_id",
        "currency",
        "notes",
        "discount_type",
        "discount_value",
        "payment_term_id",
        "subtotal",
        "discount",
        "tax_total",
        "total",
    ] {
        assert_eq!(copy[field], inv[field], "{field}");
    }
    assert_eq!(copy["items"][0]["name"], inv["items"][0]["name"]);
    assert_ne!(copy["items"][0]["id"], inv["items"][0]["id"]);
    assert_eq!(
        copy["taxes"][0]["tax_amount"],
        inv["taxes"][0]["tax_amount"]
    );
}

#[tokio::test]
async fn mark_as_paid_records_a_payment_for_the_balance_once() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let path = format!("/api/v1/invoices/{}/mark_as_paid", inv["id"]);
    let (status, body) = patch(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "paid");
    assert_eq!(body["data"]["paid"], true);
    assert_eq!(body["data"]["balance"], usd(0));
    // Again: Koteshen's page answers 422 (no second payment).
    let (status, body) = patch(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["message"], "Invoice already paid or balance is zero");
    let payments: Vec<(i64, String)> =
        sqlx::query_as("SELECT amount_cents, currency FROM payments WHERE invoice_id = $1")
            .bind(inv["id"].as_i64().unwrap())
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(payments, vec![(43700, "USD".to_string())]);

    // Paid: items and amounts are frozen, and it cannot be deleted.
    let inv_path = format!("/api/v1/invoices/{}", inv["id"]);
    let (status, _) = patch(&app, &s.tenant, &inv_path, json!({"discount_value": 10})).await;
    assert_eq!(status, 422);
    let (status, body) = patch(&app, &s.tenant, &inv_path, json!({"notes": "Paid, thanks"})).await;
    assert_eq!(status, 200, "{body}");
    let response = app
        .authed(&s.tenant, Method::DELETE, &inv_path)
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert!(body["message"].as_str().unwrap().contains("void"));
}

#[tokio::test]
async fn a_change_that_would_bring_the_total_under_what_is_paid_is_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let id = inv["id"].as_i64().unwrap();
    // A partial payment of 300.00.
    post(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/payments"),
        json!({"payment": {"amount": "300.00", "payment_method": "cash"}}),
    )
    .await;

    let path = format!("/api/v1/invoices/{id}");
    let (_, body) = send(app.authed(&s.tenant, Method::GET, &path)).await;
    assert_eq!(body["data"]["status"], "partial");
    assert_eq!(body["data"]["balance"], usd(13700));
    let (status, body) = patch(&app, &s.tenant, &path, json!({"discount_value": 50})).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["total"].is_array(), "{body}");
    let (status, body) = patch(&app, &s.tenant, &path, json!({"discount_value": 10})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["total"], usd(41400));
    assert_eq!(body["data"]["balance"], usd(11400));
}

#[tokio::test]
async fn delete_is_soft_and_include_deleted_shows_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    let response = app
        .authed(&s.tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_error(
        app.authed(&s.tenant, Method::GET, &path)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let (status, body) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("{path}?include_deleted=true"),
    ))
    .await;
    assert_eq!(status, 200);
    assert!(body["data"]["discarded_at"].is_string());
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_creates_get_two_hundred_consecutive_numbers() {
    let app = TestApp::spawn_with(|c| {
        c.database_max_connections = 20;
        c.rate_limit_per_minute = 1000;
    })
    .await;
    let s = setup(&app, "Flixtechs").await;
    let body = documented_body(&s);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let request = app
            .authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body);
        tasks.push(tokio::spawn(async move { send(request).await }));
    }
    let mut numbers = HashSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
        numbers.insert(body["data"]["number"].as_str().unwrap().to_string());
    }
    let expected: HashSet<String> = (1..=200).map(|n| format!("INV-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_client_chosen_number_is_kept_unique_and_consumes_no_counter_value() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(&s);
    body["invoice"]["number"] = json!("CUSTOM-7");
    let custom = post(&app, &s.tenant, "/api/v1/invoices", body.clone()).await;
    assert_eq!(custom["number"], "CUSTOM-7");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(err["errors"]["number"], json!(["has already been taken"]));
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    assert_eq!(next["number"], "INV-0001");

    // A client taking a number the sequence will reach: the sequence steps over it.
    let mut body = documented_body(&s);
    body["invoice"]["number"] = json!("INV-0002");
    post(&app, &s.tenant, "/api/v1/invoices", body).await;
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    assert_eq!(next["number"], "INV-0003");
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
    let mut body = documented_body(&s);
    body["invoice"]["items_attributes"] = json!(too_many);
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["items_attributes"].is_array());
    let mut body = documented_body(&s);
    body["invoice"]["discount_type"] = json!("fixed");
    body["invoice"]["discount_value"] = json!("400.01");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["discount_value"].is_array(), "{err}");
    let mut body = documented_body(&s);
    body["invoice"]["discount_value"] = json!("100.5");
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&body),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["discount_value"].is_array(), "{err}");
    let mut body = documented_body(&s);
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
    let next = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
    assert_eq!(next["number"], "INV-0001", "failed creates leave no gap");
}

#[tokio::test]
async fn another_business_records_are_invisible_and_unusable() {
    let app = TestApp::spawn().await;
    let mine = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    let their_invoice = post(
        &app,
        &theirs.tenant,
        "/api/v1/invoices",
        documented_body(&theirs),
    )
    .await;

    // Their customer, tax and term are unusable on my invoice, each named.
    let mut body = documented_body(&mine);
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

    // Their invoice answers 404 on every verb.
    let id = their_invoice["id"].as_i64().unwrap();
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/invoices/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{id}"),
            Some(json!({"notes": "x"})),
        ),
        (Method::DELETE, format!("/api/v1/invoices/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{id}/status"),
            Some(json!({"status": "sent"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{id}/mark_as_paid"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{id}/duplicate"),
            None,
        ),
    ] {
        let mut request = app.authed(&mine.tenant, method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert_error(request.send().await.unwrap(), 404).await;
    }
    let (_, list) = send(app.authed(
        &mine.tenant,
        Method::GET,
        "/api/v1/invoices?include_deleted=true",
    ))
    .await;
    assert_eq!(list["data"], json!([]));
    let (_, shown) = send(app.authed(
        &theirs.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{id}"),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "draft", "untouched");
}

#[tokio::test]
async fn a_list_page_and_a_show_cost_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(&s);
    body["invoice"]["items_attributes"] = json!(
        (0..5)
            .map(|i| json!({"name": format!("Item {i}"), "quantity": 1, "unit_price": 10}))
            .collect::<Vec<_>>()
    );
    let mut last = Value::Null;
    for _ in 0..12 {
        last = post(&app, &s.tenant, "/api/v1/invoices", body.clone()).await;
    }
    let (small, small_count) = app
        .counting_queries(app.authed(&s.tenant, Method::GET, "/api/v1/invoices?per_page=2"))
        .await;
    let (large, large_count) = app
        .counting_queries(app.authed(&s.tenant, Method::GET, "/api/v1/invoices?per_page=12"))
        .await;
    assert_eq!(
        (small.status().as_u16(), large.status().as_u16()),
        (200, 200)
    );
    // The total (a counter row) with the page's ids, then those invoices with their
    // items, taxes, customers and business; the token is cached.
    assert_eq!((small_count, large_count), (2, 2));
    let (show, show_count) = app
        .counting_queries(app.authed(
            &s.tenant,
            Method::GET,
            &format!("/api/v1/invoices/{}", last["id"]),
        ))
        .await;
    assert_eq!(show.status(), 200);
    // The invoice with everything it embeds, in one query.
    assert_eq!(show_count, 1);
}

/// A create answers with what its event recorded inside the transaction, not with a read
/// after the commit: byte for byte what a GET of the invoice answers.
#[tokio::test]
async fn the_created_answer_is_byte_for_byte_the_shown_invoice() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let created = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .json(&documented_body(&s))
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

/// Pages are cut from the sorted, filtered list (the page's ids first, then their
/// rows): walking the pages gives the whole list once, in order, with or without a filter.
#[tokio::test]
async fn pages_walk_the_sorted_filtered_list_in_order() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for price in [30, 10, 50, 20, 40, 10, 60] {
        let mut body = documented_body(&s);
        body["invoice"]["items_attributes"] =
            json!([{"name": "Work", "quantity": 1, "unit_price": price}]);
        post(&app, &s.tenant, "/api/v1/invoices", body).await;
    }
    let ids = |body: &Value| -> Vec<i64> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    for query in [
        "sort=-total",
        "sort=total&status=draft",
        "sort=-number&q=INV",
    ] {
        let (status, all) = send(app.authed(
            &s.tenant,
            Method::GET,
            &format!("/api/v1/invoices?{query}&per_page=100"),
        ))
        .await;
        assert_eq!(status, 200, "{query}: {all}");
        assert_eq!(ids(&all).len(), 7, "{query}");
        let mut walked = Vec::new();
        for page in 1..=4 {
            let (status, body) = send(app.authed(
                &s.tenant,
                Method::GET,
                &format!("/api/v1/invoices?{query}&per_page=3&page={page}"),
            ))
            .await;
            assert_eq!(status, 200, "{query} page {page}: {body}");
            assert_eq!(body["meta"]["pagination"]["total_count"], 7, "{query}");
            walked.extend(ids(&body));
        }
        assert_eq!(walked, ids(&all), "{query}");
    }
}

/// The unfiltered total comes from a per-business counter kept by triggers: it follows
/// creates, deletes and restores exactly, apart from other businesses, like a count.
#[tokio::test]
async fn the_list_total_follows_creates_and_deletes_exactly() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = setup(&app, "Other").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await["id"].clone(),
        );
    }
    post(
        &app,
        &other.tenant,
        "/api/v1/invoices",
        documented_body(&other),
    )
    .await;
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("/api/v1/invoices/{}", ids[1]),
    ))
    .await;
    assert_eq!(status, 204);
    let total = |path: &'static str| {
        let app = &app;
        let tenant = &s.tenant;
        async move {
            let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
            assert_eq!(status, 200, "{path}: {body}");
            body["meta"]["pagination"]["total_count"].as_i64().unwrap()
        }
    };
    assert_eq!(total("/api/v1/invoices").await, 2);
    assert_eq!(total("/api/v1/invoices?include_deleted=true").await, 3);
    assert_eq!(total("/api/v1/invoices?status=draft").await, 2);
    let counted: (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE discarded_at IS NULL), count(*) FROM invoices
         WHERE business_id = $1",
    )
    .bind(s.tenant.business_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(counted, (2, 3));
}
