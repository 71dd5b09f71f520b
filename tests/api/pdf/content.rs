//! What the PDF shows, read back with pdftotext: the number, the customer, every line
//! and every total; amounts in the currency's digits; long lists over pages with the
//! table's header on each; PDF/A-3b with its fonts embedded.

use serde_json::{Value, json};

use crate::harness::{
    Setup, TestApp, documented_invoice, documented_quote, flat_text, get_pdf, page_count,
    pdf_fonts, pdf_info, pdf_metadata, pdf_text, post, setup,
};

async fn invoice_pdf(app: &TestApp, s: &Setup, body: Value) -> Vec<u8> {
    let id = post(app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    get_pdf(app, &s.tenant, &format!("/api/v1/invoices/{id}.pdf")).await
}

#[tokio::test]
async fn an_invoice_pdf_shows_its_number_customer_every_line_and_every_total() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut body = documented_invoice(&s);
    body["invoice"]["items_attributes"] = json!([
        {"name": "Items Consulting", "description": "October retainer", "quantity": 1, "unit_price": "400.0"},
        {"name": "Hosting", "quantity": 3, "unit_price": "12.5", "tax_ids": [s.vat_id]},
    ]);
    body["invoice"]["invoice_taxes_attributes"] = json!([]);
    body["invoice"]["notes"] = json!("Thank you for your business");
    let (status, customer) = crate::harness::patch(
        &app,
        &s.tenant,
        &format!("/api/v1/customers/{}", s.customer_id),
        json!({"customer": {"tax_id": "ZA4123456789", "address": {
            "line": "1 Mahem Pl", "post_code": "5256", "city": "East London",
            "country": "South Africa"}}}),
    )
    .await;
    assert_eq!(status, 200, "{customer}");
    let bytes = invoice_pdf(&app, &s, body).await;
    crate::harness::pdf::keep("invoice.pdf", &bytes);
    let text = flat_text(&bytes);
    for expected in [
        "INVOICE",
        "INV-0001",
        "Flixtechs",
        "Texas Ins",
        "procurement@texas.com",
        "Tax ID: ZA4123456789",
        "1 Mahem Pl",
        "5256 East London",
        "South Africa",
        "Issue date 12 Oct 2025",
        "Hosting 3 12.50 VAT 15% 37.50",
        "Due date 12 Oct 2025",
        "Payment terms Due on Receipt",
        "Items Consulting",
        "October retainer",
        "400.00",
        "Hosting",
        "12.50",
        "37.50",
        "VAT 15%",
        // 5 % of 437.50 is 21.88, spread 20.00 and 1.88 over the lines; VAT on
        // Hosting's base 35.62 is 5.34.
        "Subtotal USD 437.50",
        "Discount (5%) USD -21.88",
        "VAT (15%) USD 5.34",
        "Total USD 420.96",
        "Paid USD 0.00",
        "Balance due USD 420.96",
        "Thank you for your business",
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
}

#[tokio::test]
async fn a_quote_pdf_shows_its_expiry_summary_and_totals() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let bytes = get_pdf(&app, &s.tenant, &format!("/api/v1/quotes/{id}/pdf")).await;
    let text = flat_text(&bytes);
    for expected in [
        "QUOTE",
        "QOT-0001",
        "Texas Ins",
        "Valid until 28 Oct 2025",
        "Design and development",
        "340.00",
        "4,080.00",
        "Subtotal USD 4,080.00",
        "Discount (10%) USD -408.00",
        "Total USD 3,672.00",
        "this is an estimate",
        "Valid for 30 days.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(!text.contains("Balance due"), "a quote is not collected");
}

#[tokio::test]
async fn amounts_have_the_currency_digits_jpy_none_kwd_three() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for (currency, price, line, total) in [
        ("JPY", "1234", "1,234", "JPY 2,468"),
        ("KWD", "1.5", "1.500", "KWD 3.000"),
    ] {
        let body = json!({"invoice": {
            "customer_id": s.customer_id, "currency": currency,
            "issued_at": "2025-10-12T00:00:00.000Z",
            "items_attributes": [{"name": "Widget", "quantity": 2, "unit_price": price}],
        }});
        let text = flat_text(&invoice_pdf(&app, &s, body).await);
        assert!(
            text.contains(&format!("Widget 2 {line}")),
            "{currency}: {text}"
        );
        assert!(
            text.contains(&format!("Total {total}")),
            "{currency}: {text}"
        );
    }
}

#[tokio::test]
async fn a_hundred_lines_flow_over_pages_with_the_header_on_each() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let items: Vec<Value> = (1..=100)
        .map(|n| json!({"name": format!("Line item {n:03}"), "quantity": 1, "unit_price": "10"}))
        .collect();
    let mut body = documented_invoice(&s);
    body["invoice"]["items_attributes"] = json!(items);
    let bytes = invoice_pdf(&app, &s, body).await;
    crate::harness::pdf::keep("invoice-100-lines.pdf", &bytes);
    let pages = page_count(&bytes);
    assert!(pages >= 3, "100 lines take more than two pages: {pages}");
    let text = pdf_text(&bytes);
    let page_texts: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), pages);
    let mut with_lines = 0;
    for (n, page) in page_texts.iter().enumerate() {
        if page.contains("Line item") {
            with_lines += 1;
            assert!(
                page.contains("Unit price"),
                "page {} lacks the header",
                n + 1
            );
        }
        assert!(
            page.contains(&format!("Page {} of {pages}", n + 1)),
            "page {}: {page}",
            n + 1
        );
    }
    assert!(with_lines >= 2, "the lines span pages");
    let flat = flat_text(&bytes);
    for n in 1..=100 {
        assert!(flat.contains(&format!("Line item {n:03}")), "line {n}");
    }
    assert!(flat.contains("Subtotal USD 1,000.00"), "{flat}");
}

#[tokio::test]
async fn the_pdf_claims_pdf_a_3b_on_a4_with_every_font_embedded() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let bytes = invoice_pdf(&app, &s, documented_invoice(&s)).await;
    let meta = pdf_metadata(&bytes);
    let compact: String = meta.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        compact.contains("<pdfaid:part>3</pdfaid:part>") || compact.contains("pdfaid:part=\"3\""),
        "{meta}"
    );
    assert!(
        compact.contains("<pdfaid:conformance>B</pdfaid:conformance>")
            || compact.contains("pdfaid:conformance=\"B\""),
        "{meta}"
    );
    let info = pdf_info(&bytes);
    assert!(info.contains("595.") && info.contains("841."), "A4: {info}");
    assert!(
        info.contains("Title:") && info.contains("INV-0001"),
        "{info}"
    );
    let fonts = pdf_fonts(&bytes);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding] emb sub uni object ID: emb is the fifth from the end.
        assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {row}");
    }
}
