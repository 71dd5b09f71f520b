//! The business profile: everything a document says about its sender (name, legal name,
//! addresses, tax ids, logo, payment instructions, numbering, paper and locale), read in
//! one query, and its logo's bytes. The PDFs and the customer's page read it from here.

use sqlx::PgExecutor;

/// The paper the business's documents are laid out on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperSize {
    #[default]
    A4,
    Letter,
}

impl PaperSize {
    /// The `businesses.paper_size` value (and the API's).
    pub fn as_str(self) -> &'static str {
        match self {
            PaperSize::A4 => "a4",
            PaperSize::Letter => "letter",
        }
    }

    pub fn parse(s: &str) -> Option<PaperSize> {
        match s {
            "a4" => Some(PaperSize::A4),
            "letter" => Some(PaperSize::Letter),
            _ => None,
        }
    }
}

/// The business's address (every field optional; all `None` when it has none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProfileAddress {
    pub line: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub post_code: Option<String>,
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country_code: Option<String>,
}

/// How the customer pays: shown on every document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PaymentInstructions {
    pub bank_name: Option<String>,
    pub account_holder: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub text: Option<String>,
}

/// Which logo the business has, without its bytes: enough to name its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LogoRef {
    /// SHA-256 of the bytes, lower-case hex.
    pub digest: String,
    pub content_type: String,
    /// `png`, `jpg` or `svg`.
    pub ext: &'static str,
    /// The business's public token, which names it in the URL.
    pub token: String,
}

impl LogoRef {
    /// The logo's path under the public base URL: `/logos/{token}/{digest}.{ext}`.
    pub fn path(&self) -> String {
        logo_path(&self.token, &self.digest, self.ext)
    }
}

/// `/logos/{token}/{digest}.{ext}`: stable as long as the bytes are (the digest names them).
pub(crate) fn logo_path(token: &str, digest: &str, ext: &str) -> String {
    format!("/logos/{token}/{digest}.{ext}")
}

/// The same as `extension`, in SQL over `l.content_type` (`business_logos l`).
macro_rules! logo_extension_sql {
    () => {
        "CASE l.content_type WHEN 'image/png' THEN 'png' WHEN 'image/jpeg' THEN 'jpg' \
         ELSE 'svg' END"
    };
}
pub(crate) use logo_extension_sql;

/// The file extension a logo's content type is served under.
pub(crate) fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "svg",
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Profile {
    pub id: i64,
    pub name: String,
    pub legal_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub tax_id: Option<String>,
    pub registration_number: Option<String>,
    pub address: ProfileAddress,
    pub logo: Option<LogoRef>,
    /// IANA, "UTC" by default.
    pub time_zone: String,
    /// BCP 47, "en" by default.
    pub locale: String,
    pub paper_size: PaperSize,
    /// `#rrggbb`, lower-case.
    pub accent_color: Option<String>,
    pub default_notes: Option<String>,
    pub footer: Option<String>,
    pub payment_instructions: PaymentInstructions,
    pub invoice_prefix: String,
    pub quote_prefix: String,
    pub credit_note_prefix: String,
    pub number_padding: i32,
    /// For the documents' money (`render/`).
    #[allow(dead_code)]
    pub default_currency: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: i64,
    name: String,
    legal_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    tax_id: Option<String>,
    registration_number: Option<String>,
    line: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    post_code: Option<String>,
    country: Option<String>,
    country_code: Option<String>,
    logo_digest: Option<String>,
    logo_content_type: Option<String>,
    time_zone: String,
    locale: String,
    paper_size: String,
    accent_color: Option<String>,
    default_notes: Option<String>,
    footer: Option<String>,
    payment_bank_name: Option<String>,
    payment_account_holder: Option<String>,
    payment_iban: Option<String>,
    payment_bic: Option<String>,
    payment_text: Option<String>,
    invoice_prefix: String,
    quote_prefix: String,
    credit_note_prefix: String,
    number_padding: i32,
    default_currency: String,
    public_token: String,
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// The business's profile, in one query (`RowNotFound` when there is no such business).
pub(crate) async fn profile(exec: impl PgExecutor<'_>, business_id: i64) -> sqlx::Result<Profile> {
    let r: ProfileRow = sqlx::query_as(
        "SELECT b.id, b.name, b.legal_name, b.email, b.phone, b.website, b.tax_id,
                b.registration_number, a.line, a.line2, a.city, a.state, a.post_code,
                a.country, a.country_code, l.digest AS logo_digest,
                l.content_type AS logo_content_type, b.time_zone, b.locale, b.paper_size,
                b.accent_color, b.default_notes, b.footer, b.payment_bank_name,
                b.payment_account_holder, b.payment_iban, b.payment_bic, b.payment_text,
                b.invoice_prefix, b.quote_prefix, b.credit_note_prefix, b.number_padding, b.default_currency,
                b.public_token, b.updated_at
         FROM businesses b
         LEFT JOIN addresses a ON a.id = b.address_id
         LEFT JOIN business_logos l ON l.business_id = b.id
         WHERE b.id = $1",
    )
    .bind(business_id)
    .fetch_one(exec)
    .await?;
    let logo = match (r.logo_digest, r.logo_content_type) {
        (Some(digest), Some(content_type)) => Some(LogoRef {
            ext: extension(&content_type),
            digest,
            content_type,
            token: r.public_token,
        }),
        _ => None,
    };
    Ok(Profile {
        id: r.id,
        name: r.name,
        legal_name: r.legal_name,
        email: r.email,
        phone: r.phone,
        website: r.website,
        tax_id: r.tax_id,
        registration_number: r.registration_number,
        address: ProfileAddress {
            line: r.line,
            line2: r.line2,
            city: r.city,
            state: r.state,
            post_code: r.post_code,
            country: r.country,
            country_code: r.country_code,
        },
        logo,
        time_zone: r.time_zone,
        locale: r.locale,
        paper_size: PaperSize::parse(&r.paper_size).unwrap_or_default(),
        accent_color: r.accent_color,
        default_notes: r.default_notes,
        footer: r.footer,
        payment_instructions: PaymentInstructions {
            bank_name: r.payment_bank_name,
            account_holder: r.payment_account_holder,
            iban: r.payment_iban,
            bic: r.payment_bic,
            text: r.payment_text,
        },
        invoice_prefix: r.invoice_prefix,
        quote_prefix: r.quote_prefix,
        credit_note_prefix: r.credit_note_prefix,
        number_padding: r.number_padding,
        default_currency: r.default_currency,
        updated_at: r.updated_at,
    })
}

/// A logo's bytes as stored.
#[derive(Clone, Debug)]
pub(crate) struct Logo {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, lower-case hex.
    pub digest: String,
}

/// The business's logo, if it has one (the documents embed its bytes).
#[allow(dead_code)] // read by `render/` (the PDFs)
pub(crate) async fn logo(
    exec: impl PgExecutor<'_>,
    business_id: i64,
) -> sqlx::Result<Option<Logo>> {
    let row: Option<(String, Vec<u8>, String)> = sqlx::query_as(
        "SELECT content_type, bytes, digest FROM business_logos WHERE business_id = $1",
    )
    .bind(business_id)
    .fetch_optional(exec)
    .await?;
    Ok(row.map(|(content_type, bytes, digest)| Logo {
        content_type,
        bytes,
        digest,
    }))
}
