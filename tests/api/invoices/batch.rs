//! `POST /api/v1/invoices/batch`: all created with consecutive numbers, or none with
//! every refusal named by index; the request's bounds; two batches at once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Setup, TestApp, assert_error, event_count, get, send, setup};

fn invoice(s: &Setup, item: Value) -> Value {
    json!({"customer_id": s.customer_id, "currency": "USD",
           "issued_at": "2025-10-12T00:00:00.000Z", "items_attributes": [item]})
}

fn line(price: &str) -> Value {
    json!({"name": "Consulting", "quantity": 1, "unit_price": price})
}

async fn batch(app: &TestApp, s: &Setup, invoices: Vec<Value>) -> reqwest::Response {
    app.authed(&s.tenant, Method::POST, "/api/v1/invoices/batch")
        .json(&json!({"invoices": invoices}))
        .send()
        .await
        .unwrap()
}

fn numbers(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_invoice_is_created_with_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let response = batch(
        &app,
        &s,
        vec![
            invoice(&s, line("10")),
            invoice(&s, line("20")),
            invoice(&s, line("30")),
        ],
    )
    .await;
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(numbers(&answer), ["INV-0001", "INV-0002", "INV-0003"]);
    let totals: Vec<i64> = answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["total"]["cents"].as_i64().unwrap())
        .collect();
    assert_eq!(totals, [1000, 2000, 3000]);
    let id = answer["data"][1]["id"].as_i64().unwrap();
    assert_eq!(
        get(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await["data"],
        answer["data"][1]
    );
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.created").await,
        3
    );
}

#[tokio::test]
async fn one_refused_invoice_creates_none_and_every_problem_is_named_by_index() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let other = setup(&app, "Other").await;
    let mut bad_quantity = invoice(&s, line("10"));
    bad_quantity["items_attributes"][0]["quantity"] = json!("abc");
    let mut their_customer = invoice(&s, line("10"));
    their_customer["customer_id"] = json!(other.customer_id);
    let body = assert_error(
        batch(
            &app,
            &s,
            vec![
                invoice(&s, line("10")),
                bad_quantity,
                invoice(&s, line("10")),
            ],
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        body["errors"],
        json!({"invoices[1].items_attributes[0].quantity": ["is not a number"]})
    );
    // Refusals the billing rules make (after reading) are named the same way.
    let body = assert_error(
        batch(&app, &s, vec![invoice(&s, line("10")), their_customer]).await,
        422,
    )
    .await;
    assert_eq!(
        body["errors"],
        json!({"invoices[1].customer_id": ["does not exist"]}),
        "{body}"
    );
    // Two invoices given the same number: the database's refusal, and the batch goes on.
    let mut first = invoice(&s, line("10"));
    first["number"] = json!("X-1");
    let second = first.clone();
    let mut third = invoice(&s, line("10"));
    third["payment_term_id"] = json!(999_999);
    let body = assert_error(batch(&app, &s, vec![first, second, third]).await, 422).await;
    let errors = body["errors"].as_object().unwrap();
    assert_eq!(
        errors["invoices[1].number"],
        json!(["has already been taken"]),
        "{body}"
    );
    assert_eq!(
        errors["invoices[2].payment_term_id"],
        json!(["does not exist"]),
        "{body}"
    );

    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(list["data"], json!([]), "none was created");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.created").await,
        0
    );
    // And no number was used up.
    let response = batch(&app, &s, vec![invoice(&s, line("10"))]).await;
    let answer: Value = response.json().await.unwrap();
    assert_eq!(numbers(&answer), ["INV-0001"]);
}

#[tokio::test]
async fn the_batch_itself_is_bounded() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let body = assert_error(
        batch(&app, &s, vec![invoice(&s, line("1")); 101]).await,
        422,
    )
    .await;
    assert!(
        body["errors"]["invoices"][0]
            .as_str()
            .unwrap()
            .contains("100"),
        "{body}"
    );
    let body = assert_error(batch(&app, &s, vec![]).await, 422).await;
    assert_eq!(body["errors"], json!({"invoices": ["can't be empty"]}));
    let body = assert_error(batch(&app, &s, vec![json!(7)]).await, 422).await;
    assert_eq!(
        body["errors"],
        json!({"invoices[0]": ["must be an object"]})
    );
}

#[tokio::test]
async fn two_batches_at_once_each_get_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let sibling = app.spawn_sibling(|_| {}).await;
    let ten = vec![invoice(&s, line("1")); 10];
    let (a, b) = tokio::join!(batch(&app, &s, ten.clone()), batch(&sibling, &s, ten));
    let mut all = Vec::new();
    for response in [a, b] {
        assert_eq!(response.status(), 201);
        let answer: Value = response.json().await.unwrap();
        let got: Vec<u32> = numbers(&answer)
            .iter()
            .map(|n| n.trim_start_matches("INV-").parse().unwrap())
            .collect();
        assert!(
            got.windows(2).all(|w| w[1] == w[0] + 1),
            "consecutive: {got:?}"
        );
        all.extend(got);
    }
    all.sort();
    assert_eq!(all, (1..=20).collect::<Vec<_>>(), "gap-free across both");
}
