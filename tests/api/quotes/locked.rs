//! `PATCH /api/v1/quotes/{id}` once accepted or invoiced: what the customer agreed to is
//! fixed (each field refused by name); the summary and notes still change.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{TestApp, documented_quote, patch, post, send, setup, show, usd};

const RULE: &str =
    "accepted or invoiced quotes cannot change; duplicate the quote to offer new terms";

/// The documented quote moved to `status` (`draft`, `sent`, `accepted`, `invoiced`).
async fn quote_in(app: &TestApp, s: &crate::harness::Setup, status: &str) -> Value {
    let q = post(
        app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let id = q["id"].as_i64().unwrap();
    let path = format!("/api/v1/quotes/{id}/status");
    let steps: &[&str] = match status {
        "draft" => &[],
        "sent" => &["sent"],
        _ => &["sent", "accepted"],
    };
    for step in steps {
        let (code, body) = patch(app, &s.tenant, &path, json!({"status": step})).await;
        assert_eq!(code, 200, "{body}");
    }
    if status == "invoiced" {
        let (code, body) = send(app.authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/convert"),
        ))
        .await;
        assert_eq!(code, 201, "{body}");
    }
    show(app, &s.tenant, &format!("/api/v1/quotes/{id}")).await
}

#[tokio::test]
async fn an_accepted_or_invoiced_quote_refuses_each_agreed_field_by_name() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"name": "Other"}),
    )
    .await;
    for status in ["accepted", "invoiced"] {
        let q = quote_in(&app, &s, status).await;
        assert_eq!(q["status"], status);
        let path = format!("/api/v1/quotes/{}", q["id"]);
        let item = q["items"][0]["id"].as_i64().unwrap();
        let fields = [
            ("number", json!("QOT-9999")),
            ("customer_id", other["id"].clone()),
            ("currency", json!("EUR")),
            ("issued_at", json!("2025-10-13T10:00:00.000Z")),
            ("expires_at", json!("2025-12-28T10:00:00.000Z")),
            (
                "items_attributes",
                json!([{"name": "Extra", "quantity": 1, "unit_price": 1}]),
            ),
            ("quote_taxes_attributes", json!([{"tax_id": s.vat_id}])),
            ("discount_type", json!("fixed")),
            ("discount_value", json!(20)),
        ];
        for (field, value) in &fields {
            let (code, body) =
                patch(&app, &s.tenant, &path, json!({"quote": {*field: value}})).await;
            assert_eq!(code, 422, "{status} {field}: {body}");
            assert_eq!(
                body["errors"][field],
                json!([RULE]),
                "{status} {field}: {body}"
            );
            assert_eq!(body["errors"].as_object().unwrap().len(), 1, "{body}");
        }
        let all: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(f, v)| (f.to_string(), v.clone()))
            .collect();
        let (code, body) = patch(&app, &s.tenant, &path, Value::Object(all)).await;
        assert_eq!(code, 422, "{body}");
        assert_eq!(
            body["errors"].as_object().unwrap().len(),
            fields.len(),
            "{body}"
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("Accepted or invoiced quotes cannot change")
        );
        // Resent unchanged, with a new summary and notes: accepted.
        let (code, body) = patch(
            &app,
            &s.tenant,
            &path,
            json!({"number": q["number"], "customer_id": q["customer_id"], "currency": "USD",
                   "issued_at": q["issued_at"], "expires_at": q["expires_at"],
                   "items_attributes": [{"id": item, "quantity": 12, "unit_price": "340"}],
                   "discount_type": "percent", "discount_value": "10.0",
                   "summary": "final scope", "notes": "Signed."}),
        )
        .await;
        assert_eq!(code, 200, "{body}");
        assert_eq!(body["data"]["summary"], "final scope");
        assert_eq!(body["data"]["notes"], "Signed.");
        assert_eq!(body["data"]["total"], usd(367200));
    }
}

#[tokio::test]
async fn a_draft_or_sent_quote_still_changes_its_terms() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for status in ["draft", "sent"] {
        let q = quote_in(&app, &s, status).await;
        let (code, body) = patch(
            &app,
            &s.tenant,
            &format!("/api/v1/quotes/{}", q["id"]),
            json!({"number": format!("QOT-{status}"), "discount_value": 20,
                   "expires_at": "2025-12-28T10:00:00.000Z"}),
        )
        .await;
        assert_eq!(code, 200, "{status}: {body}");
        assert_eq!(body["data"]["number"], format!("QOT-{status}"));
        assert_eq!(body["data"]["total"], usd(326400));
    }
}
