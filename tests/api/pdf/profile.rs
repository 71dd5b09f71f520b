//! The business profile on the page: paper size, locale, accent, tax id, payment
//! instructions, footer and logo; a changed profile is a new version (ETag).

use reqwest::Method;
use serde_json::json;

use crate::harness::pdf::pdf_images;
use crate::harness::{TestApp, documented_invoice, flat_text, get_pdf, pdf_info, post, setup};

use base64::Engine;

/// A 1×1 PNG.
const PNG_LOGO: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

async fn set_profile(app: &TestApp, tenant: &crate::harness::Tenant) {
    let (status, body) = crate::harness::patch(
        app,
        tenant,
        "/api/v1/business",
        json!({"business": {
            "paper_size": "letter", "locale": "de-DE", "accent_color": "#aa3300",
            "legal_name": "Flixtechs GmbH", "tax_id": "DE123456789",
            "address": {"line": "Unter den Linden 1", "post_code": "10117", "city": "Berlin",
                        "country": "DE"},
            "footer": "Flixtechs GmbH · Amtsgericht Berlin",
            "payment_instructions": {"bank_name": "Deutsche Bank",
                "account_holder": "Flixtechs GmbH", "iban": "DE89 3704 0044 0532 0130 00",
                "bic": "DEUTDEFF", "text": "Please quote the invoice number."},
        }}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let logo = base64::engine::general_purpose::STANDARD
        .decode(PNG_LOGO)
        .unwrap();
    let response = app
        .authed(tenant, Method::PUT, "/api/v1/business/logo")
        .header("content-type", "image/png")
        .body(logo)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_profile_sets_paper_locale_tax_id_payment_footer_and_logo() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/invoices/{id}/pdf");
    let before = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    let etag = before.headers()["etag"].to_str().unwrap().to_string();
    let a4 = before.bytes().await.unwrap();
    assert!(pdf_info(&a4).contains("595."), "A4 by default");

    set_profile(&app, &s.tenant).await;
    let after = app
        .authed(&s.tenant, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "a changed profile is a new version");
    let bytes = get_pdf(&app, &s.tenant, &path).await;
    crate::harness::pdf::keep("invoice-profile-letter-de.pdf", &bytes);
    let info = pdf_info(&bytes);
    assert!(info.contains("612 x 792"), "Letter: {info}");
    let text = flat_text(&bytes);
    for expected in [
        "Flixtechs GmbH",
        "Tax ID: DE123456789",
        "Unter den Linden 1",
        "10117 Berlin",
        "Issue date 12.10.2025",
        "400,00",
        "Subtotal 400,00 USD",
        "Total 437,00 USD",
        "Bank Deutsche Bank",
        "IBAN DE89370400440532013000",
        "BIC DEUTDEFF",
        "Please quote the invoice number.",
        "Flixtechs GmbH · Amtsgericht Berlin",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(
        pdf_images(&bytes).contains("image"),
        "the logo is on the page"
    );
}
