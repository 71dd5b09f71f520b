//! What the page sends: the document's content, escaped, under a strict CSP and headers
//! that keep it out of caches, frames and search engines; the email's link to it.

use chrono::Duration;
use serde_json::json;

use super::{open, page_url, sent_invoice};
use crate::harness::{action, app_with_sink, post, setup};

#[tokio::test]
async fn the_page_shows_the_document_under_a_strict_csp_and_private_headers() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = sent_invoice(&app, &s).await;
    let url = page_url(&app, &invoice["public_url"]);
    let response = app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    for part in [
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["x-robots-tag"]
            .to_str()
            .unwrap()
            .contains("noindex")
    );
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains("https://"), "no request anywhere else");
    for expected in [
        "Invoice INV-0001",
        "Flixtechs",
        "Texas Ins",
        "Items Consulting",
        "USD 400.00",
        "Discount",
        "USD -20.00",
        "VAT 15.0%",
        "USD 57.00",
        "USD 437.00",
        "Balance due",
        "Due on Receipt",
        "2025-10-12",
        "Download PDF",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    // The page's PDF is the API's PDF: the same document, read back.
    let pdf = app.client.get(format!("{url}/pdf")).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let disposition = pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains(".pdf\""), "{disposition}");
    assert_eq!(pdf.headers()["cache-control"], "no-store");
    let text = crate::harness::pdf::pdf_text(&pdf.bytes().await.unwrap());
    for expected in ["USD 437.00", "Balance due"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

#[tokio::test]
async fn the_page_escapes_what_the_business_and_customer_wrote() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let customer = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "<script>alert(1)</script>", "email": "x@example.com"}}),
    )
    .await;
    let mut body = crate::harness::documented_invoice(&s);
    body["invoice"]["customer_id"] = customer["id"].clone();
    body["invoice"]["notes"] = json!("\"><img src=x onerror=alert(1)>");
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    let id = invoice["id"].as_i64().unwrap();
    let (_, sent) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    let (status, html) = open(&app, &page_url(&app, &sent["data"]["public_url"])).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<img src=x"));
}

#[tokio::test]
async fn the_email_carries_the_page_link() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = sent_invoice(&app, &s).await;
    let url = invoice["public_url"].as_str().unwrap().to_string();
    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let text = messages[0].text();
    assert!(
        text.contains(&format!("View and download the invoice: {url}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("href=\"{url}\"")),
        "the HTML button: {text}"
    );

    // A send form's template names it as invoice.pay_url.
    let id = invoice["id"].as_i64().unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({"content": "<p>Pay here: {{ invoice.pay_url }}</p>"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert!(
        messages[1].text().contains(&format!("Pay here: {url}")),
        "{}",
        messages[1].text()
    );
}

#[tokio::test]
async fn the_page_shows_the_business_profile() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    // Set directly: `PATCH /business` is another branch's (the page reads the profile).
    sqlx::query(
        "UPDATE businesses SET legal_name = 'Flixtechs (Pty) Ltd', tax_id = 'ZA4123456789',
             registration_number = '2019/123456/07', accent_color = '#0a7a5c',
             footer = 'Thank you <3', payment_bank_name = 'FNB',
             payment_iban = 'GB33BUKB20201555555555', payment_text = 'Use the number'
         WHERE id = $1",
    )
    .bind(s.tenant.business_id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE customers SET tax_id = 'US-987654' WHERE id = $1")
        .bind(s.customer_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let invoice = sent_invoice(&app, &s).await;
    let response = app
        .client
        .get(page_url(&app, &invoice["public_url"]))
        .send()
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = response.text().await.unwrap();
    for expected in [
        "Flixtechs (Pty) Ltd",
        "Tax ID: ZA4123456789",
        "Registration: 2019/123456/07",
        "--accent:#0a7a5c",
        "Thank you &lt;3",
        "Bank: FNB",
        "IBAN: GB33BUKB20201555555555",
        "Use the number",
        "Tax ID: US-987654",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    // The accent colour is in the stylesheet the CSP's hash pins.
    let start = html.find("<style>").unwrap() + "<style>".len();
    let end = html.find("</style>").unwrap();
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(&html.as_bytes()[start..end]));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
}

#[tokio::test]
async fn the_page_shows_the_business_logo_from_this_server() {
    use crate::business::logo::{path_of, png, uploaded};
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let logo = uploaded(&app, &s.tenant, "image/png", png()).await;
    let invoice = sent_invoice(&app, &s).await;
    let (status, html) = open(&app, &page_url(&app, &invoice["public_url"])).await;
    assert_eq!(status, 200);
    // Same origin, by path: the page's CSP allows images from 'self' only.
    let path = path_of(&logo);
    let img = format!("<img class=\"logo\" src=\"{path}\" alt=\"Flixtechs\">");
    assert!(html.contains(&img), "{html}");
    let served = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), png());
}

#[tokio::test]
async fn an_inclusive_invoice_page_shows_the_figures_of_its_json() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let vat = post(
        &app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"tax": {"name": "VAT", "rate": "15", "inclusive": true}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut body = crate::harness::documented_invoice(&s);
    body["invoice"]["items_attributes"] =
        json!([{"name": "Mug", "quantity": 3, "unit_price": "9.99"}]);
    body["invoice"]["invoice_taxes_attributes"] = json!([{"tax_id": vat}]);
    body["invoice"]["discount_value"] = json!("0");
    let id = post(&app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/invoices/{id}/send_invoice");
    let (status, invoice) = action(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{invoice}");
    let invoice = &invoice["data"];
    assert_eq!(invoice["net"]["cents"], 2606);
    let (status, html) = open(&app, &page_url(&app, &invoice["public_url"])).await;
    assert_eq!(status, 200);
    for expected in [
        "USD 29.97",
        "Net",
        "USD 26.06",
        "VAT 15.0% incl.",
        "USD 3.91",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
}
