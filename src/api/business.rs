//! `/api/v1/business`: the caller's business profile, shown and changed (the logo's
//! upload is `business_logo.rs`).

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;
use utoipa::ToSchema;

use crate::api::address::{self, AddressInput};
use crate::api::customers::tax_id;
use crate::api::docs::ErrorResponse;
use crate::api::input::{Form, Obj, Patch, is_email};
use crate::api::response::data;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::businesses::changes::{self, ProfileChanges};
use crate::billing::businesses::profile::{self, PaperSize};
use crate::billing::events::Outcome;
use crate::billing::profile::{formats, iban};
use crate::billing::schedule;
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::profile::ProfileView;

#[derive(Serialize, ToSchema)]
pub struct ProfileEnvelope {
    data: ProfileView,
}

pub(crate) const NAME_MAX: usize = 255;
pub(crate) const TEXT_MAX: usize = 10_000;

/// Payment instructions as a request sends them (`null` clears them all).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct PaymentInstructionsInput {
    bank_name: Option<String>,
    account_holder: Option<String>,
    /// Checked: the country's length and the mod-97 check digits; spaces allowed.
    iban: Option<String>,
    /// 8 or 11 characters.
    bic: Option<String>,
    text: Option<String>,
}

/// The profile fields a PATCH may send, wrapped (`{"business": {...}}`) or bare; only
/// the fields sent change, and `null` clears one.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"business": {"name": "Flixtechs", "legal_name": "Flixtechs (Pty) Ltd",
    "email": "billing@flixtechs.co.za", "tax_id": "4123456789",
    "address": {"line": "1 Mahem Pl", "city": "East London", "post_code": "5256",
    "country": "South Africa", "country_code": "ZA"},
    "time_zone": "Africa/Johannesburg", "locale": "en-ZA", "paper_size": "a4",
    "accent_color": "#1a73e8", "payment_instructions": {"bank_name": "First National Bank",
    "iban": "DE89 3704 0044 0532 0130 00", "bic": "DEUTDEFF"},
    "invoice_prefix": "INV-", "quote_prefix": "QOT-", "number_padding": 4}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct ProfileInput {
    /// Can't be blank.
    name: Option<String>,
    legal_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    /// VAT number or other tax id: an EU VAT number (`DE123456789`) must have its
    /// country's format; any other is up to 32 printable characters.
    tax_id: Option<String>,
    registration_number: Option<String>,
    /// With `state` too.
    address: Option<AddressInput>,
    /// Only `null` (removes the logo) or the current URL: upload with
    /// `PUT /business/logo`.
    logo: Option<String>,
    /// IANA time zone (`Europe/Berlin`).
    time_zone: Option<String>,
    /// BCP 47 tag (`en`, `de-CH`).
    locale: Option<String>,
    /// `a4` or `letter`.
    paper_size: Option<String>,
    /// `#rrggbb`.
    accent_color: Option<String>,
    default_notes: Option<String>,
    footer: Option<String>,
    payment_instructions: Option<PaymentInstructionsInput>,
    /// Up to 16 printable characters; blank for none.
    invoice_prefix: Option<String>,
    quote_prefix: Option<String>,
    credit_note_prefix: Option<String>,
    /// 1 to 12.
    number_padding: Option<i64>,
}

#[utoipa::path(
    get, path = "/business", tag = "Account",
    summary = "The business profile",
    responses((status = 200, description = "The caller's business", body = ProfileEnvelope)),
    security(("oauth2" = ["read"]))
)]
pub async fn show(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    let profile = profile::profile(&state.pool, auth.business_id).await?;
    Ok(data(ProfileView::new(profile, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/business", tag = "Account",
    summary = "Change the business profile (only the fields sent; null clears)",
    request_body(content = ProfileInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The changed profile", body = ProfileEnvelope),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "business")?;
    let public_url = &state.config.public_url;
    let mut tx = write::begin(&state).await?;
    let now = state.clock.now();
    apply(&mut tx, auth.business_id, &obj, public_url, now).await?;
    let view = ProfileView::new(
        profile::profile(&mut *tx, auth.business_id).await?,
        public_url,
    );
    write::commit(&state, tx, Outcome::default(), now).await?;
    Ok(data(view))
}

/// Reads a profile change from `obj` and makes it on `tx`: the API's PATCH body, or the
/// dashboard's settings form read into the same JSON, so a field has one set of rules.
/// Every invalid field is named in the 422 before anything is written.
pub(crate) async fn apply(
    tx: &mut PgConnection,
    business_id: i64,
    obj: &Obj,
    public_url: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut form = Form::new();
    let mut changes = read_changes(&mut form, obj);
    if let Patch::Set(url) = form.string(obj, "logo", 2048) {
        // A profile sent back as it was read keeps its logo; any other URL is not an upload.
        let current = profile::profile(&mut *tx, business_id).await?.logo;
        if current.map(|l| format!("{public_url}{}", l.path())) != Some(url) {
            form.error(obj, "logo", "upload a logo with PUT /api/v1/business/logo");
        }
    } else if obj.has("logo") && form.raw(obj, "logo").is_some_and(Value::is_null) {
        changes.remove_logo = true;
    }
    form.finish()?;
    changes::update(tx, business_id, &changes, now).await?;
    Ok(())
}

/// A value checked by one of the `billing::profile` formats, the error named by field.
fn checked(
    form: &mut Form,
    obj: &Obj,
    field: &str,
    value: Patch<String>,
    check: impl FnOnce(&str) -> Result<String, String>,
) -> Patch<String> {
    match value {
        Patch::Set(v) => match check(&v) {
            Ok(v) => Patch::Set(v),
            Err(message) => {
                form.error(obj, field, message);
                Patch::Invalid
            }
        },
        other => other,
    }
}

fn read_changes(form: &mut Form, obj: &Obj) -> ProfileChanges {
    let name = form.string(obj, "name", NAME_MAX);
    let name = form.not_null(obj, "name", name, false);
    let email = form.string(obj, "email", 254);
    if let Patch::Set(e) = &email
        && !is_email(e)
    {
        form.error(obj, "email", "is not an email address");
    }
    let time_zone = form.string(obj, "time_zone", 64);
    let time_zone = checked(form, obj, "time_zone", time_zone, |z| {
        match z.parse::<chrono_tz::Tz>() {
            Ok(tz) if schedule::is_time_zone(tz.name()) => Ok(tz.name().to_string()),
            _ => Err("is not an IANA time zone (Europe/Berlin, America/New_York)".into()),
        }
    });
    let locale = form.string(obj, "locale", formats::LOCALE_MAX);
    let locale = checked(form, obj, "locale", locale, formats::locale);
    let paper_size = form.one_of(
        obj,
        "paper_size",
        &[PaperSize::A4.as_str(), PaperSize::Letter.as_str()],
    );
    let accent_color = form.string(obj, "accent_color", 16);
    let accent_color = checked(form, obj, "accent_color", accent_color, formats::color);
    let address = match form.object(obj, "address") {
        Patch::Set(a) => Some(Some(address::read(form, &a, true))),
        Patch::Null => Some(None),
        _ => None,
    };
    let padding = match form.integer(obj, "number_padding") {
        Patch::Set(n) if formats::PADDING.contains(&n) => Patch::Set(n as i32),
        Patch::Absent => Patch::Absent,
        Patch::Invalid => Patch::Invalid,
        _ => {
            form.error(obj, "number_padding", "must be a whole number from 1 to 12");
            Patch::Invalid
        }
    };
    let mut changes = ProfileChanges {
        name,
        legal_name: form.string(obj, "legal_name", NAME_MAX).change(),
        email: email.change(),
        phone: form.string(obj, "phone", 64).change(),
        website: form.string(obj, "website", NAME_MAX).change(),
        tax_id: tax_id(form, obj).change(),
        registration_number: form.string(obj, "registration_number", 64).change(),
        address,
        time_zone: form.not_null(obj, "time_zone", time_zone, false),
        locale: form.not_null(obj, "locale", locale, false),
        paper_size: form.not_null(obj, "paper_size", paper_size, false),
        accent_color: accent_color.change(),
        default_notes: form.string(obj, "default_notes", TEXT_MAX).change(),
        footer: form.string(obj, "footer", TEXT_MAX).change(),
        invoice_prefix: prefix(form, obj, "invoice_prefix"),
        quote_prefix: prefix(form, obj, "quote_prefix"),
        credit_note_prefix: prefix(form, obj, "credit_note_prefix"),
        number_padding: form.not_null(obj, "number_padding", padding, false),
        ..ProfileChanges::default()
    };
    match form.object(obj, "payment_instructions") {
        Patch::Set(p) => {
            changes.bank_name = form.string(&p, "bank_name", NAME_MAX).change();
            changes.account_holder = form.string(&p, "account_holder", NAME_MAX).change();
            let iban_value = form.string(&p, "iban", 64);
            changes.iban = checked(form, &p, "iban", iban_value, iban::check).change();
            let bic = form.string(&p, "bic", 16);
            changes.bic = checked(form, &p, "bic", bic, formats::bic).change();
            changes.payment_text = form.string(&p, "text", TEXT_MAX).change();
        }
        Patch::Null => {
            changes.bank_name = Some(None);
            changes.account_holder = Some(None);
            changes.iban = Some(None);
            changes.bic = Some(None);
            changes.payment_text = Some(None);
        }
        _ => {}
    }
    changes
}

/// A numbering prefix: blank or `null` for none.
fn prefix(form: &mut Form, obj: &Obj, field: &str) -> Option<String> {
    match form.string(obj, field, 64) {
        Patch::Set(p) => match formats::prefix(&p) {
            Ok(p) => Some(p),
            Err(message) => {
                form.error(obj, field, message);
                None
            }
        },
        Patch::Null => Some(String::new()),
        Patch::Absent | Patch::Invalid => None,
    }
}
