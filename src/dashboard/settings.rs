//! The business settings: the profile the documents print (name, addresses, tax ids,
//! time zone, locale, paper, numbering, payment instructions) and the logo. The form is
//! read into the JSON `PATCH /api/v1/business` takes and changed by the API's own
//! `api::business::apply` (one set of rules, every invalid field named); the logo goes
//! through the API's upload check. Each change is one transaction with the signed-in
//! user as its actor.

use std::collections::BTreeMap;

use axum::Form;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use super::pages::{Nav, SettingsField, SettingsPage, SettingsSection};
use super::session::TokenForm;
use super::{PageResult, SignedIn, begin, db, page, see_other};
use crate::api::business::{self, NAME_MAX, TEXT_MAX};
use crate::api::business_logo;
use crate::api::input::Obj;
use crate::billing::businesses::logos;
use crate::billing::businesses::profile::{self, Profile};
use crate::billing::profile::{formats, image};
use crate::error::ApiError;
use crate::state::AppState;

const SECTION: &str = "/dashboard/settings";

/// How a field is entered.
#[derive(Clone, Copy, PartialEq)]
enum Input {
    Text,
    Email,
    Url,
    Textarea,
    Number,
    /// A text input suggesting the IANA time zones.
    TimeZone,
    PaperSize,
}

/// A form field: its key (the PATCH body's field; `address.` and `payment_instructions.`
/// name the nested objects), its label, how it is entered, its length limit and help.
struct Field(&'static str, &'static str, Input, usize, &'static str);

const SECTIONS: &[(&str, &[Field])] = &[
    (
        "Business",
        &[
            Field("name", "Name", Input::Text, NAME_MAX, ""),
            Field(
                "legal_name",
                "Legal name",
                Input::Text,
                NAME_MAX,
                "Printed on documents when it differs from the name.",
            ),
            Field("email", "Billing email", Input::Email, 254, ""),
            Field("phone", "Phone", Input::Text, 64, ""),
            Field("website", "Website", Input::Url, NAME_MAX, ""),
            Field(
                "tax_id",
                "VAT number or tax id",
                Input::Text,
                64,
                "An EU VAT number (DE123456789) must have its country's format.",
            ),
            Field(
                "registration_number",
                "Registration number",
                Input::Text,
                64,
                "",
            ),
        ],
    ),
    (
        "Address",
        &[
            Field("address.line", "Street address", Input::Text, NAME_MAX, ""),
            Field("address.line2", "Address line 2", Input::Text, NAME_MAX, ""),
            Field("address.post_code", "Postal code", Input::Text, 32, ""),
            Field("address.city", "City", Input::Text, NAME_MAX, ""),
            Field(
                "address.state",
                "State or region",
                Input::Text,
                NAME_MAX,
                "",
            ),
            Field(
                "address.country",
                "Country",
                Input::Text,
                NAME_MAX,
                "As documents show it.",
            ),
            Field(
                "address.country_code",
                "Country code",
                Input::Text,
                8,
                "ISO 3166-1, two letters (DE, ZA); e-invoices need it.",
            ),
        ],
    ),
    (
        "Documents",
        &[
            Field(
                "time_zone",
                "Time zone",
                Input::TimeZone,
                64,
                "IANA name (Europe/Berlin): dates and schedules are in this zone.",
            ),
            Field(
                "locale",
                "Locale",
                Input::Text,
                formats::LOCALE_MAX,
                "BCP 47 (en, de-CH): how documents write numbers and dates.",
            ),
            Field("paper_size", "Paper size", Input::PaperSize, 16, ""),
            Field(
                "accent_color",
                "Accent colour",
                Input::Text,
                16,
                "#rrggbb, for the documents' headings.",
            ),
            Field(
                "default_notes",
                "Default notes",
                Input::Textarea,
                TEXT_MAX,
                "New invoices and quotes start with these notes.",
            ),
            Field(
                "footer",
                "Footer",
                Input::Textarea,
                TEXT_MAX,
                "Printed at the foot of every document.",
            ),
        ],
    ),
    (
        "Numbering",
        &[
            Field(
                "invoice_prefix",
                "Invoice prefix",
                Input::Text,
                16,
                "Blank for none. Numbers already issued keep theirs.",
            ),
            Field("quote_prefix", "Quote prefix", Input::Text, 16, ""),
            Field(
                "credit_note_prefix",
                "Credit note prefix",
                Input::Text,
                16,
                "",
            ),
            Field(
                "number_padding",
                "Digits",
                Input::Number,
                2,
                "1 to 12: 4 writes INV-0001.",
            ),
        ],
    ),
    (
        "Payment instructions",
        &[
            Field(
                "payment_instructions.bank_name",
                "Bank",
                Input::Text,
                NAME_MAX,
                "",
            ),
            Field(
                "payment_instructions.account_holder",
                "Account holder",
                Input::Text,
                NAME_MAX,
                "",
            ),
            Field(
                "payment_instructions.iban",
                "IBAN",
                Input::Text,
                64,
                "Checked: its country's length and check digits; spaces are fine.",
            ),
            Field(
                "payment_instructions.bic",
                "BIC",
                Input::Text,
                16,
                "8 or 11 characters.",
            ),
            Field(
                "payment_instructions.text",
                "Other instructions",
                Input::Textarea,
                TEXT_MAX,
                "Printed under the bank details.",
            ),
        ],
    ),
];

/// The values the form shows, by key.
type Values = BTreeMap<&'static str, String>;
/// Messages by the API's field key (`address.city`), `logo` for the upload's.
type Errors = BTreeMap<String, Vec<String>>;

fn current_values(p: &Profile) -> Values {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let a = &p.address;
    let pi = &p.payment_instructions;
    Values::from([
        ("name", p.name.clone()),
        ("legal_name", text(&p.legal_name)),
        ("email", text(&p.email)),
        ("phone", text(&p.phone)),
        ("website", text(&p.website)),
        ("tax_id", text(&p.tax_id)),
        ("registration_number", text(&p.registration_number)),
        ("address.line", text(&a.line)),
        ("address.line2", text(&a.line2)),
        ("address.post_code", text(&a.post_code)),
        ("address.city", text(&a.city)),
        ("address.state", text(&a.state)),
        ("address.country", text(&a.country)),
        ("address.country_code", text(&a.country_code)),
        ("time_zone", p.time_zone.clone()),
        ("locale", p.locale.clone()),
        ("paper_size", p.paper_size.as_str().to_string()),
        ("accent_color", text(&p.accent_color)),
        ("default_notes", text(&p.default_notes)),
        ("footer", text(&p.footer)),
        ("invoice_prefix", p.invoice_prefix.clone()),
        ("quote_prefix", p.quote_prefix.clone()),
        ("credit_note_prefix", p.credit_note_prefix.clone()),
        ("number_padding", p.number_padding.to_string()),
        ("payment_instructions.bank_name", text(&pi.bank_name)),
        (
            "payment_instructions.account_holder",
            text(&pi.account_holder),
        ),
        ("payment_instructions.iban", text(&pi.iban)),
        ("payment_instructions.bic", text(&pi.bic)),
        ("payment_instructions.text", text(&pi.text)),
    ])
}

/// The fields a post sent, by key: only the form's own keys, the first of each.
fn posted_values(posted: &[(String, String)]) -> Values {
    let mut values = Values::new();
    for (_, fields) in SECTIONS {
        for Field(key, ..) in *fields {
            if let Some((_, value)) = posted.iter().find(|(k, _)| k == key) {
                values.insert(key, value.clone());
            }
        }
    }
    values
}

/// The post as the PATCH body: each field sent as a string (blank clears it, as `null`
/// does), a field not sent left as it is.
fn patch_body(values: &Values) -> Value {
    let mut body = Map::new();
    for (key, value) in values {
        let (object, field) = match key.split_once('.') {
            Some((object, field)) => (Some(object), field),
            None => (None, *key),
        };
        let target = match object {
            None => &mut body,
            Some(object) => match body
                .entry(object)
                .or_insert_with(|| Value::Object(Map::new()))
            {
                Value::Object(map) => map,
                _ => continue,
            },
        };
        target.insert(field.to_string(), Value::String(value.clone()));
    }
    Value::Object(body)
}

fn time_zones() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

fn settings_page(
    signed_in: &SignedIn,
    profile: &Profile,
    values: &Values,
    errors: &Errors,
    notice: Option<String>,
) -> SettingsPage {
    let sections = SECTIONS
        .iter()
        .map(|(heading, fields)| SettingsSection {
            heading,
            fields: fields
                .iter()
                .map(|Field(key, label, input, max, help)| {
                    let id = key.replace('.', "-");
                    let errors = errors.get(*key).cloned().unwrap_or_default();
                    let described_by = [
                        (!help.is_empty()).then(|| format!("{id}-help")),
                        (!errors.is_empty()).then(|| format!("{id}-error")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                    SettingsField {
                        key,
                        id,
                        label,
                        kind: match input {
                            Input::Text | Input::TimeZone => "text",
                            Input::Email => "email",
                            Input::Url => "url",
                            Input::Textarea => "textarea",
                            Input::Number => "number",
                            Input::PaperSize => "select",
                        },
                        time_zone: *input == Input::TimeZone,
                        max: *max,
                        help,
                        described_by,
                        value: values.get(key).cloned().unwrap_or_default(),
                        errors,
                    }
                })
                .collect(),
        })
        .collect();
    let mut summary: Vec<String> = Vec::new();
    for (key, messages) in errors {
        let label = SECTIONS
            .iter()
            .flat_map(|(_, fields)| fields.iter())
            .find(|Field(k, ..)| k == key)
            .map_or(if key == "logo" { "Logo" } else { key.as_str() }, |f| f.1);
        summary.extend(messages.iter().map(|m| format!("{label}: {m}")));
    }
    SettingsPage {
        nav: Some(Nav::new(&signed_in.0, SECTION)),
        notice,
        csrf: signed_in.0.csrf_token.clone(),
        sections,
        time_zones: time_zones(),
        logo: profile.logo.as_ref().map(|l| l.path()),
        logo_types: image::TYPES.join(","),
        logo_max: format!("{} MB", image::MAX_BYTES / 1_000_000),
        errors: summary,
    }
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /dashboard/settings`.
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(saved): Query<Saved>,
) -> PageResult {
    let profile = profile::profile(&state.pool, signed_in.0.business_id)
        .await
        .map_err(db)?;
    let notice = match saved.saved.as_deref() {
        Some("profile") => Some("The settings were saved.".to_string()),
        Some("logo") => Some("The logo was uploaded.".to_string()),
        Some("logo_removed") => Some("The logo was removed.".to_string()),
        _ => None,
    };
    let values = current_values(&profile);
    let page_model = settings_page(&signed_in, &profile, &values, &Errors::new(), notice);
    Ok(page(StatusCode::OK, &page_model))
}

/// The 422 page of a refused change (the values as sent), or the failure page when the
/// API's answer was not about fields.
async fn refused(
    state: &AppState,
    signed_in: &SignedIn,
    values: Values,
    error: ApiError,
) -> PageResult {
    let Some(fields) = error.field_errors() else {
        return Err(db(error.message()));
    };
    let errors: Errors = fields
        .entries()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let profile = profile::profile(&state.pool, signed_in.0.business_id)
        .await
        .map_err(db)?;
    let mut shown = current_values(&profile);
    shown.extend(values);
    let page_model = settings_page(signed_in, &profile, &shown, &errors, None);
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &page_model))
}

/// `POST /dashboard/settings`: the profile, changed as `PATCH /business` changes it.
pub async fn update(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(posted): Form<Vec<(String, String)>>,
) -> PageResult {
    let csrf = posted
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    signed_in.check_form(&headers, csrf)?;
    let values = posted_values(&posted);
    let obj = Obj::from_body(patch_body(&values), "business").map_err(|e| db(e.message()))?;
    let now = state.clock.now();
    let mut tx = begin(&state, &signed_in).await?;
    let public_url = &state.config.public_url;
    if let Err(error) =
        business::apply(&mut tx, signed_in.0.business_id, &obj, public_url, now).await
    {
        drop(tx);
        return refused(&state, &signed_in, values, error).await;
    }
    tx.commit().await.map_err(db)?;
    Ok(see_other("/dashboard/settings?saved=profile"))
}

/// `POST /dashboard/settings/logo`: a `multipart/form-data` form with the CSRF token and
/// the image (`logo`), checked as `PUT /business/logo` checks it.
pub async fn upload_logo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = business_logo::boundary(content_type);
    let part = |name: &str| boundary.and_then(|b| business_logo::multipart_part(&body, b, name));
    let csrf = part("csrf").map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned());
    signed_in.check_form(&headers, csrf.as_deref().unwrap_or(""))?;
    let Some((declared, bytes)) = part("logo") else {
        let error = ApiError::invalid_field("logo", "choose an image to upload");
        return refused(&state, &signed_in, Values::new(), error).await;
    };
    let now = state.clock.now();
    let mut tx = begin(&state, &signed_in).await?;
    if let Err(error) =
        business_logo::store(&mut tx, signed_in.0.business_id, &declared, bytes, now).await
    {
        drop(tx);
        return refused(&state, &signed_in, Values::new(), error).await;
    }
    tx.commit().await.map_err(db)?;
    Ok(see_other("/dashboard/settings?saved=logo"))
}

/// `POST /dashboard/settings/logo/delete`.
pub async fn remove_logo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let mut tx = begin(&state, &signed_in).await?;
    logos::remove(&mut tx, signed_in.0.business_id)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(see_other("/dashboard/settings?saved=logo_removed"))
}
