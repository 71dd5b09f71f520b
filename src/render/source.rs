//! A document's model read from the database through the views' own one-query reads (the
//! invoice or quote as the API shows it), plus the business's profile: a fixed number of
//! queries whatever the document holds. An issued invoice's or credit note's CII
//! e-invoice (Factur-X) is built from the same two reads.

use sqlx::PgConnection;

use super::DocKind;
use super::model::{self, BusinessPart, CustomerPart, Model, Paper};
use crate::billing::businesses::profile::{self, Logo, PaperSize, Profile};
use crate::billing::credit_notes::CreditNote;
use crate::billing::documents::read::{self, Deleted};
use crate::billing::invoices::Invoice;
use crate::einvoice;
use crate::views::customers::CustomerView;

/// What a PDF is made of: its data, its logo, and what names the version.
pub(super) struct Loaded {
    pub model: Model,
    pub logo: Option<Logo>,
    /// The CII e-invoice the PDF carries (Factur-X), when it is one.
    pub einvoice: Option<Vec<u8>>,
    pub number: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The document of the business (deleted ones are not found), with its business's part.
pub(super) async fn load(
    conn: &mut PgConnection,
    views: crate::views::Views<'_>,
    business_id: i64,
    kind: DocKind,
    id: i64,
) -> sqlx::Result<Option<Loaded>> {
    match kind {
        DocKind::Invoice => {
            let deleted = Deleted::Excluded;
            let Some(row) = read::find_full::<Invoice>(conn, business_id, id, deleted).await?
            else {
                return Ok(None);
            };
            let (p, logo) = profile_and_logo(conn, business_id).await?;
            let einvoice = einvoice::facturx(&row, &p);
            let Some(v) = crate::views::invoices::render(views, vec![row])?.pop() else {
                return Ok(None);
            };
            let business = part(p, logo_format(&logo));
            let model = model::invoice(&v, &business, v.customer.as_ref().map(customer_part));
            Ok(Some(Loaded {
                model,
                logo,
                einvoice,
                number: v.number,
                updated_at: v.updated_at,
            }))
        }
        DocKind::CreditNote => {
            let deleted = Deleted::Included;
            let Some(row) = read::find_full::<CreditNote>(conn, business_id, id, deleted).await?
            else {
                return Ok(None);
            };
            let (p, logo) = profile_and_logo(conn, business_id).await?;
            let einvoice = einvoice::facturx(&row, &p);
            let Some(v) = crate::views::credit_notes::render(views, vec![row])?.pop() else {
                return Ok(None);
            };
            let business = part(p, logo_format(&logo));
            let model = model::credit_note(&v, &business, v.customer.as_ref().map(customer_part));
            Ok(Some(Loaded {
                model,
                logo,
                einvoice,
                number: v.number,
                updated_at: v.updated_at,
            }))
        }
        DocKind::Quote => {
            let Some(v) =
                crate::views::quotes::show_one(conn, views, business_id, id, false).await?
            else {
                return Ok(None);
            };
            let (p, logo) = profile_and_logo(conn, v.business.id).await?;
            let business = part(p, logo_format(&logo));
            let model = model::quote(&v, &business, v.customer.as_ref().map(customer_part));
            Ok(Some(Loaded {
                model,
                logo,
                einvoice: None,
                number: v.number,
                updated_at: v.updated_at,
            }))
        }
    }
}

/// The business's profile (one query) and its logo's bytes (one more, when it has a
/// logo).
async fn profile_and_logo(
    conn: &mut PgConnection,
    business_id: i64,
) -> sqlx::Result<(Profile, Option<Logo>)> {
    let p = profile::profile(&mut *conn, business_id).await?;
    let logo = match &p.logo {
        Some(_) => profile::logo(&mut *conn, business_id).await?,
        None => None,
    };
    Ok((p, logo))
}

fn logo_format(logo: &Option<Logo>) -> Option<&'static str> {
    logo.as_ref().and_then(|l| image_format(&l.content_type))
}

fn image_format(content_type: &str) -> Option<&'static str> {
    match content_type {
        "image/png" => Some("png"),
        "image/jpeg" => Some("jpg"),
        "image/svg+xml" => Some("svg"),
        _ => None,
    }
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The profile as the model prints it: legal name, address, tax ids, then contact.
fn part(p: Profile, logo_format: Option<&'static str>) -> BusinessPart {
    let mut lines = Vec::new();
    if let Some(legal) = present(&p.legal_name).filter(|l| *l != p.name) {
        lines.push(legal.to_string());
    }
    let a = &p.address;
    lines.extend(address_lines(Lines {
        line: &a.line,
        line2: &a.line2,
        post_code: &a.post_code,
        city: &a.city,
        state: &a.state,
        country: &a.country,
    }));
    lines.extend(present(&p.tax_id).map(|t| format!("Tax ID: {t}")));
    lines.extend(present(&p.registration_number).map(|r| format!("Reg. no.: {r}")));
    for contact in [&p.email, &p.phone, &p.website] {
        lines.extend(present(contact).map(str::to_string));
    }
    let pi = &p.payment_instructions;
    let payment = [
        ("Bank", &pi.bank_name),
        ("Account holder", &pi.account_holder),
        ("IBAN", &pi.iban),
        ("BIC", &pi.bic),
    ]
    .into_iter()
    .filter_map(|(label, value)| present(value).map(|v| (label.to_string(), v.to_string())))
    .collect();
    BusinessPart {
        lines,
        locale: p.locale,
        time_zone: p.time_zone,
        paper: match p.paper_size {
            PaperSize::A4 => Paper::A4,
            PaperSize::Letter => Paper::Letter,
        },
        accent_color: p.accent_color,
        footer: p.footer,
        default_notes: p.default_notes,
        payment,
        payment_text: pi.text.clone(),
        logo_format,
        name: p.name,
    }
}

fn customer_part(c: &CustomerView) -> CustomerPart {
    let mut lines = Vec::new();
    if let Some(company) = c
        .company
        .as_deref()
        .filter(|co| !co.trim().is_empty() && *co != c.name)
    {
        lines.push(company.to_string());
    }
    if let Some(a) = &c.address {
        let none = None;
        lines.extend(address_lines(Lines {
            line: &a.line,
            line2: &a.line2,
            post_code: &a.post_code,
            city: &a.city,
            state: &none,
            country: &a.country,
        }));
    }
    lines.extend(present(&c.tax_id).map(|t| format!("Tax ID: {t}")));
    lines.extend(present(&c.email).map(str::to_string));
    CustomerPart {
        name: c.name.clone(),
        lines,
    }
}

/// An address's fields, wherever it is stored.
struct Lines<'a> {
    line: &'a Option<String>,
    line2: &'a Option<String>,
    post_code: &'a Option<String>,
    city: &'a Option<String>,
    state: &'a Option<String>,
    country: &'a Option<String>,
}

/// An address as printed: street lines, then post code, city and state, then country.
fn address_lines(a: Lines<'_>) -> Vec<String> {
    let mut lines: Vec<String> = [present(a.line), present(a.line2)]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let town = [present(a.post_code), present(a.city), present(a.state)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !town.is_empty() {
        lines.push(town);
    }
    lines.extend(present(a.country).map(str::to_string));
    lines
}
