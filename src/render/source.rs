//! A document's model read from the database through the views' own one-query reads (the
//! invoice or quote as the API shows it), plus the business's profile: a fixed number of
//! queries whatever the document holds.

use sqlx::PgConnection;

use super::DocKind;
use super::model::{self, BusinessPart, CustomerPart, Model};
use crate::views::address::AddressView;
use crate::views::business::BusinessView;
use crate::views::customers::CustomerView;

/// What a PDF is made of: its data, its logo's bytes, and what names the version.
pub(super) struct Loaded {
    pub model: Model,
    pub logo: Option<Vec<u8>>,
    pub number: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The document of the business (deleted ones are not found), with its business's part.
pub(super) async fn load(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    kind: DocKind,
    id: i64,
) -> sqlx::Result<Option<Loaded>> {
    match kind {
        DocKind::Invoice => {
            let Some(v) =
                crate::views::invoices::find_view(conn, public_url, business_id, id, false).await?
            else {
                return Ok(None);
            };
            let (business, logo) = business_part(conn, &v.business).await?;
            let model = model::invoice(&v, &business, v.customer.as_ref().map(customer_part));
            Ok(Some(Loaded {
                model,
                logo,
                number: v.number,
                updated_at: v.updated_at,
            }))
        }
        DocKind::Quote => {
            let Some(v) =
                crate::views::quotes::show_one(conn, public_url, business_id, id, false).await?
            else {
                return Ok(None);
            };
            let (business, logo) = business_part(conn, &v.business).await?;
            let model = model::quote(&v, &business, v.customer.as_ref().map(customer_part));
            Ok(Some(Loaded {
                model,
                logo,
                number: v.number,
                updated_at: v.updated_at,
            }))
        }
    }
}

/// The business as the document embeds it. (The profile's extra fields — locale, paper,
/// accent, tax ids, payment instructions, logo — come from `billing::businesses::profile`.)
async fn business_part(
    _conn: &mut PgConnection,
    b: &BusinessView,
) -> sqlx::Result<(BusinessPart, Option<Vec<u8>>)> {
    let mut lines = address_lines(b.address.as_ref());
    lines.extend(b.phone.clone().filter(|p| !p.trim().is_empty()));
    let part = BusinessPart {
        name: b.name.clone(),
        lines,
        locale: "en".into(),
        time_zone: b.time_zone.clone(),
        ..BusinessPart::default()
    };
    Ok((part, None))
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
    lines.extend(address_lines(c.address.as_ref()));
    lines.extend(c.email.clone().filter(|e| !e.trim().is_empty()));
    CustomerPart {
        name: c.name.clone(),
        lines,
    }
}

/// An address as printed: street lines, then post code and city, then country.
fn address_lines(a: Option<&AddressView>) -> Vec<String> {
    let Some(a) = a else { return Vec::new() };
    fn clean(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let mut lines: Vec<String> = [clean(&a.line), clean(&a.line2)]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let town = [clean(&a.post_code), clean(&a.city)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !town.is_empty() {
        lines.push(town);
    }
    lines.extend(clean(&a.country).map(str::to_string));
    lines
}
