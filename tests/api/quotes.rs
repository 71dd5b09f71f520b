//! `/api/v1/quotes`: the documented create, the lifecycle, conversion into an invoice.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, assert_error, json, send};
use crate::invoices::{post, setup};

/// The documents' create-quote request, verbatim but for the customer id.
pub fn documented_body(customer_id: i64) -> Value {
    json!({
        "quote": {
            "issued_at": "2025-10-12T10:00:00.000Z",
            "expires_at": "2025-10-28T10:00:00.000Z",
            "currency": "USD",
            "customer_id": customer_id,
            "summary": "this is an estimate",
            "items_attributes": [
                { "name": "Design and development", "quantity": 12, "unit_price": 340, "total": 4080.0 }
            ],
            "discount_type": "percent",
            "discount_value": 10,
            "notes": "Valid for 30 days."
        }
    })
}

/// A change made to the documented body before sending it.
type BodyChange = Box<dyn Fn(&mut Value)>;

fn usd(cents: i64) -> Value {
    json!({"cents": cents, "currency_iso": "USD"})
}

async fn patch(app: &TestApp, tenant: &Tenant, path: &str, body: Value) -> (u16, Value) {
    send(app.authed(tenant, Method::PATCH, path).json(&body)).await
}

#[tokio::test]
async fn the_documents_create_request_answers_the_documented_shape_with_the_discount_applied() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/quotes")
        .json(&documented_body(s.customer_id))
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
        let mut body = documented_body(s.customer_id);
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
            .json(&documented_body(other.customer_id)),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        err["errors"]["customer_id"].is_array(),
        "a foreign customer: {err}"
    );
}

#[tokio::test]
async fn conversion_makes_a_draft_invoice_with_the_same_totals_once() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(s.customer_id);
    body["quote"]["quote_taxes_attributes"] = json!([{"tax_id": s.vat_id}]);
    let q = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    assert_eq!(q["tax_total"], usd(55080));
    let id = q["id"].as_i64().unwrap();
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/status"),
        json!({"status": "sent"}),
    )
    .await;
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/status"),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(status, 200);

    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("/api/v1/invoices/")
    );
    let inv = json(response).await["data"].clone();
    assert_eq!(inv["number"], "INV-0001");
    assert_eq!(inv["status"], "draft");
    for field in [
        "customer_id",
        "currency",
        "notes",
        "discount_type",
        "discount_value",
        "subtotal",
        "discount",
        "tax_total",
        "total",
    ] {
        assert_eq!(inv[field], q[field], "{field}");
    }
    assert_eq!(inv["balance"], q["total"]);
    assert_eq!(inv["items"][0]["name"], "Design and development");
    assert_eq!(inv["items"][0]["total"], "4080.0");
    assert_eq!(inv["taxes"][0]["tax_amount"], usd(55080));

    let (_, shown) =
        send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/quotes/{id}"))).await;
    assert_eq!(shown["data"]["status"], "invoiced");
    assert_eq!(shown["data"]["invoice_id"], inv["id"]);
    assert!(shown["data"]["invoiced_at"].is_string());

    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    let (_, invoices) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(invoices["meta"]["pagination"]["total_count"], 1);
}

#[tokio::test]
async fn the_lifecycle_stamps_its_dates_and_names_allowed_moves() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(s.customer_id);
    body["quote"]["issued_at"] = json!("2025-10-21T00:00:00Z");
    body["quote"]["expires_at"] = json!("2025-11-05T00:00:00Z");
    let q = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let path = format!("/api/v1/quotes/{}/status", q["id"]);
    let (status, err) = patch(&app, &s.tenant, &path, json!({"status": "accepted"})).await;
    assert_eq!(status, 422);
    assert!(
        err["errors"]["status"][0]
            .as_str()
            .unwrap()
            .contains("allowed: sent"),
        "{err}"
    );
    for next in ["sent", "viewed", "rejected"] {
        let (status, body) = patch(&app, &s.tenant, &path, json!({"status": next})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", q["id"]),
    ))
    .await;
    let shown = &shown["data"];
    assert_eq!(shown["status"], "rejected");
    assert_eq!(shown["viewed_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(shown["viewd_at"], shown["viewed_at"]);
    assert_eq!(shown["rejected_at"], "2025-10-21T03:39:57.825Z");
    assert!(
        shown["emailed_at"].is_null(),
        "only sending stamps emailed_at"
    );
    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{}/convert", q["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;

    // A sent quote past its date expires; a draft does not.
    let sent = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let draft = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "sent"}),
    )
    .await;
    app.clock.advance(Duration::days(30));
    app.reissue(&mut s.tenant).await;
    let (status, err) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "expired");
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", draft["id"]),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(status, 200, "drafts never expire");
}

#[tokio::test]
async fn duplicate_keeps_the_validity_period_and_update_edits_items() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_body(s.customer_id),
    )
    .await;
    let response = app
        .authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/quotes/{}/duplicate", q["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let copy = json(response).await["data"].clone();
    assert_eq!(copy["number"], "QOT-0002");
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["issued_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(copy["expires_at"], "2025-11-06T03:39:57.825Z");
    assert_eq!(copy["total"], q["total"]);

    let item = q["items"][0]["id"].as_i64().unwrap();
    let (status, body) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}", q["id"]),
        json!({"quote": {"summary": "revised", "items_attributes": [{"id": item, "quantity": 10}]}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["summary"], "revised");
    assert_eq!(body["data"]["subtotal"], usd(340000));
    assert_eq!(body["data"]["total"], usd(306000));
}

#[tokio::test]
async fn lists_filter_and_another_business_quotes_are_invisible() {
    let app = TestApp::spawn().await;
    let mine = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    let a = post(
        &app,
        &mine.tenant,
        "/api/v1/quotes",
        documented_body(mine.customer_id),
    )
    .await;
    let mut body = documented_body(mine.customer_id);
    body["quote"]["summary"] = json!("Roof repair");
    body["quote"]["expires_at"] = json!("2025-12-31");
    let b = post(&app, &mine.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &mine.tenant,
        &format!("/api/v1/quotes/{}/status", b["id"]),
        json!({"status": "sent"}),
    )
    .await;
    let theirs_q = post(
        &app,
        &theirs.tenant,
        "/api/v1/quotes",
        documented_body(theirs.customer_id),
    )
    .await;

    for (query, expected) in [
        ("status=sent", vec![&b]),
        ("q=roof", vec![&b]),
        ("q=QOT-0001", vec![&a]),
        ("expires_from=2025-12-01", vec![&b]),
        ("expires_to=2025-10-28", vec![&a]),
        ("sort=-expires_at", vec![&b, &a]),
    ] {
        let (status, list) = send(app.authed(
            &mine.tenant,
            Method::GET,
            &format!("/api/v1/quotes?{query}"),
        ))
        .await;
        assert_eq!(status, 200);
        let ids: Vec<&Value> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| &q["id"])
            .collect();
        let expected: Vec<&Value> = expected.iter().map(|q| &q["id"]).collect();
        assert_eq!(ids, expected, "{query}");
    }
    let id = theirs_q["id"].as_i64().unwrap();
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/quotes/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{id}"),
            Some(json!({"notes": "x"})),
        ),
        (Method::DELETE, format!("/api/v1/quotes/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{id}/status"),
            Some(json!({"status": "sent"})),
        ),
        (Method::POST, format!("/api/v1/quotes/{id}/convert"), None),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{id}/duplicate"),
            None,
        ),
    ] {
        let mut request = app.authed(&mine.tenant, method, &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert_error(request.send().await.unwrap(), 404).await;
    }
    let response = app
        .authed(
            &mine.tenant,
            Method::DELETE,
            &format!("/api/v1/quotes/{}", a["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, list) = send(app.authed(&mine.tenant, Method::GET, "/api/v1/quotes")).await;
    assert_eq!(list["meta"]["pagination"]["total_count"], 1);
}

#[tokio::test]
async fn the_sweep_expires_sent_quotes_past_their_date_but_not_drafts() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut body = documented_body(s.customer_id);
    body["quote"]["issued_at"] = json!("2025-10-21T00:00:00Z");
    body["quote"]["expires_at"] = json!("2025-10-22T00:00:00Z");
    let sent = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let draft = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", sent["id"]),
        json!({"status": "sent"}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "sent", "not yet");
    app.clock.advance(Duration::days(2));
    app.reissue(&mut s.tenant).await;
    app.runner().run_due().await.unwrap();
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", sent["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "expired");
    assert_eq!(shown["data"]["expired_at"], "2025-10-23T03:39:57.825Z");
    let (_, shown) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/quotes/{}", draft["id"]),
    ))
    .await;
    assert_eq!(shown["data"]["status"], "draft");
}

#[tokio::test]
async fn quote_changes_record_their_events_with_the_quote_as_shown() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_body(s.customer_id),
    )
    .await;
    let id = q["id"].as_i64().unwrap();
    for status in ["sent", "viewed", "accepted"] {
        patch(
            &app,
            &s.tenant,
            &format!("/api/v1/quotes/{id}/status"),
            json!({"status": status}),
        )
        .await;
    }
    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        )
        .send()
        .await
        .unwrap();
    let invoice = json(response).await["data"].clone();
    let events: Vec<(String, Value)> = sqlx::query_as(
        "SELECT type, data FROM events WHERE business_id = $1 AND type LIKE 'quote.%' ORDER BY seq",
    )
    .bind(s.tenant.business_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "quote.created",
            "quote.sent",
            "quote.accepted",
            "quote.converted"
        ]
    );
    assert_eq!(
        events[0].1, q,
        "an event's data is the quote as the API shows it"
    );
    assert_eq!(events[3].1["status"], "invoiced");
    assert_eq!(events[3].1["invoice_id"], invoice["id"]);
    let created: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE type = 'invoice.created' AND data->>'id' = $1",
    )
    .bind(invoice["id"].to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(created, 1);
}
