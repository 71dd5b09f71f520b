//! The e-invoice routes as HTTP: what is missing answers 422 by field and BT number (and
//! shows in `einvoice_ready`), the ETag, `Accept`, another business's invoice, and the
//! data the standard needs: tax categories, unit codes, the buyer's references.

use reqwest::Method;
use serde_json::json;

use super::{invoice, seller, tax, xml};
use crate::harness::{TestApp, assert_error, patch, post, send, set_invoice_status};

#[tokio::test]
async fn an_invoice_lacking_what_the_standard_needs_names_every_piece() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Bare").await;
    let customer = post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Nobody"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let vat = tax(&app, &tenant, json!({"name": "VAT", "rate": "20"})).await;
    let levy = tax(&app, &tenant, json!({"name": "Levy", "rate": "2"})).await;
    let inv = post(
        &app,
        &tenant,
        "/api/v1/invoices",
        json!({"invoice": {"customer_id": customer, "currency": "EUR",
               "invoice_taxes_attributes": [],
               "items_attributes": [
                   {"name": "Untaxed", "quantity": 1, "unit_price": "10"},
                   {"name": "Taxed twice", "quantity": 1, "unit_price": "10",
                    "tax_ids": [vat, levy]},
                   {"name": "Fine", "quantity": 1, "unit_price": "10", "tax_ids": [vat]}]}}),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    let ready = &inv["einvoice_ready"];
    for (field, bt) in [
        ("business.address.country_code", "BT-40"),
        ("customer.address.country_code", "BT-55"),
        ("business.tax_id", "BT-31"),
        ("items[0].tax_ids", "BT-151"),
        ("items[1].tax_ids", "BT-151"),
    ] {
        let message = ready[field][0]
            .as_str()
            .unwrap_or_else(|| panic!("{field}: {ready}"));
        assert!(message.starts_with(bt), "{field}: {message}");
    }
    assert!(ready.get("items[2].tax_ids").is_none(), "{ready}");

    for syntax in ["ubl", "cii"] {
        let path = format!("/api/v1/invoices/{id}.xml?syntax={syntax}");
        let body = assert_error(
            app.authed(&tenant, Method::GET, &path)
                .send()
                .await
                .unwrap(),
            422,
        )
        .await;
        assert_eq!(
            body["errors"], *ready,
            "the 422 lists what einvoice_ready shows"
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("business.tax_id"),
            "{body}"
        );
    }
    let path = format!("/api/v1/invoices/{id}.xml?syntax=pdf");
    let body = assert_error(
        app.authed(&tenant, Method::GET, &path)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(body["errors"]["syntax"].is_array(), "{body}");
}

#[tokio::test]
async fn accept_xml_the_etag_and_another_business() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [{"name": "A", "quantity": 1, "unit_price": "10",
                                     "tax_ids": [vat]}]}),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    let ubl = xml(&app, &s.tenant, id, "ubl").await;
    let path = format!("/api/v1/invoices/{id}.xml");
    let plain = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    let etag = plain.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        plain.headers()["content-disposition"],
        "inline; filename=\"INV-0001.xml\""
    );
    assert_eq!(
        plain.bytes().await.unwrap().to_vec(),
        ubl,
        "UBL is the default"
    );

    let accepted = app
        .authed(&s.tenant, Method::GET, &format!("/api/v1/invoices/{id}"))
        .header("accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    assert_eq!(accepted.headers()["vary"], "accept");
    assert_eq!(accepted.bytes().await.unwrap().to_vec(), ubl);

    let again = app
        .authed(&s.tenant, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let cii = app
        .authed(&s.tenant, Method::GET, &format!("{path}?syntax=cii"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cii.status(), 200, "another syntax is another version");

    // A change to the invoice is a new version.
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}"),
        json!({"invoice": {"notes": "changed"}}),
    )
    .await;
    assert_eq!(status, 200);
    let changed = app
        .authed(&s.tenant, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    // Another business's invoice is not found; a quote has no e-invoice.
    let other = app.tenant("Other").await;
    let response = app.authed(&other, Method::GET, &path).send().await.unwrap();
    assert_error(response, 404).await;
    let response = app
        .authed(&other, Method::GET, &format!("/api/v1/invoices/{id}"))
        .header("accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
    let response = app
        .authed(&s.tenant, Method::GET, "/api/v1/quotes/1.xml")
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}

#[tokio::test]
async fn tax_categories_are_checked_with_their_rate_and_reason() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    for (fields, named) in [
        (
            json!({"name": "RC", "rate": "19", "category": "AE", "exemption_reason": "x"}),
            vec!["rate"],
        ),
        (
            json!({"name": "Ex", "rate": "0", "category": "E"}),
            vec!["exemption_reason"],
        ),
        (
            json!({"name": "Z", "rate": "0", "category": "Z", "exemption_reason": "x"}),
            vec!["exemption_reason"],
        ),
        (
            json!({"name": "S", "rate": "19", "category": "X"}),
            vec!["category"],
        ),
        (
            json!({"name": "S", "rate": "19", "category": "E", "exemption_reason_code": "VATEX-XX"}),
            vec!["exemption_reason_code"],
        ),
    ] {
        let (status, body) = send(
            app.authed(&tenant, Method::POST, "/api/v1/taxes")
                .json(&json!({"tax": fields})),
        )
        .await;
        assert_eq!(status, 422, "{fields}: {body}");
        for field in named {
            assert!(body["errors"][field].is_array(), "{fields}: {body}");
        }
    }
    let exempt = post(
        &app,
        &tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "Ex", "rate": "0", "category": "e", "exemption_reason": "Art. 132"}}),
    )
    .await;
    assert_eq!(exempt["category"], "E");
    let id = exempt["id"].as_i64().unwrap();
    // Checked on the tax as it will be: a rate above 0 for an exempt tax is refused.
    let (status, body) = patch(
        &app,
        &tenant,
        &format!("/api/v1/taxes/{id}"),
        json!({"rate": "5"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["rate"].is_array(), "{body}");
    let (status, body) = patch(
        &app,
        &tenant,
        &format!("/api/v1/taxes/{id}"),
        json!({"rate": "5", "category": "S", "exemption_reason": null}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["category"], "S");
}

#[tokio::test]
async fn unit_codes_and_references_are_bounded_and_locked_once_issued() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let (status, body) = send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices")
            .json(&json!({
        "invoice": {"customer_id": s.customer_id, "currency": "EUR",
                    "buyer_reference": "x".repeat(201),
                    "items_attributes": [{"name": "A", "quantity": 1, "unit_price": 1,
                                          "unit_code": "PIECES"},
                                         {"name": "B", "quantity": 1, "unit_price": 1,
                                          "unit_code": "ZZZ"}]}})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    for field in [
        "buyer_reference",
        "items_attributes[0].unit_code",
        "items_attributes[1].unit_code",
    ] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let inv = invoice(
        &app,
        &s,
        json!({"buyer_reference": "LEITWEG-1", "purchase_order": "PO-1",
               "items_attributes": [{"name": "A", "quantity": 1, "unit_price": 1}]}),
    )
    .await;
    assert_eq!(inv["items"][0]["unit_code"], "C62");
    let id = inv["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}");
    let (status, _) = patch(&app, &s.tenant, &path, json!({"purchase_order": "PO-2"})).await;
    assert_eq!(status, 200, "a draft's references change");
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let (status, body) = patch(
        &app,
        &s.tenant,
        &path,
        json!({"buyer_reference": "OTHER", "purchase_order": "PO-2"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["buyer_reference"].is_array(), "{body}");
    assert!(
        body["errors"].get("purchase_order").is_none(),
        "the same value is no change"
    );
}
