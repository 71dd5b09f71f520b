//! `GET /api/v1/invoices`: filters, sorting, pages and the total.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, assert_error, documented_invoice, patch, post, send, setup};

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
    let a = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let mut body = documented_invoice(&s);
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

/// Pages are cut from the sorted, filtered list (the page's ids first, then their
/// rows): walking the pages gives the whole list once, in order, with or without a filter.
#[tokio::test]
async fn pages_walk_the_sorted_filtered_list_in_order() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for price in [30, 10, 50, 20, 40, 10, 60] {
        let mut body = documented_invoice(&s);
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
            post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"].clone(),
        );
    }
    post(
        &app,
        &other.tenant,
        "/api/v1/invoices",
        documented_invoice(&other),
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
