//! `GET /api/v1/payments` and `GET /api/v1/invoices/{id}/payments`.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, invoice_of, post, send, setup};

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
