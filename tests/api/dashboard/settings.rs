//! `/dashboard/settings`: the business profile changed through the form as `PATCH
//! /api/v1/business` changes it (the same checks), the logo uploaded and removed, CSRF,
//! and each business's own profile only.

use serde_json::Value;

use super::{Browser, PASSWORD, Page};
use crate::business::logo::png;
use crate::harness::{Tenant, TestApp, json};

async fn profile(app: &TestApp, t: &Tenant) -> Value {
    let response = app
        .authed(t, reqwest::Method::GET, "/api/v1/business")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    json(response).await["data"].clone()
}

/// The form's fields as the page shows them (`name` → `value`), then `changes` over them:
/// what a person who edits a few fields submits.
fn submitted<'a>(page: &'a Page, changes: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), page.csrf())];
    for name in [
        "name",
        "legal_name",
        "email",
        "phone",
        "tax_id",
        "address.line",
        "address.city",
        "address.post_code",
        "address.country_code",
        "time_zone",
        "locale",
        "paper_size",
        "invoice_prefix",
        "number_padding",
        "payment_instructions.iban",
        "payment_instructions.bic",
    ] {
        let value = changes
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| value_on(page, name));
        fields.push((name.into(), value));
    }
    fields
}

/// The value of the input named `name` on the page ("" when none; a select's chosen one).
fn value_on(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let Some(at) = page.body.find(&marker) else {
        return String::new();
    };
    let rest = &page.body[at..];
    if page.body[..at].ends_with("<select id=\"paper_size\" ") {
        let chosen = rest.find(" selected").unwrap();
        let value = rest[..chosen].rfind("value=\"").unwrap() + 7;
        return rest[value..chosen - 1].to_string();
    }
    let Some(start) = rest.find("value=\"") else {
        return String::new();
    };
    let end = rest[start + 7..].find('"').unwrap();
    rest[start + 7..start + 7 + end].to_string()
}

async fn post_fields(browser: &mut Browser<'_>, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post("/dashboard/settings", &pairs).await
}

#[tokio::test]
async fn the_form_changes_the_profile_the_api_shows_and_blank_clears_a_field() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let before_theirs = profile(&app, &theirs).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let form = browser.get("/dashboard/settings").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("value=\"Mine\""), "the current name");
    assert!(
        form.body
            .contains("<label for=\"address-city\">City</label>")
    );

    let fields = submitted(
        &form,
        &[
            ("name", "Flixtechs"),
            ("legal_name", "Flixtechs (Pty) Ltd"),
            ("phone", "+27 43 000 0000"),
            ("tax_id", "DE123456789"),
            ("address.line", "1 Mahem Pl"),
            ("address.city", "East London"),
            ("address.post_code", "5256"),
            ("address.country_code", "za"),
            ("time_zone", "Africa/Johannesburg"),
            ("paper_size", "letter"),
            ("invoice_prefix", "F-"),
            ("number_padding", "6"),
            ("payment_instructions.iban", "de89 3704 0044 0532 0130 00"),
            ("payment_instructions.bic", "DEUTDEFF"),
        ],
    );
    let saved = post_fields(&mut browser, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), "/dashboard/settings?saved=profile");
    let shown = browser.get(saved.location()).await;
    assert!(shown.body.contains("The settings were saved."));
    assert!(shown.body.contains("value=\"East London\""));

    let p = profile(&app, &mine).await;
    assert_eq!(p["name"], "Flixtechs");
    assert_eq!(p["legal_name"], "Flixtechs (Pty) Ltd");
    assert_eq!(p["tax_id"], "DE123456789");
    assert_eq!(p["address"]["city"], "East London");
    assert_eq!(p["address"]["country_code"], "ZA", "{p}");
    assert_eq!(p["time_zone"], "Africa/Johannesburg");
    assert_eq!(p["paper_size"], "letter");
    assert_eq!(p["invoice_prefix"], "F-");
    assert_eq!(p["number_padding"], 6);
    let iban = p["payment_instructions"]["iban"].as_str().unwrap();
    assert_eq!(iban.replace(' ', ""), "DE89370400440532013000", "{p}");

    // A field emptied is cleared, as `null` clears it in a PATCH.
    let form = browser.get("/dashboard/settings").await;
    let fields = submitted(&form, &[("phone", ""), ("legal_name", "")]);
    assert_eq!(post_fields(&mut browser, &fields).await.status, 303);
    let p = profile(&app, &mine).await;
    assert_eq!(p["phone"], Value::Null);
    assert_eq!(p["legal_name"], Value::Null);
    assert_eq!(p["name"], "Flixtechs", "the rest stays");

    // The other business is untouched.
    assert_eq!(profile(&app, &theirs).await, before_theirs);
}

#[tokio::test]
async fn invalid_fields_are_each_named_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let before = profile(&app, &mine).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let form = browser.get("/dashboard/settings").await;
    let fields = submitted(
        &form,
        &[
            ("name", ""),
            ("phone", "+49 30 1234"),
            ("address.country_code", "XX"),
            ("time_zone", "Mars/Olympus"),
            ("number_padding", "13"),
            ("payment_instructions.iban", "DE00 0000 0000 0000 0000 00"),
        ],
    );
    let refused = post_fields(&mut browser, &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for named in [
        "Name: can&#39;t be blank",
        "Country code: is not an ISO 3166-1 alpha-2 country code",
        "Time zone: is not an IANA time zone",
        "Digits: must be a whole number from 1 to 12",
        "IBAN: ",
    ] {
        assert!(refused.body.contains(named), "{named} in {}", refused.body);
    }
    assert!(
        refused.body.contains("value=\"+49 30 1234\""),
        "what was typed stays"
    );
    assert!(refused.body.contains("aria-invalid=\"true\""));
    assert_eq!(profile(&app, &mine).await, before, "nothing was written");
}

#[tokio::test]
async fn settings_forms_without_the_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let before = profile(&app, &mine).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let form = browser.get("/dashboard/settings").await;
    let csrf = form.csrf();
    let no_token = browser
        .post("/dashboard/settings", &[("name", "Hijacked")])
        .await;
    assert_eq!(no_token.status, 403);
    let cross = browser
        .post_with(
            "/dashboard/settings",
            &[("csrf", &csrf), ("name", "Hijacked")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, 403);
    let logo = browser
        .multipart("/dashboard/settings/logo", None, &png())
        .await;
    assert_eq!(logo.status, 403);
    assert_eq!(profile(&app, &mine).await, before);

    // Signed out, the page and its forms lead to the sign-in page.
    let mut stranger = Browser::new(&app);
    let page = stranger.get("/dashboard/settings").await;
    assert_eq!((page.status, page.location()), (303, "/dashboard/sign_in"));
    let post = stranger
        .post("/dashboard/settings", &[("csrf", &csrf), ("name", "X")])
        .await;
    assert_eq!(post.status, 303);
    assert_eq!(profile(&app, &mine).await, before);
}

#[tokio::test]
async fn a_logo_is_uploaded_checked_shown_and_removed() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let csrf = browser.get("/dashboard/settings").await.csrf();

    let not_an_image = browser
        .multipart(
            "/dashboard/settings/logo",
            Some(&csrf),
            b"<script>alert(1)</script>",
        )
        .await;
    assert_eq!(not_an_image.status, 422, "{}", not_an_image.body);
    assert!(
        not_an_image.body.contains("Logo: "),
        "{}",
        not_an_image.body
    );
    assert_eq!(profile(&app, &mine).await["logo"], Value::Null);

    let uploaded = browser
        .multipart("/dashboard/settings/logo", Some(&csrf), &png())
        .await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let logo = profile(&app, &mine).await["logo"]
        .as_str()
        .expect("a logo URL")
        .to_string();
    let path = &logo[logo.find("/logos/").unwrap()..];
    let page = browser.get("/dashboard/settings?saved=logo").await;
    assert!(page.body.contains("The logo was uploaded."));
    assert!(
        page.body
            .contains(&format!("<img class=\"logo\" src=\"{path}\"")),
        "the page shows it from this origin: {}",
        page.body
    );
    let served = app.get(path).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), png());

    let removed = browser
        .post("/dashboard/settings/logo/delete", &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(profile(&app, &mine).await["logo"], Value::Null);
    assert_eq!(app.get(path).await.status(), 404);
}
