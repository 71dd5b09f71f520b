//! `PATCH /api/v1/invoices/{id}` once issued: what an invoice that left draft may no
//! longer change (each field refused by name), and what it still may.

use serde_json::{Value, json};

use crate::harness::{
    Setup, TestApp, documented_invoice, patch, post, set_invoice_status, setup, show, usd,
};

const RULE: &str = "issued invoices cannot change; issue a credit note";

/// Each locked field with a value other than the documented invoice's.
fn changed_fields(other_customer: i64, item_id: i64, vat_line: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("number", json!("INV-9999")),
        ("customer_id", json!(other_customer)),
        ("currency", json!("EUR")),
        ("issued_at", json!("2025-10-13T00:00:00.000Z")),
        ("items_attributes", json!([{"id": item_id, "quantity": 2}])),
        (
            "invoice_taxes_attributes",
            json!([{"id": vat_line, "_destroy": true}]),
        ),
        ("discount_type", json!("fixed")),
        ("discount_value", json!("6")),
    ]
}

async fn other_customer(app: &TestApp, s: &Setup) -> i64 {
    let c = post(
        app,
        &s.tenant,
        "/api/v1/customers",
        json!({"name": "Other", "currency": "usd"}),
    )
    .await;
    c["id"].as_i64().unwrap()
}

/// The documented invoice, moved to `status`: `sent`, `paid` (marked as paid) or `void`.
async fn invoice_in(app: &TestApp, s: &Setup, status: &str) -> Value {
    let inv = post(app, &s.tenant, "/api/v1/invoices", documented_invoice(s)).await;
    let id = inv["id"].as_i64().unwrap();
    match status {
        "draft" => {}
        "paid" => {
            let (code, body) = patch(
                app,
                &s.tenant,
                &format!("/api/v1/invoices/{id}/mark_as_paid"),
                json!({}),
            )
            .await;
            assert_eq!(code, 200, "{body}");
        }
        other => set_invoice_status(app, &s.tenant, id, other).await,
    }
    show(app, &s.tenant, &format!("/api/v1/invoices/{id}")).await
}

#[tokio::test]
async fn an_issued_invoice_refuses_each_locked_field_by_name_and_says_why() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = other_customer(&app, &s).await;
    for status in ["sent", "paid", "void"] {
        let inv = invoice_in(&app, &s, status).await;
        assert_eq!(inv["status"], status);
        let path = format!("/api/v1/invoices/{}", inv["id"]);
        let item = inv["items"][0]["id"].as_i64().unwrap();
        let vat_line = inv["taxes"][0]["id"].as_i64().unwrap();
        let fields = changed_fields(other, item, vat_line);
        // One at a time: each is refused on its own, by name.
        for (field, value) in &fields {
            let (code, body) =
                patch(&app, &s.tenant, &path, json!({"invoice": {*field: value}})).await;
            assert_eq!(code, 422, "{status} {field}: {body}");
            assert_eq!(
                body["errors"][field],
                json!([RULE]),
                "{status} {field}: {body}"
            );
            assert_eq!(body["errors"].as_object().unwrap().len(), 1, "{body}");
            let message = body["message"].as_str().unwrap();
            assert!(
                message.starts_with("Issued invoices cannot change; issue a credit note"),
                "{message}"
            );
            assert!(message.contains(field), "{message}");
        }
        // All at once, with an allowed field beside them: every one named, nothing changed.
        let mut all: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(f, v)| (f.to_string(), v.clone()))
            .collect();
        all.insert("notes".into(), json!("not saved"));
        let (code, body) = patch(&app, &s.tenant, &path, Value::Object(all)).await;
        assert_eq!(code, 422, "{body}");
        let named: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
        assert_eq!(named.len(), fields.len(), "{body}");
        for (field, _) in &fields {
            assert_eq!(
                body["errors"][field],
                json!([RULE]),
                "{status} {field}: {body}"
            );
        }
        let after = show(&app, &s.tenant, &path).await;
        assert_eq!(after["number"], inv["number"]);
        assert_eq!(after["total"], usd(43700));
        assert_eq!(after["notes"], "");
        assert_eq!(after["updated_at"], inv["updated_at"]);
    }
}

#[tokio::test]
async fn a_draft_changes_every_field_that_an_issued_invoice_locks() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = other_customer(&app, &s).await;
    let inv = invoice_in(&app, &s, "draft").await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    let item = inv["items"][0]["id"].as_i64().unwrap();
    let vat_line = inv["taxes"][0]["id"].as_i64().unwrap();
    let mut all: serde_json::Map<String, Value> = changed_fields(other, item, vat_line)
        .into_iter()
        .map(|(f, v)| (f.to_string(), v))
        .collect();
    all.insert("due_at".into(), json!("2025-10-20T00:00:00.000Z"));
    let (code, body) = patch(&app, &s.tenant, &path, Value::Object(all)).await;
    assert_eq!(code, 200, "{body}");
    let d = &body["data"];
    assert_eq!(d["number"], "INV-9999");
    assert_eq!(d["customer_id"], other);
    assert_eq!(d["currency"], "EUR");
    assert_eq!(d["issued_at"], "2025-10-13T00:00:00.000Z");
    assert_eq!(d["taxes"], json!([]));
    // 2 × 400.00 − 6.00 fixed.
    assert_eq!(d["total"], json!({"cents": 79400, "currency_iso": "EUR"}));
}

#[tokio::test]
async fn an_issued_invoice_accepts_its_locked_fields_resent_unchanged() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = invoice_in(&app, &s, "sent").await;
    let path = format!("/api/v1/invoices/{}", inv["id"]);
    // What a client read, sent back whole (lower-case currency, the item as shown, the
    // tax named again, the discount value as a number), with new notes.
    let items: Vec<Value> = inv["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            json!({"id": i["id"], "name": i["name"], "quantity": i["quantity"],
                        "unit_price": i["unit_price"], "description": i["description"]})
        })
        .collect();
    let body = json!({"invoice": {
        "number": inv["number"], "customer_id": inv["customer_id"], "currency": "usd",
        "issued_at": inv["issued_at"], "due_at": inv["due_at"], "discount_type": "percent",
        "discount_value": 5.0, "items_attributes": items,
        "invoice_taxes_attributes": [{"tax_id": s.vat_id}], "notes": "Thanks!",
        "status": "sent", "total": inv["total"]
    }});
    let (code, answer) = patch(&app, &s.tenant, &path, body).await;
    assert_eq!(code, 200, "{answer}");
    let d = &answer["data"];
    assert_eq!(d["notes"], "Thanks!");
    assert_eq!(d["total"], usd(43700));
    assert_eq!(d["items"], inv["items"]);
    assert_eq!(d["taxes"][0]["id"], inv["taxes"][0]["id"]);
}

#[tokio::test]
async fn an_issued_invoice_still_changes_its_due_date_payment_term_and_notes() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (_, terms) =
        crate::harness::send(app.authed(&s.tenant, reqwest::Method::GET, "/api/v1/payment_terms"))
            .await;
    let net_30 = terms["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["value"] == 30)
        .unwrap()["id"]
        .clone();
    for status in ["sent", "paid", "void"] {
        let inv = invoice_in(&app, &s, status).await;
        let path = format!("/api/v1/invoices/{}", inv["id"]);
        let (code, body) = patch(
            &app,
            &s.tenant,
            &path,
            json!({"due_at": "2025-11-11T00:00:00.000Z", "payment_term_id": net_30,
                   "notes": "Pay by transfer"}),
        )
        .await;
        assert_eq!(code, 200, "{status}: {body}");
        let d = &body["data"];
        assert_eq!(d["due_at"], "2025-11-11T00:00:00.000Z");
        assert_eq!(d["payment_term_id"], net_30);
        assert_eq!(d["payment_term"]["value"], 30);
        assert_eq!(d["notes"], "Pay by transfer");
        assert_eq!(d["status"], status);
        assert_eq!(d["total"], usd(43700));
        // The allowed fields are still checked.
        let (code, body) = patch(
            &app,
            &s.tenant,
            &path,
            json!({"due_at": "2025-10-01T00:00:00.000Z"}),
        )
        .await;
        assert_eq!(code, 422, "{body}");
        assert!(body["errors"]["due_at"].is_array(), "{body}");
    }
}

#[tokio::test]
async fn a_partly_paid_invoice_refuses_a_new_discount_by_name() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = invoice_in(&app, &s, "draft").await;
    let id = inv["id"].as_i64().unwrap();
    post(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/payments"),
        json!({"payment": {"amount": "300.00", "payment_method": "cash"}}),
    )
    .await;
    let path = format!("/api/v1/invoices/{id}");
    assert_eq!(show(&app, &s.tenant, &path).await["status"], "partial");
    let (code, body) = patch(&app, &s.tenant, &path, json!({"discount_value": 10})).await;
    assert_eq!(code, 422, "{body}");
    assert_eq!(body["errors"]["discount_value"], json!([RULE]), "{body}");
}

#[tokio::test]
async fn the_openapi_document_states_the_lock_on_both_patch_operations() {
    let app = TestApp::spawn().await;
    let spec: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    for (path, rule) in [
        ("/api/v1/invoices/{id}", RULE),
        (
            "/api/v1/quotes/{id}",
            "accepted or invoiced quotes cannot change",
        ),
    ] {
        let patch = &spec["paths"][path]["patch"];
        let description = patch["description"].as_str().unwrap_or_default();
        assert!(description.contains(rule), "{path}: {description}");
        let refused = patch["responses"]["422"]["description"].as_str().unwrap();
        assert!(refused.contains("named in `errors`"), "{path}: {refused}");
    }
}
