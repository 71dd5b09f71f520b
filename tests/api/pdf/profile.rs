//! The business profile on the page: paper size, locale, accent, tax id, payment
//! instructions, footer and logo; a changed profile is a new version (ETag).
//! (The profile is written with SQL here until `PATCH /business` exists.)

use reqwest::Method;

use crate::harness::pdf::pdf_images;
use crate::harness::{TestApp, documented_invoice, flat_text, get_pdf, pdf_info, post, setup};

use base64::Engine;

/// A 1×1 PNG.
const PNG_LOGO: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

async fn set_profile(app: &TestApp, business_id: i64) {
    sqlx::query(
        "UPDATE businesses SET paper_size = 'letter', locale = 'de-DE', accent_color = '#aa3300',
                legal_name = 'Flixtechs GmbH', tax_id = 'DE123456789',
                footer = 'Flixtechs GmbH · Amtsgericht Berlin',
                payment_bank_name = 'Deutsche Bank', payment_account_holder = 'Flixtechs GmbH',
                payment_iban = 'DE89370400440532013000', payment_bic = 'DEUTDEFF',
                payment_text = 'Please quote the invoice number.'
         WHERE id = $1",
    )
    .bind(business_id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO business_logos (business_id, content_type, digest, bytes)
         VALUES ($1, 'image/png', encode(sha256($2), 'hex'), $2)",
    )
    .bind(business_id)
    .bind(
        base64::engine::general_purpose::STANDARD
            .decode(PNG_LOGO)
            .unwrap(),
    )
    .execute(&app.pool)
    .await
    .unwrap();
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

    set_profile(&app, s.tenant.business_id).await;
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
