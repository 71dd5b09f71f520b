//! Credit notes as EN 16931 e-invoices (`/credit_notes/{id}.xml?syntax=ubl|cii`): a UBL
//! `CreditNote` and a CII with type code 381, referring to the invoice (BT-25, BT-26),
//! with the credit note's own figures, positive; each shape passes the standard's rules.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Seller, invoice, seller, tax, validate};
use crate::harness::{Tenant, TestApp, assert_error, post, set_invoice_status};

fn item(name: &str, quantity: &str, price: &str, taxes: &[i64]) -> Value {
    json!({"name": name, "quantity": quantity, "unit_price": price, "tax_ids": taxes})
}

/// A sent invoice from `fields`, and a credit note on it from `body`.
async fn credit(app: &TestApp, s: &Seller, fields: Value, body: Value) -> (Value, Value) {
    let inv = invoice(app, s, fields).await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(app, &s.tenant, id, "sent").await;
    let path = format!("/api/v1/invoices/{id}/credit_notes");
    let note = post(app, &s.tenant, &path, body).await;
    assert!(note["id"].is_i64(), "{note}");
    (inv, note)
}

async fn xml(app: &TestApp, tenant: &Tenant, id: i64, syntax: &str) -> String {
    let path = format!("/api/v1/credit_notes/{id}.xml?syntax={syntax}");
    let response = app.authed(tenant, Method::GET, &path).send().await.unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    assert!(
        content_type.starts_with("application/xml"),
        "{content_type}"
    );
    body
}

/// Both syntaxes pass the rules and name the invoice; answers (UBL, CII).
async fn validate_note(
    app: &TestApp,
    s: &Seller,
    inv: &Value,
    note: &Value,
    name: &str,
) -> (String, String) {
    assert_eq!(note["einvoice_ready"], true, "{note}");
    let id = note["id"].as_i64().unwrap();
    let number = inv["number"].as_str().unwrap();
    let ubl = xml(app, &s.tenant, id, "ubl").await;
    validate("ubl", name, ubl.as_bytes());
    let cii = xml(app, &s.tenant, id, "cii").await;
    validate("cii", name, cii.as_bytes());
    super::facturx::assert_facturx(app, &s.tenant, "credit_notes", id, cii.as_bytes(), name).await;
    assert!(ubl.contains("<CreditNote xmlns="), "{ubl}");
    assert!(
        ubl.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"),
        "{ubl}"
    );
    assert!(
        ubl.contains(&format!(
            "<cac:InvoiceDocumentReference>\n      <cbc:ID>{number}</cbc:ID>"
        )),
        "BT-25 in {ubl}"
    );
    assert!(cii.contains("<ram:TypeCode>381</ram:TypeCode>"), "{cii}");
    assert!(
        cii.contains(&format!(
            "<ram:IssuerAssignedID>{number}</ram:IssuerAssignedID>"
        )),
        "BT-25 in {cii}"
    );
    // The credit note's own total, positive, all of it due.
    let cents = note["total"]["cents"].as_i64().unwrap();
    assert!(cents > 0, "{note}");
    let total = format!("{}.{:02}", cents / 100, cents % 100);
    assert!(
        ubl.contains(&format!(
            "<cbc:TaxInclusiveAmount currencyID=\"EUR\">{total}</cbc:TaxInclusiveAmount>"
        )),
        "{total} in {ubl}"
    );
    assert!(
        ubl.contains(&format!(
            "<cbc:PayableAmount currencyID=\"EUR\">{total}</cbc:PayableAmount>"
        )),
        "{ubl}"
    );
    assert!(
        cii.contains(&format!(
            "<ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>"
        )),
        "{cii}"
    );
    (ubl, cii)
}

#[tokio::test]
async fn whole_invoice_chosen_lines_and_an_amount_with_a_reason() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let fields = || {
        json!({"items_attributes": [
                   {"name": "Consulting", "quantity": "10", "unit_price": "95.50",
                    "unit_code": "hur"},
                   {"name": "Licence", "quantity": "3", "unit_price": "40"}],
               "invoice_taxes_attributes": [{"tax_id": vat}],
               "discount_type": "percent", "discount_value": "5"})
    };
    let (inv, note) = credit(&app, &s, fields(), json!({})).await;
    assert_eq!(note["total"]["cents"], inv["total"]["cents"], "{note}");
    let (ubl, _) = validate_note(&app, &s, &inv, &note, "cn_whole").await;
    assert!(
        ubl.contains("<cbc:CreditedQuantity unitCode=\"HUR\">10</cbc:CreditedQuantity>"),
        "{ubl}"
    );

    let inv = invoice(&app, &s, fields()).await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let licence = inv["items"][1]["id"].as_i64().unwrap();
    let note = post(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/credit_notes"),
        json!({"items": [{"invoice_item_id": licence, "quantity": "1"}],
               "reason": "One licence returned"}),
    )
    .await;
    let (ubl, cii) = validate_note(&app, &s, &inv, &note, "cn_lines").await;
    assert!(
        ubl.contains("<cbc:Note>One licence returned</cbc:Note>"),
        "{ubl}"
    );
    assert!(cii.contains("One licence returned"), "{cii}");
    assert_eq!(ubl.matches("<cac:CreditNoteLine>").count(), 1, "{ubl}");

    let (inv, note) = credit(
        &app,
        &s,
        fields(),
        json!({"amount": "50.00", "reason": "Goodwill"}),
    )
    .await;
    assert_eq!(note["total"]["cents"], 5000, "{note}");
    let (ubl, _) = validate_note(&app, &s, &inv, &note, "cn_amount").await;
    assert!(ubl.contains("<cbc:Note>Goodwill</cbc:Note>"), "{ubl}");
    assert!(ubl.contains("<cbc:ID>S</cbc:ID>"), "{ubl}");
}

#[tokio::test]
async fn two_vat_rates_and_reverse_charge() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let full = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let reduced = tax(&app, &s.tenant, json!({"name": "USt 7", "rate": "7"})).await;
    let fields = json!({"items_attributes": [
        item("Consulting", "8", "120", &[full]),
        item("Books", "4", "19.99", &[reduced])]});
    let (inv, note) = credit(&app, &s, fields.clone(), json!({})).await;
    let (ubl, _) = validate_note(&app, &s, &inv, &note, "cn_two_rates").await;
    assert_eq!(ubl.matches("<cac:TaxSubtotal>").count(), 2, "{ubl}");

    let inv = invoice(&app, &s, fields).await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let books = inv["items"][1]["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}/credit_notes");
    let note = post(
        &app,
        &s.tenant,
        &path,
        json!({"items": [{"invoice_item_id": books, "quantity": "2"}]}),
    )
    .await;
    validate_note(&app, &s, &inv, &note, "cn_two_rates_lines").await;

    // An amount spread over two rates cannot be one e-invoice line: named, 422.
    let note = post(
        &app,
        &s.tenant,
        &path,
        json!({"amount": "20.00", "reason": "Late delivery"}),
    )
    .await;
    let message = note["einvoice_ready"]["items[0].tax_ids"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{note}"));
    assert!(message.starts_with("BT-151"), "{message}");
    let id = note["id"].as_i64().unwrap();
    let body = assert_error(
        app.authed(
            &s.tenant,
            Method::GET,
            &format!("/api/v1/credit_notes/{id}.xml"),
        )
        .send()
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"], note["einvoice_ready"], "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("credit note"),
        "{body}"
    );

    let reverse = tax(
        &app,
        &s.tenant,
        json!({"name": "Reverse charge", "rate": "0", "category": "AE",
               "exemption_reason_code": "vatex-eu-ae",
               "exemption_reason": "Reverse charge"}),
    )
    .await;
    let fields = json!({"items_attributes": [item("Consulting", "8", "120", &[reverse])],
                        "discount_type": "fixed", "discount_value": "40"});
    let (inv, note) = credit(&app, &s, fields.clone(), json!({})).await;
    let (ubl, _) = validate_note(&app, &s, &inv, &note, "cn_reverse").await;
    assert!(ubl.contains("<cbc:ID>AE</cbc:ID>"), "{ubl}");
    let (inv, note) = credit(
        &app,
        &s,
        fields,
        json!({"amount": "100", "reason": "Fewer hours"}),
    )
    .await;
    validate_note(&app, &s, &inv, &note, "cn_reverse_amount").await;
}

#[tokio::test]
async fn etag_accept_and_another_business() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let (_, note) = credit(
        &app,
        &s,
        json!({"items_attributes": [item("Consulting", "2", "100", &[vat])]}),
        json!({}),
    )
    .await;
    let id = note["id"].as_i64().unwrap();
    let path = format!("/api/v1/credit_notes/{id}.xml");
    let first = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let disposition = first.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("CN-"), "{disposition}");
    let ubl = first.bytes().await.unwrap().to_vec();
    let accepted = app
        .authed(
            &s.tenant,
            Method::GET,
            &format!("/api/v1/credit_notes/{id}"),
        )
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
    let bad = app
        .authed(&s.tenant, Method::GET, &format!("{path}?syntax=pdf"))
        .send()
        .await
        .unwrap();
    let body = assert_error(bad, 422).await;
    assert!(body["errors"]["syntax"].is_array(), "{body}");

    let other = app.tenant("Other").await;
    for url in [path.clone(), format!("{path}?syntax=cii")] {
        let response = app.authed(&other, Method::GET, &url).send().await.unwrap();
        assert_error(response, 404).await;
    }
}

#[tokio::test]
async fn the_remainder_after_a_line_credit() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Licence", "3", "33.33", &[vat]),
                                    item("Setup", "1", "49.99", &[vat])],
               "discount_type": "percent", "discount_value": "5"}),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let licence = inv["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}/credit_notes");
    let first = post(
        &app,
        &s.tenant,
        &path,
        json!({"items": [{"invoice_item_id": licence, "quantity": "1"}]}),
    )
    .await;
    validate_note(&app, &s, &inv, &first, "cn_first_line").await;
    let rest = post(&app, &s.tenant, &path, json!({})).await;
    println!("remainder: {}", rest["einvoice_ready"]);
    validate_note(&app, &s, &inv, &rest, "cn_remainder").await;
}
