//! `POST /api/v1/invoices/{id}/payments` and `POST /api/v1/payments`: settling
//! invoices, the rules of a payment, concurrency.

use reqwest::Method;
use serde_json::{Value, json};

use super::{count, events, pay};
use crate::harness::{
    TestApp, assert_error, assert_settled_exactly, concurrent_payments, documented_invoice,
    invoice_of, json, post, send, setup, show, usd,
};

#[tokio::test]
async fn a_partial_then_a_full_payment_settle_the_invoice_and_deleting_one_reopens_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = inv["id"].as_i64().unwrap();
    let inv_path = format!("/api/v1/invoices/{id}");
    assert_eq!(inv["total"], usd(43700));

    // A payment on a draft is allowed: partial.
    let response = app
        .authed(&s.tenant, Method::POST, &format!("{inv_path}/payments"))
        .json(
            &json!({"payment": {"amount": "137.00", "payment_method": "card",
                                  "reference": "R-1", "paid_at": "2025-10-20"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let first = json(response).await["data"].clone();
    let first_id = first["id"].as_i64().unwrap();
    assert_eq!(
        location,
        format!("http://localhost:3000/api/v1/payments/{first_id}.json")
    );
    assert_eq!(first["url"], location.as_str());
    assert_eq!(first["amount"], usd(13700));
    assert_eq!(first["currency"], "USD");
    assert_eq!(first["invoice_id"], id);
    assert_eq!(
        first["customer_id"], s.customer_id,
        "taken from the invoice"
    );
    assert_eq!(first["business_id"], s.tenant.business_id);
    assert_eq!(first["payment_method"], "card");
    assert_eq!(first["reference"], "R-1");
    assert_eq!(first["paid_at"], "2025-10-20T00:00:00.000Z");
    assert_eq!(first["created_at"], "2025-10-21T03:39:57.825Z");
    assert!(first["discarded_at"].is_null());
    let shown = show(&app, &s.tenant, &inv_path).await;
    assert_eq!(
        (&shown["status"], &shown["paid"], &shown["balance"]),
        (&json!("partial"), &json!(false), &usd(30000))
    );

    // The rest, through /payments with invoice_id: paid.
    let second = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"invoice_id": id, "amount": 300, "currency": "usd"}),
    )
    .await;
    assert_eq!(second["payment_method"], "other");
    let shown = show(&app, &s.tenant, &inv_path).await;
    assert_eq!(
        (&shown["status"], &shown["paid"], &shown["balance"]),
        (&json!("paid"), &json!(true), &usd(0))
    );
    assert_eq!(shown["paid_at"], "2025-10-21T03:39:57.825Z");
    let (_, listed) =
        send(app.authed(&s.tenant, Method::GET, &format!("{inv_path}/payments"))).await;
    assert_eq!(listed["meta"]["pagination"]["total_count"], 2);

    // Deleting a payment reopens the invoice; deleting the last sends it back to sent.
    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/payments/{first_id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let shown = show(&app, &s.tenant, &inv_path).await;
    assert_eq!(
        (&shown["status"], &shown["paid"], &shown["balance"]),
        (&json!("partial"), &json!(false), &usd(13700))
    );
    assert!(shown["paid_at"].is_null());
    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/payments/{}", second["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let shown = show(&app, &s.tenant, &inv_path).await;
    assert_eq!(
        (&shown["status"], &shown["balance"]),
        (&json!("sent"), &usd(43700))
    );
    // Soft: hidden, but shown with include_deleted.
    let path = format!("/api/v1/payments/{first_id}");
    assert_error(
        app.authed(&s.tenant, Method::GET, &path)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let deleted = show(&app, &s.tenant, &format!("{path}?include_deleted=true")).await;
    assert!(deleted["discarded_at"].is_string());
    let (_, listed) =
        send(app.authed(&s.tenant, Method::GET, &format!("{inv_path}/payments"))).await;
    assert_eq!(listed["data"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_payments_of_10_against_100_apply_exactly_ten() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 20).await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100.00").await;
    let statuses = concurrent_payments(&[&app], &s.tenant, id, 50).await;
    assert_settled_exactly(&app, &s.tenant, id, &statuses).await;
}

#[tokio::test]
async fn each_bad_payment_is_a_clear_4xx_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let theirs = setup(&app, "Theirs").await;
    let id = invoice_of(&app, &s, "100.00").await;
    let their_invoice = invoice_of(&app, &theirs, "100.00").await;
    let void = invoice_of(&app, &s, "50").await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{void}/status"),
        )
        .json(&json!({"status": "void"})),
    )
    .await;
    let deleted = invoice_of(&app, &s, "50").await;
    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/invoices/{deleted}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let events_before = events(&app, s.tenant.business_id).await.len();

    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"invoice_id": id, "amount": "10", "currency": "EUR"}),
            "currency",
        ),
        (json!({"invoice_id": id, "amount": "0"}), "amount"),
        (json!({"invoice_id": id, "amount": -5}), "amount"),
        (json!({"invoice_id": id, "amount": "100.01"}), "amount"),
        (json!({"invoice_id": id, "amount": "1.001"}), "amount"),
        (json!({"invoice_id": id, "amount": "ten"}), "amount"),
        (json!({"invoice_id": id}), "amount"),
        (
            json!({"invoice_id": id, "amount": 1, "payment_method": "gold"}),
            "payment_method",
        ),
        (
            json!({"invoice_id": id, "amount": 1, "paid_at": "yesterday"}),
            "paid_at",
        ),
        (
            json!({"invoice_id": their_invoice, "amount": "10"}),
            "invoice_id",
        ),
        (json!({"invoice_id": void, "amount": "10"}), "invoice_id"),
        (json!({"invoice_id": deleted, "amount": "10"}), "invoice_id"),
        (
            json!({"invoice_id": id, "amount": 1, "customer_id": theirs.customer_id}),
            "customer_id",
        ),
        (json!({"amount": "10"}), "currency"),
        (json!({"amount": "10", "currency": "XYZ"}), "currency"),
        (
            json!({"amount": "10", "currency": "USD", "customer_id": theirs.customer_id}),
            "customer_id",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .authed(&s.tenant, Method::POST, "/api/v1/payments")
            .json(&json!({"payment": body}))
            .send()
            .await
            .unwrap();
        let err = assert_error(response, 422).await;
        assert!(err["errors"][field].is_array(), "{field} for {body}: {err}");
    }
    // Their invoice, the void one and a deleted one through the path.
    let (status, err) = pay(&app, &s.tenant, their_invoice, "10").await;
    assert_eq!(status, 404, "{err}");
    let (status, _) = pay(&app, &s.tenant, deleted, "10").await;
    assert_eq!(status, 404);
    let (status, err) = pay(&app, &s.tenant, void, "10").await;
    assert_eq!(status, 422);
    assert!(
        err["errors"]["invoice_id"][0]
            .as_str()
            .unwrap()
            .contains("void")
    );
    // Several problems at once are all named.
    let (status, err) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/payments")
            .json(&json!({"invoice_id": id, "amount": "500", "currency": "EUR"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["currency"].is_array(), "{err}");
    // Overpayment names the balance.
    let (_, err) = pay(&app, &s.tenant, id, "100.01").await;
    assert!(
        err["errors"]["amount"][0]
            .as_str()
            .unwrap()
            .contains("100.00 USD"),
        "{err}"
    );

    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 0);
    assert_eq!(
        events(&app, s.tenant.business_id).await.len(),
        events_before
    );
    let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(
        (&shown["status"], &shown["balance"]),
        (&json!("sent"), &usd(10000))
    );
}

#[tokio::test]
async fn a_standalone_payment_needs_a_currency_and_may_name_a_customer() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let p = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"payment": {"amount": "1500", "currency": "jpy", "customer_id": s.customer_id,
                           "notes": "Deposit"}}),
    )
    .await;
    assert_eq!(p["amount"], json!({"cents": 1500, "currency_iso": "JPY"}));
    assert_eq!(p["customer_id"], s.customer_id);
    assert!(p["invoice_id"].is_null());
    let p = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"amount": "1.5", "currency": "KWD"}),
    )
    .await;
    assert_eq!(p["amount"], json!({"cents": 1500, "currency_iso": "KWD"}));
    assert!(p["customer_id"].is_null());
}
