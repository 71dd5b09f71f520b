//! `/api/v1/payments` and `/api/v1/invoices/{id}/payments`: balances, statuses, the
//! rules of a payment, concurrency, tenancy, lists, and the events every change records.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};
use crate::invoices::{Setup, documented_body, post, setup};

fn usd(cents: i64) -> Value {
    json!({"cents": cents, "currency_iso": "USD"})
}

/// A sent invoice with one item of `amount` USD, no discount and no tax.
pub async fn invoice_of(app: &TestApp, s: &Setup, amount: &str) -> i64 {
    let mut body = documented_body(s);
    let inv = body["invoice"].as_object_mut().unwrap();
    inv.remove("discount_type");
    inv.remove("discount_value");
    inv["invoice_taxes_attributes"] = json!([]);
    inv["items_attributes"][0]["unit_price"] = json!(amount);
    let id = post(app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/status"),
        )
        .json(&json!({"status": "sent"})),
    )
    .await;
    assert_eq!(status, 200);
    id
}

async fn show(app: &TestApp, tenant: &Tenant, path: &str) -> Value {
    let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body["data"].clone()
}

async fn pay(app: &TestApp, tenant: &Tenant, invoice_id: i64, amount: &str) -> (u16, Value) {
    send(
        app.authed(
            tenant,
            Method::POST,
            &format!("/api/v1/invoices/{invoice_id}/payments"),
        )
        .json(&json!({"payment": {"amount": amount, "payment_method": "bank_transfer"}})),
    )
    .await
}

/// The business's invoice and payment events, oldest first (its customers' are left out).
async fn events(app: &TestApp, business_id: i64) -> Vec<(String, String, Value)> {
    sqlx::query_as::<_, (String, String, sqlx::types::Json<Value>)>(
        "SELECT id, type, data FROM events
         WHERE business_id = $1 AND type NOT LIKE 'customer.%' ORDER BY seq",
    )
    .bind(business_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(id, t, data)| (id, t, data.0))
    .collect()
}

/// An invoice's status and balance in cents.
async fn state_of(app: &TestApp, tenant: &Tenant, id: i64) -> (String, i64) {
    let shown = show(app, tenant, &format!("/api/v1/invoices/{id}")).await;
    (
        shown["status"].as_str().unwrap().to_string(),
        shown["balance"]["cents"].as_i64().unwrap(),
    )
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_partial_then_a_full_payment_settle_the_invoice_and_deleting_one_reopens_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_body(&s)).await;
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

/// Sends `n` payments of 10.00, alternating between the servers, all at once.
pub async fn concurrent_payments(
    apps: &[&TestApp],
    tenant: &Tenant,
    id: i64,
    n: usize,
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let request = apps[i % apps.len()]
            .authed(
                tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/payments"),
            )
            .json(&json!({"amount": "10.00"}));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = json(response).await;
            if status == 422 {
                assert!(body["errors"]["amount"].is_array(), "{body}");
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

/// Ten payments of 10.00 went in, the rest were refused, the balance is exactly 0.
pub async fn assert_settled_exactly(app: &TestApp, tenant: &Tenant, id: i64, statuses: &[u16]) {
    let ok = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((ok, refused), (10, statuses.len() - 10), "{statuses:?}");
    let shown = show(app, tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(shown["balance"], usd(0));
    assert_eq!(shown["status"], "paid");
    let (sum, n): (i64, i64) = sqlx::query_as(
        "SELECT sum(amount_cents)::bigint, count(*) FROM payments
         WHERE invoice_id = $1 AND discarded_at IS NULL",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((sum, n), (10000, 10));
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

#[tokio::test]
async fn an_update_moves_money_between_invoices_and_resettles_both() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let a = invoice_of(&app, &s, "100").await;
    let b = invoice_of(&app, &s, "50").await;
    let (_, p) = pay(&app, &s.tenant, a, "100").await;
    let path = format!("/api/v1/payments/{}", p["data"]["id"]);
    let balance = |app, id| state_of(app, &s.tenant, id);
    assert_eq!(balance(&app, a).await, ("paid".into(), 0));

    // Lowering the amount reopens; its own amount counts as available.
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "60"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["amount"], usd(6000));
    assert_eq!(balance(&app, a).await, ("partial".into(), 4000));
    let (status, _) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100.01"})),
    )
    .await;
    assert_eq!(status, 422, "{err}");

    // Moving 100 to an invoice of 50 is refused; moving 50 is fine, and both settle.
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"invoice_id": b})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["amount"].is_array(), "{err}");
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"payment": {"invoice_id": b, "amount": "50", "reference": "moved"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["invoice_id"], b);
    assert_eq!(body["data"]["reference"], "moved");
    assert_eq!(balance(&app, a).await, ("sent".into(), 10000));
    assert_eq!(balance(&app, b).await, ("paid".into(), 0));

    // Unlinking makes it standalone and reopens the invoice; null clears the reference.
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"invoice_id": null, "reference": null})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["invoice_id"].is_null() && body["data"]["reference"].is_null());
    assert_eq!(balance(&app, b).await, ("sent".into(), 5000));
    // A currency change needs the amount with it.
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"currency": "EUR"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["amount"].is_array(), "{err}");
}

#[tokio::test]
async fn another_business_payments_are_invisible_and_unusable() {
    let app = TestApp::spawn().await;
    let mine = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    let their_invoice = invoice_of(&app, &theirs, "100").await;
    let (_, p) = pay(&app, &theirs.tenant, their_invoice, "10").await;
    let id = p["data"]["id"].as_i64().unwrap();
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/payments/{id}"), None),
        (
            Method::GET,
            format!("/api/v1/payments/{id}.json?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/payments/{id}"),
            Some(json!({"amount": 1})),
        ),
        (Method::DELETE, format!("/api/v1/payments/{id}"), None),
        (
            Method::GET,
            format!("/api/v1/invoices/{their_invoice}/payments"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{their_invoice}/payments"),
            Some(json!({"amount": 1})),
        ),
    ] {
        let mut request = app.authed(&mine.tenant, method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert_error(request.send().await.unwrap(), 404).await;
    }
    for path in [
        "/api/v1/payments?include_deleted=true".to_string(),
        format!("/api/v1/payments?invoice_id={their_invoice}"),
    ] {
        let (_, list) = send(app.authed(&mine.tenant, Method::GET, &path)).await;
        assert_eq!(list["data"], json!([]), "{path}");
    }
    let shown = show(&app, &theirs.tenant, &format!("/api/v1/payments/{id}")).await;
    assert_eq!(shown["amount"], usd(1000), "untouched");
}

#[tokio::test]
async fn the_list_filters_and_sorts() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"name": "Zulu"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let a = invoice_of(&app, &s, "100").await;
    let p1 = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"invoice_id": a, "amount": 30,
        "payment_method": "cash", "paid_at": "2025-10-01T10:00:00Z"}),
    )
    .await;
    let p2 = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"invoice_id": a, "amount": 10,
        "payment_method": "card", "paid_at": "2025-10-05"}),
    )
    .await;
    let p3 = post(
        &app,
        &s.tenant,
        "/api/v1/payments",
        json!({"amount": 20, "currency": "USD",
        "customer_id": other, "payment_method": "card", "paid_at": "2025-10-09"}),
    )
    .await;
    let (p1, p2, p3) = (
        p1["id"].as_i64().unwrap(),
        p2["id"].as_i64().unwrap(),
        p3["id"].as_i64().unwrap(),
    );
    let cases: Vec<(String, Vec<i64>)> = vec![
        (String::new(), vec![p1, p2, p3]),
        (format!("invoice_id={a}"), vec![p1, p2]),
        (format!("customer_id={other}"), vec![p3]),
        (format!("customer_id={}", s.customer_id), vec![p1, p2]),
        ("payment_method=card".into(), vec![p2, p3]),
        ("paid_from=2025-10-05".into(), vec![p2, p3]),
        ("paid_to=2025-10-05".into(), vec![p1, p2]),
        (
            "paid_from=2025-10-01T10:00:01Z&paid_to=2025-10-08".into(),
            vec![p2],
        ),
        ("sort=amount".into(), vec![p2, p3, p1]),
        ("sort=-amount".into(), vec![p1, p3, p2]),
        ("sort=-paid_at".into(), vec![p3, p2, p1]),
        ("sort=-created_at".into(), vec![p3, p2, p1]),
    ];
    for (query, expected) in cases {
        let (status, list) =
            send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/payments?{query}"))).await;
        assert_eq!(status, 200, "{query}: {list}");
        let ids: Vec<i64> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, expected, "{query}");
    }
    let (_, list) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{a}/payments?sort=-paid_at"),
    ))
    .await;
    assert_eq!(list["data"][0]["id"], p2);
    for query in [
        "sort=reference",
        "payment_method=gold",
        "paid_from=soon",
        "invoice_id=x",
        "per_page=0",
    ] {
        let response = app
            .authed(&s.tenant, Method::GET, &format!("/api/v1/payments?{query}"))
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
}

#[tokio::test]
async fn a_list_page_and_a_show_cost_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut last = Value::Null;
    for _ in 0..12 {
        last = post(
            &app,
            &s.tenant,
            "/api/v1/payments",
            json!({"amount": 1, "currency": "USD"}),
        )
        .await;
    }
    let (small, small_count) = app
        .counting_queries(app.authed(&s.tenant, Method::GET, "/api/v1/payments?per_page=2"))
        .await;
    let (large, large_count) = app
        .counting_queries(app.authed(&s.tenant, Method::GET, "/api/v1/payments?per_page=12"))
        .await;
    assert_eq!(
        (small.status().as_u16(), large.status().as_u16()),
        (200, 200)
    );
    assert_eq!(small_count, large_count);
    let (shown, show_count) = app
        .counting_queries(app.authed(
            &s.tenant,
            Method::GET,
            &format!("/api/v1/payments/{}", last["id"]),
        ))
        .await;
    assert_eq!(shown.status(), 200);
    assert!(show_count <= 2, "show ran {show_count} queries");
}

#[tokio::test]
async fn every_change_records_its_event_showing_the_resource_as_the_api_does() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let inv_path = format!("/api/v1/invoices/{id}");
    let types =
        |e: &[(String, String, Value)]| e.iter().map(|(_, t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(
        types(&events(&app, s.tenant.business_id).await),
        ["invoice.created", "invoice.sent"]
    );

    let (_, p) = pay(&app, &s.tenant, id, "40").await;
    let pid = p["data"]["id"].as_i64().unwrap();
    let log = events(&app, s.tenant.business_id).await;
    // A partial payment is `invoice.paid` too (Koteshen: "new payment applied (full or
    // partial)"); the invoice's status says partial.
    assert_eq!(types(&log[2..]), ["payment.received", "invoice.paid"]);
    assert!(
        log[2].0.starts_with("evt_") && log[2].0.len() == 36,
        "{}",
        log[2].0
    );
    assert_eq!(log[2].2, p["data"], "the payment as the API shows it");
    assert_eq!(log[3].2, show(&app, &s.tenant, &inv_path).await);
    assert_eq!(log[3].2["status"], "partial");

    let path = format!("/api/v1/payments/{pid}");
    send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100"})),
    )
    .await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[4..]), ["payment.updated", "invoice.paid"]);
    assert_eq!(log[5].2["status"], "paid");

    app.authed(&s.tenant, Method::DELETE, &path)
        .send()
        .await
        .unwrap();
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[6..]), ["payment.deleted", "invoice.updated"]);
    assert!(log[6].2["discarded_at"].is_string());
    assert_eq!(log[7].2["status"], "sent");

    // mark_as_paid goes through the same path.
    send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("{inv_path}/mark_as_paid"),
    ))
    .await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(types(&log[8..]), ["payment.received", "invoice.paid"]);
    assert_eq!(log[8].2["notes"], "Marked as paid");

    // Invoice lifecycle events.
    let other = invoice_of(&app, &s, "5").await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}"),
        )
        .json(&json!({"notes": "n"})),
    )
    .await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}/status"),
        )
        .json(&json!({"status": "void"})),
    )
    .await;
    app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("/api/v1/invoices/{other}"),
    )
    .send()
    .await
    .unwrap();
    send(app.authed(&s.tenant, Method::PATCH, &format!("{inv_path}/duplicate"))).await;
    let log = events(&app, s.tenant.business_id).await;
    assert_eq!(
        types(&log[10..]),
        [
            "invoice.created",
            "invoice.sent",
            "invoice.updated",
            "invoice.voided",
            "invoice.deleted",
            "invoice.created"
        ]
    );
    assert_eq!(log[12].2["notes"], "n");
    assert!(log[14].2["discarded_at"].is_string());

    // A refused change records nothing.
    let before = log.len();
    pay(&app, &s.tenant, id, "1").await;
    send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{other}/status"),
        )
        .json(&json!({"status": "sent"})),
    )
    .await;
    assert_eq!(events(&app, s.tenant.business_id).await.len(), before);
    let theirs = app.tenant("Theirs").await;
    assert!(events(&app, theirs.business_id).await.is_empty());
}

#[tokio::test]
async fn a_change_rolled_back_after_its_event_was_written_leaves_no_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    // A payment slipped in behind the invoice's back: the invoice still shows a balance
    // of 100, so the next payment passes the checks, records payment.received, and only
    // then fails to settle (the total would be over-paid), rolling everything back.
    sqlx::query(
        "INSERT INTO payments (business_id, invoice_id, amount_cents, currency, paid_at)
         VALUES ($1, $2, 10000, 'USD', now())",
    )
    .bind(s.tenant.business_id)
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let before = events(&app, s.tenant.business_id).await.len();
    let (status, err) = pay(&app, &s.tenant, id, "50").await;
    assert_eq!(status, 422, "{err}");
    assert!(err["errors"]["amount"].is_array(), "{err}");
    assert_eq!(events(&app, s.tenant.business_id).await.len(), before);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
}
