//! Every invoice shape, in UBL and CII, passes the EN 16931 rules with the invoice's own
//! figures.

use reqwest::Method;
use serde_json::json;

use super::{assert_refused, customer, invoice, seller, tax, validate_both};
use crate::harness::{TestApp, send, set_invoice_status, show};

fn item(name: &str, quantity: &str, price: &str, taxes: &[i64]) -> serde_json::Value {
    json!({"name": name, "quantity": quantity, "unit_price": price, "tax_ids": taxes})
}

#[tokio::test]
async fn one_rate_with_the_figures_the_api_shows() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [
                   {"name": "Consulting", "quantity": "10", "unit_price": "95.50",
                    "unit_code": "hur", "description": "October"}],
               "invoice_taxes_attributes": [{"tax_id": vat}],
               "buyer_reference": "04011000-12345-03", "purchase_order": "PO-778",
               "notes": "Thank you & goodbye <3"}),
    )
    .await;
    assert_eq!(inv["einvoice_ready"], true, "{inv}");
    assert_eq!(inv["items"][0]["unit_code"], "HUR");
    assert_eq!(inv["buyer_reference"], "04011000-12345-03");
    let id = inv["id"].as_i64().unwrap();
    let ubl = validate_both(&app, &s.tenant, id, "one_rate").await;
    // The API's figures: 955.00 net, 181.45 VAT, 1136.45 total.
    assert_eq!(inv["total"]["cents"], 113645);
    for expected in [
        "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1136.45</cbc:TaxInclusiveAmount>",
        "<cbc:TaxAmount currencyID=\"EUR\">181.45</cbc:TaxAmount>",
        "<cbc:InvoicedQuantity unitCode=\"HUR\">10</cbc:InvoicedQuantity>",
        "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>",
        "<cbc:EndpointID schemeID=\"EM\">billing@example.de</cbc:EndpointID>",
        "<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>",
        "Thank you &amp; goodbye &lt;3",
    ] {
        assert!(ubl.contains(expected), "{expected} in {ubl}");
    }
    // The rules do look: the same document with another total fails BR-CO-15.
    let broken = ubl.replace(
        ">1136.45</cbc:TaxInclusiveAmount>",
        ">1136.46</cbc:TaxInclusiveAmount>",
    );
    let report = assert_refused("ubl", "one_rate_broken", broken.as_bytes());
    assert!(report.contains("BR-CO-15"), "{report}");
}

#[tokio::test]
async fn many_rates_item_level_with_a_percent_discount() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let full = tax(&app, &s.tenant, json!({"name": "USt 19", "rate": "19"})).await;
    let reduced = tax(&app, &s.tenant, json!({"name": "USt 7", "rate": "7"})).await;
    let zero = tax(
        &app,
        &s.tenant,
        json!({"name": "Zero", "rate": "0", "category": "z"}),
    )
    .await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Software", "3", "33.33", &[full]),
                                     item("Books", "7", "12.99", &[reduced]),
                                     item("Books again", "1", "0.01", &[reduced]),
                                     item("Exported manual", "2", "5.55", &[zero])],
               "discount_type": "percent", "discount_value": "7.5"}),
    )
    .await;
    assert_eq!(inv["einvoice_ready"], true, "{inv}");
    validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "many_rates").await;
}

#[tokio::test]
async fn zero_rated_and_exempt_with_a_reason() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let zero = tax(&app, &s.tenant, json!({"name": "Zero", "rate": "0"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Children's clothes", "4", "20", &[zero])]}),
    )
    .await;
    assert_eq!(
        inv["taxes"][0]["category"], "Z",
        "0 % without a category is Z"
    );
    validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "zero_rated").await;

    let exempt = tax(
        &app,
        &s.tenant,
        json!({"name": "Exempt", "rate": "0", "category": "E",
               "exemption_reason": "Exempt under §4 Nr. 14 UStG (medical services)"}),
    )
    .await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Therapy", "2", "80", &[])],
               "invoice_taxes_attributes": [{"tax_id": exempt}]}),
    )
    .await;
    let ubl = validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "exempt").await;
    assert!(
        ubl.contains("<cbc:TaxExemptionReason>Exempt under"),
        "{ubl}"
    );
}

#[tokio::test]
async fn reverse_charge_between_two_eu_vat_ids_and_an_intra_community_supply() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let reverse = tax(
        &app,
        &s.tenant,
        json!({"name": "Reverse charge", "rate": "0", "category": "AE",
               "exemption_reason_code": "vatex-eu-ae",
               "exemption_reason": "Reverse charge"}),
    )
    .await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Consulting", "8", "120", &[reverse])],
               "discount_type": "fixed", "discount_value": "40"}),
    )
    .await;
    let ubl = validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "reverse").await;
    assert!(
        ubl.contains("<cbc:CompanyID>BE0123456789</cbc:CompanyID>"),
        "{ubl}"
    );

    let supply = tax(
        &app,
        &s.tenant,
        json!({"name": "Intra-community", "rate": "0", "category": "K",
               "exemption_reason_code": "VATEX-EU-IC"}),
    )
    .await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Machine", "1", "12000", &[supply])]}),
    )
    .await;
    validate_both(
        &app,
        &s.tenant,
        inv["id"].as_i64().unwrap(),
        "intra_community",
    )
    .await;
}

#[tokio::test]
async fn document_level_tax_with_a_fixed_discount_and_partial_payments() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Design", "1", "400", &[]),
                                     item("Hosting", "12", "9.99", &[vat])],
               "invoice_taxes_attributes": [{"tax_id": vat}],
               "discount_type": "fixed", "discount_value": "25.37"}),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    for amount in ["100.00", "33.33"] {
        let (status, body) = send(
            app.authed(
                &s.tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/payments"),
            )
            .json(&json!({"payment": {"amount": amount, "paid_at": "2025-10-20"}})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let inv = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(inv["status"], "partial");
    let ubl = validate_both(&app, &s.tenant, id, "partial_payments").await;
    assert!(ubl.contains(">133.33</cbc:PrepaidAmount>"), "{ubl}");
    let due = format!(
        ">{:.2}</cbc:PayableAmount>",
        inv["balance"]["cents"].as_i64().unwrap() as f64 / 100.0
    );
    assert!(ubl.contains(&due), "{due} in {ubl}");
}

#[tokio::test]
async fn jpy_and_kwd_keep_their_minor_units() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let jpy = invoice(
        &app,
        &s,
        json!({"currency": "JPY", "items_attributes": [item("Sushi", "3", "1234", &[vat])],
               "discount_type": "percent", "discount_value": "3"}),
    )
    .await;
    let ubl = validate_both(&app, &s.tenant, jpy["id"].as_i64().unwrap(), "jpy").await;
    let total = format!(">{}</cbc:TaxInclusiveAmount>", jpy["total"]["cents"]);
    assert!(ubl.contains(&total), "{total} in {ubl}");

    // KWD amounts in whole hundredths are stated exactly.
    let five = tax(&app, &s.tenant, json!({"name": "VAT 5", "rate": "5"})).await;
    let kwd = invoice(
        &app,
        &s,
        json!({"currency": "KWD", "items_attributes": [item("Oud", "2", "12.5", &[five])]}),
    )
    .await;
    assert_eq!(kwd["einvoice_ready"], true, "{kwd}");
    let ubl = validate_both(&app, &s.tenant, kwd["id"].as_i64().unwrap(), "kwd").await;
    assert!(ubl.contains(">26.25</cbc:TaxInclusiveAmount>"), "{ubl}");

    // One in thousandths cannot be stated with EN 16931's two decimals: named, not rounded.
    let fils = invoice(
        &app,
        &s,
        json!({"currency": "KWD", "items_attributes": [item("Dates", "1", "1.234", &[five])]}),
    )
    .await;
    let missing = &fils["einvoice_ready"];
    assert!(
        missing["currency"][0].as_str().unwrap().contains("BT-5"),
        "{missing}"
    );
}

#[tokio::test]
async fn inclusive_taxes_use_net_prices() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let incl = tax(
        &app,
        &s.tenant,
        json!({"name": "MwSt incl.", "rate": "19", "inclusive": true}),
    )
    .await;
    let incl7 = tax(
        &app,
        &s.tenant,
        json!({"name": "MwSt 7 incl.", "rate": "7", "inclusive": true}),
    )
    .await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [item("Shirt", "3", "19.99", &[incl]),
                                     item("Book", "1", "12.95", &[incl7]),
                                     item("Socks", "5", "4.99", &[incl])],
               "discount_type": "percent", "discount_value": "10"}),
    )
    .await;
    assert_eq!(inv["einvoice_ready"], true, "{inv}");
    let ubl = validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "inclusive").await;
    let total = format!(
        ">{:.2}</cbc:TaxInclusiveAmount>",
        inv["total"]["cents"].as_i64().unwrap() as f64 / 100.0
    );
    assert!(ubl.contains(&total), "{total} in {ubl}");
    // The net price of 19.99 with 19 % included.
    assert!(ubl.contains(">16.7983</cbc:PriceAmount>"), "{ubl}");
}

#[tokio::test]
async fn a_hundred_lines_and_a_buyer_outside_the_eu() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let reduced = tax(&app, &s.tenant, json!({"name": "USt 7", "rate": "7"})).await;
    let items: Vec<_> = (0..100)
        .map(|i| {
            let rate = if i % 3 == 0 { reduced } else { vat };
            item(
                &format!("Part {i}"),
                &format!("{}.5", i % 7 + 1),
                &format!("{}.37", i + 1),
                &[rate],
            )
        })
        .collect();
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": items, "discount_type": "percent", "discount_value": "2.5"}),
    )
    .await;
    validate_both(
        &app,
        &s.tenant,
        inv["id"].as_i64().unwrap(),
        "hundred_lines",
    )
    .await;

    let export = tax(
        &app,
        &s.tenant,
        json!({"name": "Export", "rate": "0", "category": "G",
               "exemption_reason": "Export outside the EU"}),
    )
    .await;
    let swiss = customer(&app, &s.tenant, "CHE-123.456.788", "CH").await;
    let mut body = json!({"customer_id": swiss, "currency": "CHF",
                          "items_attributes": [item("Machine", "1", "9000", &[export])],
                          "invoice_taxes_attributes": []});
    body["customer_id"] = json!(swiss);
    let inv = crate::harness::post(
        &app,
        &s.tenant,
        "/api/v1/invoices",
        json!({"invoice": body}),
    )
    .await;
    validate_both(&app, &s.tenant, inv["id"].as_i64().unwrap(), "export").await;
}
