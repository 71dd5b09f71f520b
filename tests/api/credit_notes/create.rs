//! Issuing credit notes: the whole invoice, chosen lines and quantities, an amount with a
//! reason; the figures at the invoice's rates; the series; and every refusal by field.

use serde_json::json;

use super::{credit, credited, figures, sent_invoice};
use crate::harness::{Setup, TestApp, patch, post, setup, show, usd};

#[tokio::test]
async fn no_body_credits_the_whole_invoice_with_its_lines_and_taxes() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, items) = sent_invoice(&app, &s).await;
    let note = credited(&app, &s.tenant, invoice, json!({})).await;
    assert_eq!(note["number"], "CN-0001");
    assert_eq!(note["status"], "issued");
    assert_eq!(note["invoice_id"], invoice);
    assert_eq!(note["invoice"]["id"], invoice);
    assert_eq!(note["invoice"]["number"], "INV-0001");
    assert_eq!(figures(&note), [8000, 0, 8000, 1200, 9200]);
    assert_eq!(note["customer_credit"], usd(0));
    let lines = note["items"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["invoice_item_id"], items[0]);
    assert_eq!(lines[0]["name"], "Licence");
    assert_eq!(lines[0]["quantity"], 3);
    assert_eq!(lines[0]["total"], "30.0");
    assert_eq!(note["taxes"][0]["tax_name"], "VAT");
    assert_eq!(note["taxes"][0]["tax_amount"], usd(1200));
    assert_eq!(note["taxes"][0]["tax_rate"], "15.0");
    assert_eq!(note["created_by"]["type"], "user");
    let id = note["id"].as_i64().unwrap();
    assert_eq!(
        show(&app, &s.tenant, &format!("/api/v1/credit_notes/{id}.json")).await,
        note,
        "the show answers what the create did"
    );
}

#[tokio::test]
async fn chosen_lines_are_credited_at_the_invoice_s_prices_and_rates() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, items) = sent_invoice(&app, &s).await;
    // The tax is re-rated after the invoice was issued: the credit keeps 15 %.
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/taxes/{}", s.vat_id),
        json!({"tax": {"rate": "20"}}),
    )
    .await;
    assert_eq!(status, 200);
    let body = json!({"credit_note": {"items": [{"invoice_item_id": items[0], "quantity": "2"}],
                                      "reason": "Two licences returned"}});
    let note = credited(&app, &s.tenant, invoice, body).await;
    assert_eq!(figures(&note), [2000, 0, 2000, 300, 2300]);
    assert_eq!(note["reason"], "Two licences returned");
    assert_eq!(note["items"].as_array().unwrap().len(), 1);
    assert_eq!(note["items"][0]["quantity"], 2);

    // One licence is left to credit; three is too many.
    let body = json!({"items": [{"invoice_item_id": items[0], "quantity": 2}]});
    let (status, err) = credit(&app, &s.tenant, invoice, body).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["items[0].quantity"][0],
        "must be less than or equal to what remains to be credited of the item (1)"
    );
    // The rest: one licence and the setup, 60.00 + 9.00.
    let rest = credited(&app, &s.tenant, invoice, json!({})).await;
    assert_eq!(rest["number"], "CN-0002");
    assert_eq!(figures(&rest), [6000, 0, 6000, 900, 6900]);
    let (status, err) = credit(&app, &s.tenant, invoice, json!({})).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["items"][0],
        "nothing remains to be credited on this invoice"
    );
}

#[tokio::test]
async fn an_amount_is_credited_tax_included_and_needs_a_reason() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, _) = sent_invoice(&app, &s).await;
    let (status, err) = credit(&app, &s.tenant, invoice, json!({"amount": "23.00"})).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["errors"]["reason"][0].is_string(), "{err}");
    let body = json!({"credit_note": {"amount": "23.00", "reason": "Goodwill"}});
    let note = credited(&app, &s.tenant, invoice, body).await;
    // 23.00 over 80.00 net : 12.00 VAT → 20.00 + 3.00.
    assert_eq!(figures(&note), [2000, 0, 2000, 300, 2300]);
    assert_eq!(note["items"][0]["name"], "Goodwill");
    assert_eq!(note["items"][0]["invoice_item_id"], serde_json::Value::Null);
    let (status, err) = credit(
        &app,
        &s.tenant,
        invoice,
        json!({"amount": "69.01", "reason": "Too much"}),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["amount"][0],
        "must be less than or equal to what remains to be credited on the invoice (69.00)"
    );
}

#[tokio::test]
async fn each_refusal_names_its_field() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, items) = sent_invoice(&app, &s).await;
    for (body, field) in [
        (json!({"amount": "-1", "reason": "x"}), "amount"),
        (json!({"amount": "1.001", "reason": "x"}), "amount"),
        (json!({"amount": "abc", "reason": "x"}), "amount"),
        (
            json!({"amount": "1", "reason": "x", "items": [{"invoice_item_id": items[0], "quantity": 1}]}),
            "amount",
        ),
        (json!({"items": []}), "items"),
        (
            json!({"items": [{"quantity": 1}]}),
            "items[0].invoice_item_id",
        ),
        (
            json!({"items": [{"invoice_item_id": items[0]}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"invoice_item_id": 999_999, "quantity": 1}]}),
            "items[0].invoice_item_id",
        ),
        (
            json!({"items": [{"invoice_item_id": items[0], "quantity": "0"}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"invoice_item_id": items[0], "quantity": "0.00001"}]}),
            "items[0].quantity",
        ),
        (
            json!({"items": [{"invoice_item_id": items[1], "quantity": 1},
                             {"invoice_item_id": items[1], "quantity": 1}]}),
            "items[1].invoice_item_id",
        ),
        (json!({"reason": "x".repeat(1001)}), "reason"),
        (json!({"issued_at": "2025-10-11T00:00:00Z"}), "issued_at"),
        (json!({"issued_at": "yesterday"}), "issued_at"),
    ] {
        let (status, err) = credit(&app, &s.tenant, invoice, body.clone()).await;
        assert_eq!(status, 422, "{body}: {err}");
        assert!(err["errors"][field][0].is_string(), "{body}: {err}");
    }
    let (status, _) = credit(
        &app,
        &s.tenant,
        invoice,
        json!({"items": vec![json!({}); 101]}),
    )
    .await;
    assert_eq!(status, 422);
    // Nothing was written.
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM credit_notes")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(none, 0);
}

#[tokio::test]
async fn drafts_void_invoices_and_other_businesses_invoices_are_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let draft = post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        crate::harness::documented_invoice(&s),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (status, err) = credit(&app, &s.tenant, draft, json!({})).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["message"].as_str().unwrap().contains("draft"), "{err}");
    crate::harness::set_invoice_status(&app, &s.tenant, draft, "sent").await;
    crate::harness::set_invoice_status(&app, &s.tenant, draft, "void").await;
    let (status, err) = credit(&app, &s.tenant, draft, json!({})).await;
    assert_eq!(status, 422, "{err}");
    assert!(err["message"].as_str().unwrap().contains("void"), "{err}");

    let other: Setup = setup(&app, "Other").await;
    let (theirs, _) = sent_invoice(&app, &other).await;
    let (status, _) = credit(&app, &s.tenant, theirs, json!({})).await;
    assert_eq!(status, 404);
    let note = credited(&app, &other.tenant, theirs, json!({})).await;
    assert_eq!(
        note["number"], "CN-0001",
        "each business has its own series"
    );
    let (status, _) = crate::harness::send(app.authed(
        &s.tenant,
        reqwest::Method::GET,
        &format!("/api/v1/credit_notes/{}", note["id"]),
    ))
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_series_follows_the_business_s_prefix_and_padding() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (status, body) = patch(
        &app,
        &s.tenant,
        "/api/v1/business",
        json!({"credit_note_prefix": "GS/", "number_padding": 2}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["credit_note_prefix"], "GS/");
    let (invoice, items) = sent_invoice(&app, &s).await;
    let one = json!({"items": [{"invoice_item_id": items[0], "quantity": 1}]});
    let first = credited(&app, &s.tenant, invoice, one.clone()).await;
    let second = credited(&app, &s.tenant, invoice, one).await;
    assert_eq!(
        (first["number"].clone(), second["number"].clone()),
        (json!("GS/01"), json!("GS/02"))
    );
}
