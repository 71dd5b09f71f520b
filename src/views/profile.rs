//! The business profile as `GET /business` shows it: every field the documents use,
//! named as issue 20 names them, `logo` the absolute URL it is served at.

use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::businesses::profile::Profile;
use crate::timestamp;

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAddressView {
    #[schema(example = "1 Mahem Pl")]
    pub line: Option<String>,
    #[schema(example = "Unit 23")]
    pub line2: Option<String>,
    #[schema(example = "East London")]
    pub city: Option<String>,
    #[schema(example = "Eastern Cape")]
    pub state: Option<String>,
    #[schema(example = "5256")]
    pub post_code: Option<String>,
    /// Free text, as sent.
    #[schema(example = "South Africa")]
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "ZA")]
    pub country_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentInstructionsView {
    #[schema(example = "First National Bank")]
    pub bank_name: Option<String>,
    #[schema(example = "Flixtechs (Pty) Ltd")]
    pub account_holder: Option<String>,
    /// Compact, upper-case.
    #[schema(example = "DE89370400440532013000")]
    pub iban: Option<String>,
    #[schema(example = "DEUTDEFF")]
    pub bic: Option<String>,
    /// Free text shown under the bank details.
    #[schema(example = "Please quote the invoice number.")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "Flixtechs")]
    pub name: String,
    #[schema(example = "Flixtechs (Pty) Ltd")]
    pub legal_name: Option<String>,
    #[schema(example = "billing@flixtechs.co.za")]
    pub email: Option<String>,
    #[schema(example = "+27675711214")]
    pub phone: Option<String>,
    #[schema(example = "https://flixtechs.co.za")]
    pub website: Option<String>,
    /// VAT number or other tax id (an EU VAT number compact and upper-case).
    #[schema(example = "4123456789")]
    pub tax_id: Option<String>,
    /// Company registration number.
    #[schema(example = "2019/123456/07")]
    pub registration_number: Option<String>,
    /// Always an object; every field null when there is no address.
    pub address: ProfileAddressView,
    /// Absolute URL the logo is served at (public, cacheable), null when there is none.
    #[schema(example = "https://billing.example.com/logos/3f2a9c/9b1c.png")]
    pub logo: Option<String>,
    /// IANA time zone: schedules and document dates use it.
    #[schema(example = "Africa/Johannesburg")]
    pub time_zone: String,
    /// BCP 47 language tag.
    #[schema(example = "en-ZA")]
    pub locale: String,
    /// `a4` or `letter`.
    #[schema(example = "a4")]
    pub paper_size: String,
    /// `#rrggbb`.
    #[schema(example = "#1a73e8")]
    pub accent_color: Option<String>,
    /// The business's standard notes for its documents.
    pub default_notes: Option<String>,
    /// Printed at the bottom of every document.
    pub footer: Option<String>,
    /// Always an object; every field null when none are set.
    pub payment_instructions: PaymentInstructionsView,
    /// Before each invoice number (`INV-` → `INV-0001`).
    #[schema(example = "INV-")]
    pub invoice_prefix: String,
    #[schema(example = "QOT-")]
    pub quote_prefix: String,
    /// Before each credit note number (`CN-` → `CN-0001`).
    #[schema(example = "CN-")]
    pub credit_note_prefix: String,
    /// Numbers are zero-padded to at least this many digits (1 to 12).
    #[schema(example = 4)]
    pub number_padding: i32,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.300Z")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl ProfileView {
    pub(crate) fn new(p: Profile, public_url: &str) -> Self {
        let a = p.address;
        let pay = p.payment_instructions;
        ProfileView {
            logo: p.logo.map(|l| format!("{public_url}{}", l.path())),
            id: p.id,
            name: p.name,
            legal_name: p.legal_name,
            email: p.email,
            phone: p.phone,
            website: p.website,
            tax_id: p.tax_id,
            registration_number: p.registration_number,
            address: ProfileAddressView {
                line: a.line,
                line2: a.line2,
                city: a.city,
                state: a.state,
                post_code: a.post_code,
                country: a.country,
                country_code: a.country_code,
            },
            time_zone: p.time_zone,
            locale: p.locale,
            paper_size: p.paper_size.as_str().to_string(),
            accent_color: p.accent_color,
            default_notes: p.default_notes,
            footer: p.footer,
            payment_instructions: PaymentInstructionsView {
                bank_name: pay.bank_name,
                account_holder: pay.account_holder,
                iban: pay.iban,
                bic: pay.bic,
                text: pay.text,
            },
            invoice_prefix: p.invoice_prefix,
            quote_prefix: p.quote_prefix,
            credit_note_prefix: p.credit_note_prefix,
            number_padding: p.number_padding,
            updated_at: p.updated_at,
        }
    }
}
