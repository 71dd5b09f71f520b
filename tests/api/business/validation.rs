//! `PATCH /api/v1/business`: each bad field is a 422 naming it, and nothing changes.

use serde_json::{Value, json};

use super::{change, profile};
use crate::harness::TestApp;

/// Each body, and the error key it must produce.
fn bad_fields() -> Vec<(Value, &'static str)> {
    vec![
        (json!({"name": null}), "name"),
        (json!({"name": "x".repeat(256)}), "name"),
        (json!({"legal_name": "x".repeat(256)}), "legal_name"),
        (json!({"email": "not-an-address"}), "email"),
        (json!({"phone": "1".repeat(65)}), "phone"),
        (json!({"website": "x".repeat(256)}), "website"),
        (json!({"tax_id": "DE12345678"}), "tax_id"),
        (json!({"tax_id": "ATU1234567"}), "tax_id"),
        (json!({"tax_id": "1".repeat(33)}), "tax_id"),
        (
            json!({"registration_number": "1".repeat(65)}),
            "registration_number",
        ),
        (
            json!({"address": {"country_code": "XX"}}),
            "address.country_code",
        ),
        (
            json!({"address": {"country_code": "DEU"}}),
            "address.country_code",
        ),
        (json!({"address": {"city": 7}}), "address.city"),
        (
            json!({"address": {"state": "x".repeat(256)}}),
            "address.state",
        ),
        (json!({"address": "Berlin"}), "address"),
        (json!({"logo": "https://example.com/logo.png"}), "logo"),
        (json!({"time_zone": "Mars/Olympus_Mons"}), "time_zone"),
        (json!({"time_zone": null}), "time_zone"),
        (json!({"locale": "english please"}), "locale"),
        (json!({"locale": "en_US"}), "locale"),
        (json!({"paper_size": "a5"}), "paper_size"),
        (json!({"accent_color": "blue"}), "accent_color"),
        (json!({"accent_color": "#12345g"}), "accent_color"),
        (
            json!({"default_notes": "x".repeat(10_001)}),
            "default_notes",
        ),
        (json!({"footer": "x".repeat(10_001)}), "footer"),
        (
            json!({"payment_instructions": {"iban": "DE89370400440532013001"}}),
            "payment_instructions.iban",
        ),
        (
            json!({"payment_instructions": {"iban": "DE8937040044053201300"}}),
            "payment_instructions.iban",
        ),
        (
            json!({"payment_instructions": {"iban": "ZZ89370400440532013000"}}),
            "payment_instructions.iban",
        ),
        (
            json!({"payment_instructions": {"bic": "DEUTDE"}}),
            "payment_instructions.bic",
        ),
        (
            json!({"payment_instructions": {"bic": "DEUTZZFF"}}),
            "payment_instructions.bic",
        ),
        (
            json!({"payment_instructions": {"bank_name": "x".repeat(256)}}),
            "payment_instructions.bank_name",
        ),
        (
            json!({"payment_instructions": {"text": "x".repeat(10_001)}}),
            "payment_instructions.text",
        ),
        (json!({"payment_instructions": []}), "payment_instructions"),
        (json!({"invoice_prefix": "x".repeat(17)}), "invoice_prefix"),
        (json!({"quote_prefix": "Q\u{7}"}), "quote_prefix"),
        (json!({"number_padding": 0}), "number_padding"),
        (json!({"number_padding": 13}), "number_padding"),
        (json!({"number_padding": "four"}), "number_padding"),
        (json!({"number_padding": null}), "number_padding"),
    ]
}

#[tokio::test]
async fn each_invalid_field_is_a_422_naming_it_and_nothing_changes() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 10_000).await;
    let tenant = app.tenant("Flixtechs").await;
    let before = profile(&app, &tenant).await;
    for (body, field) in bad_fields() {
        // With a valid change beside it, which must not be applied either.
        let mut body = body;
        if body.get("footer").is_none() {
            body["footer"] = json!("changed?");
        }
        let (status, answer) = change(&app, &tenant, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(
            answer["errors"][field].is_array(),
            "{body}: expected errors.{field}: {answer}"
        );
    }
    assert_eq!(profile(&app, &tenant).await, before);
}

#[tokio::test]
async fn every_bad_field_of_one_body_is_named_at_once() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let (status, answer) = change(
        &app,
        &tenant,
        json!({"business": {"time_zone": "Nowhere", "locale": "!", "paper_size": "A3",
               "address": {"country_code": "QQ"},
               "payment_instructions": {"iban": "GB00", "bic": "X"}}}),
    )
    .await;
    assert_eq!(status, 422);
    for field in [
        "time_zone",
        "locale",
        "paper_size",
        "address.country_code",
        "payment_instructions.iban",
        "payment_instructions.bic",
    ] {
        assert!(answer["errors"][field].is_array(), "{field}: {answer}");
    }
}
