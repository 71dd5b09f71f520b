//! `GET` and `PATCH /api/v1/business`: every field goes in and comes back out.

use serde_json::json;

use super::{change, profile};
use crate::harness::{TestApp, show};

#[tokio::test]
async fn a_new_business_has_the_default_profile() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let p = profile(&app, &tenant).await;
    assert_eq!(p["id"], tenant.business_id);
    assert_eq!(p["name"], "Flixtechs");
    assert_eq!(p["time_zone"], "UTC");
    assert_eq!(p["locale"], "en");
    assert_eq!(p["paper_size"], "a4");
    assert_eq!(p["invoice_prefix"], "INV-");
    assert_eq!(p["quote_prefix"], "QOT-");
    assert_eq!(p["number_padding"], 4);
    assert!(p["logo"].is_null() && p["tax_id"].is_null() && p["accent_color"].is_null());
    assert!(p["address"]["country_code"].is_null());
    assert!(p["payment_instructions"]["iban"].is_null());
}

#[tokio::test]
async fn every_field_round_trips_wrapped_or_bare() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let sent = json!({
        "name": "Flixtechs Studio",
        "legal_name": "Flixtechs (Pty) Ltd",
        "email": "billing@flixtechs.co.za",
        "phone": "+27675711214",
        "website": "https://flixtechs.co.za",
        "tax_id": "DE 123 456 789",
        "registration_number": "2019/123456/07",
        "address": {"line": "1 Mahem Pl", "line2": "Unit 23", "city": "East London",
                    "state": "Eastern Cape", "post_code": "5256", "country": "South Africa",
                    "country_code": "za"},
        "time_zone": "Africa/Johannesburg",
        "locale": "en-za",
        "paper_size": "letter",
        "accent_color": "#1A73E8",
        "default_notes": "Thank you for your business.",
        "footer": "Flixtechs (Pty) Ltd · Reg. 2019/123456/07",
        "payment_instructions": {"bank_name": "First National Bank",
            "account_holder": "Flixtechs (Pty) Ltd", "iban": "de89 3704 0044 0532 0130 00",
            "bic": "deutdeff", "text": "Please quote the invoice number."},
        "invoice_prefix": "F-",
        "quote_prefix": "Q/",
        "credit_note_prefix": "GS/",
        "number_padding": 6,
    });
    let (status, body) = change(&app, &tenant, json!({"business": sent})).await;
    assert_eq!(status, 200, "{body}");
    let expected = json!({
        "id": tenant.business_id,
        "name": "Flixtechs Studio",
        "legal_name": "Flixtechs (Pty) Ltd",
        "email": "billing@flixtechs.co.za",
        "phone": "+27675711214",
        "website": "https://flixtechs.co.za",
        "tax_id": "DE123456789",
        "registration_number": "2019/123456/07",
        "address": {"line": "1 Mahem Pl", "line2": "Unit 23", "city": "East London",
                    "state": "Eastern Cape", "post_code": "5256", "country": "South Africa",
                    "country_code": "ZA"},
        "logo": null,
        "time_zone": "Africa/Johannesburg",
        "locale": "en-ZA",
        "paper_size": "letter",
        "accent_color": "#1a73e8",
        "default_notes": "Thank you for your business.",
        "footer": "Flixtechs (Pty) Ltd · Reg. 2019/123456/07",
        "payment_instructions": {"bank_name": "First National Bank",
            "account_holder": "Flixtechs (Pty) Ltd", "iban": "DE89370400440532013000",
            "bic": "DEUTDEFF", "text": "Please quote the invoice number."},
        "invoice_prefix": "F-",
        "quote_prefix": "Q/",
        "credit_note_prefix": "GS/",
        "number_padding": 6,
    });
    let mut answered = body["data"].clone();
    assert!(answered["updated_at"].is_string());
    answered.as_object_mut().unwrap().remove("updated_at");
    assert_eq!(answered, expected);
    let mut shown = profile(&app, &tenant).await;
    shown.as_object_mut().unwrap().remove("updated_at");
    assert_eq!(shown, expected);

    // Bare, and only what is sent changes; null clears, an object's absent fields stay.
    let (status, body) = change(
        &app,
        &tenant,
        json!({"legal_name": null, "address": {"city": "Durban"},
               "payment_instructions": {"text": null}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let p = &body["data"];
    assert!(p["legal_name"].is_null());
    assert_eq!(p["name"], "Flixtechs Studio");
    assert_eq!(p["address"]["city"], "Durban");
    assert_eq!(p["address"]["country_code"], "ZA");
    assert!(p["payment_instructions"]["text"].is_null());
    assert_eq!(p["payment_instructions"]["iban"], "DE89370400440532013000");

    // Objects cleared whole.
    let (_, body) = change(
        &app,
        &tenant,
        json!({"address": null, "payment_instructions": null, "invoice_prefix": ""}),
    )
    .await;
    let p = &body["data"];
    assert!(
        p["address"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_null())
    );
    assert!(
        p["payment_instructions"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v.is_null())
    );
    assert_eq!(p["invoice_prefix"], "");
}

#[tokio::test]
async fn a_two_letter_country_fills_the_country_code_and_keeps_what_was_sent() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let (_, body) = change(&app, &tenant, json!({"address": {"country": "de"}})).await;
    assert_eq!(body["data"]["address"]["country"], "de");
    assert_eq!(body["data"]["address"]["country_code"], "DE");
    // A name stays a name; a code given with it wins.
    let (_, body) = change(
        &app,
        &tenant,
        json!({"address": {"country": "Deutschland", "country_code": "DE"}}),
    )
    .await;
    assert_eq!(body["data"]["address"]["country"], "Deutschland");
    assert_eq!(body["data"]["address"]["country_code"], "DE");
}

#[tokio::test]
async fn the_time_zone_is_what_the_schedules_read_and_the_embedded_business_keeps_its_shape() {
    let app = TestApp::spawn().await;
    let s = crate::harness::setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let (status, _) = change(
        &app,
        t,
        json!({"time_zone": "Europe/Berlin", "name": "Flix"}),
    )
    .await;
    assert_eq!(status, 200);
    let zone: String = sqlx::query_scalar("SELECT time_zone FROM businesses WHERE id = $1")
        .bind(t.business_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(zone, "Europe/Berlin");
    let me = show(&app, t, "/api/v1/me").await;
    assert_eq!(me["business"]["name"], "Flix");
    let keys: Vec<&String> = me["business"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "user_id",
            "name",
            "slug",
            "phone",
            "phone_country",
            "discarded_at",
            "created_at",
            "updated_at",
            "address",
            "logo"
        ]
    );
}
