//! The customer's page of an invoice, a quote or a credit note (`/p/{token}`, served by `public`): the
//! document as a professional sends it, read through the same one query as its JSON
//! view (`read::find_full`), every amount the stored minor units formatted for the
//! currency. `html` renders it; nothing here reads the request or writes.

mod html;

pub use html::{Notice, PageHtml, message, not_found, render};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use crate::billing::businesses::profile;
use crate::billing::credit_notes::CreditNote;
use crate::billing::documents::items::Item;
use crate::billing::documents::read::{self, Deleted, FullRow, Response};
use crate::billing::documents::tax_lines::TaxLine;
use crate::billing::invoices::Invoice;
use crate::billing::quotes::Quote;
use crate::billing::schedule;
use crate::billing::status::QuoteStatus;
use crate::money::{Currency, decimal_to_cents, format_amount, format_decimal};
use crate::views::Views;
use crate::views::address::{AddressView, CustomerAddressView};
use crate::views::documents::Embedded;

/// Who a document is from or to, as the page shows them.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    /// A second line under the name (the customer's company, the business's legal name).
    pub subtitle: Option<String>,
    pub address: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Labelled lines: tax id, registration number.
    pub ids: Vec<(&'static str, String)>,
}

/// One line of the document, formatted.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub description: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub total: String,
    /// The taxes applied to the line, with their rates (`VAT 15.0%`).
    pub taxes: Vec<String>,
}

/// What the business profile adds to every document.
#[derive(Debug, Clone, Default)]
pub struct Branding {
    /// The profile's address lines (with its state), in place of the embedded one.
    pub address: Vec<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The logo's path on this server (`/logos/…`).
    pub logo: Option<String>,
    pub legal_name: Option<String>,
    pub tax_id: Option<String>,
    pub registration_number: Option<String>,
    /// `#rrggbb`, checked when it was saved; checked again before it reaches CSS.
    pub accent_color: Option<String>,
    pub footer: Option<String>,
    /// Labelled lines (bank, IBAN, …) and free text.
    pub payment_instructions: Vec<(&'static str, String)>,
}

/// A document as the customer's page shows it.
#[derive(Debug, Clone)]
pub struct PageDoc {
    /// `Invoice` or `Quote`.
    pub noun: &'static str,
    pub number: String,
    /// The document's status as the API names it.
    pub status: String,
    pub logo: Option<String>,
    pub business: Party,
    pub customer: Option<Party>,
    /// Labelled dates (`Issued`, `Due`, `Valid until`), in the business's time zone.
    pub dates: Vec<(&'static str, String)>,
    pub lines: Vec<Line>,
    /// Labelled amounts: subtotal, discount, each tax line, tax, total, paid, balance.
    pub totals: Vec<(String, String)>,
    /// The amount the page leads with (the balance of an invoice, a quote's total).
    pub headline: (String, String),
    pub payment_terms: Option<String>,
    pub notes: Option<String>,
    pub branding: Branding,
    /// Quotes: whether the customer may accept or decline it now (sent or viewed, not
    /// past its date).
    pub can_respond: bool,
    pub response: Option<Response>,
}

/// The lines of an address as documents print them (post code and city on one line).
trait Lines {
    fn parts(&self) -> [Option<&str>; 5];
}

impl Lines for AddressView {
    fn parts(&self) -> [Option<&str>; 5] {
        let a = self;
        [
            a.line.as_deref(),
            a.line2.as_deref(),
            a.post_code.as_deref(),
            a.city.as_deref(),
            a.country.as_deref(),
        ]
    }
}

impl Lines for CustomerAddressView {
    fn parts(&self) -> [Option<&str>; 5] {
        let a = self;
        [
            a.line.as_deref(),
            a.line2.as_deref(),
            a.post_code.as_deref(),
            a.city.as_deref(),
            a.country.as_deref(),
        ]
    }
}

fn party_address(address: Option<&impl Lines>) -> Vec<String> {
    let Some(a) = address else {
        return Vec::new();
    };
    let [line, line2, post_code, city, country] = a.parts();
    let city = [post_code, city]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [line, line2, Some(city.as_str()), country]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// A unit price in the currency's format when it has no more digits than the currency;
/// otherwise exactly as entered (`USD 0.125`).
fn price(value: Decimal, currency: Currency) -> String {
    let value = value.normalize();
    match decimal_to_cents(value, currency) {
        Ok(cents) if value.scale() <= currency.exponent() => format_amount(cents, currency),
        _ => format!("{currency} {}", format_decimal(value)),
    }
}

/// `VAT 15%`, or `VAT 15% incl.` for a tax the prices include.
fn tax_label(line: &TaxLine) -> String {
    let included = if line.inclusive { " incl." } else { "" };
    format!(
        "{} {}%{included}",
        line.tax_name,
        format_decimal(line.tax_rate)
    )
}

/// The lines, each with the taxes applied to it.
fn lines(items: Vec<Item>, taxes: &[TaxLine], currency: Currency) -> Vec<Line> {
    items
        .into_iter()
        .map(|item| Line {
            quantity: format_decimal(item.quantity),
            unit_price: price(item.unit_price, currency),
            total: format_amount(item.total_cents, currency),
            taxes: item
                .tax_ids
                .iter()
                .filter_map(|id| taxes.iter().find(|t| t.tax_id == *id))
                .map(tax_label)
                .collect(),
            name: item.name,
            description: item.description.filter(|d| !d.trim().is_empty()),
        })
        .collect()
}

/// What both kinds share once the row is read: parties, lines, the start of the totals.
struct Common {
    logo: Option<String>,
    business: Party,
    customer: Option<Party>,
    lines: Vec<Line>,
    totals: Vec<(String, String)>,
    tz: chrono_tz::Tz,
    response: Option<Response>,
}

fn common<D>(
    embedded: Embedded<D>,
    currency: Currency,
    subtotal: i64,
    discount: i64,
    tax_total: i64,
    branding: &Branding,
) -> (D, Common) {
    let Embedded {
        document,
        items,
        taxes,
        business,
        customer,
        response,
        ..
    } = embedded;
    let amount = |cents: i64| format_amount(cents, currency);
    let mut totals = vec![("Subtotal".to_string(), amount(subtotal))];
    if discount != 0 {
        totals.push(("Discount".into(), amount(-discount)));
    }
    // Prices that include taxes: what they are without them (the JSON's `net`).
    if taxes.iter().any(|t| t.inclusive) {
        let included: i64 = taxes
            .iter()
            .filter(|t| t.inclusive)
            .map(|t| t.amount_cents)
            .sum();
        totals.push(("Net".into(), amount(subtotal - discount - included)));
    }
    for line in &taxes {
        totals.push((tax_label(line), amount(line.amount_cents)));
    }
    if tax_total != 0 || !taxes.is_empty() {
        totals.push(("Tax".into(), amount(tax_total)));
    }
    let mut ids = Vec::new();
    if let Some(tax_id) = &branding.tax_id {
        ids.push(("Tax ID", tax_id.clone()));
    }
    if let Some(number) = &branding.registration_number {
        ids.push(("Registration", number.clone()));
    }
    let tz = schedule::time_zone(&business.time_zone);
    let address = if branding.address.is_empty() {
        party_address(business.address.as_ref())
    } else {
        branding.address.clone()
    };
    let common = Common {
        logo: branding.logo.clone().or_else(|| business.logo.clone()),
        business: Party {
            subtitle: branding
                .legal_name
                .clone()
                .filter(|legal| *legal != business.name),
            address,
            phone: business.phone.clone(),
            email: [branding.email.clone(), branding.website.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
                .into_non_empty(),
            ids,
            name: business.name,
        },
        customer: customer.map(|c| Party {
            subtitle: c.company.clone().filter(|company| *company != c.name),
            address: party_address(c.address.as_ref()),
            email: c.email.clone(),
            phone: None,
            ids: c
                .tax_id
                .clone()
                .filter(|t| !t.trim().is_empty())
                .map(|t| ("Tax ID", t))
                .into_iter()
                .collect(),
            name: c.name,
        }),
        lines: lines(items, &taxes, currency),
        totals,
        tz,
        response,
    };
    (document, common)
}

fn day(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d").to_string()
}

fn notes(notes: Option<String>) -> Option<String> {
    notes.filter(|n| !n.trim().is_empty())
}

/// An invoice's page from its one read; `None` if it is gone (or its currency unknown).
pub(crate) fn invoice(
    views: Views<'_>,
    row: FullRow<Invoice>,
    branding: Branding,
) -> sqlx::Result<Option<PageDoc>> {
    let Ok(currency) = Currency::parse(&row.document.currency) else {
        return Ok(None);
    };
    let (subtotal, discount, tax) = (
        row.document.subtotal_cents,
        row.document.discount_cents,
        row.document.tax_total_cents,
    );
    let embedded = Embedded::new(views, row)?;
    let (i, mut c) = common(embedded, currency, subtotal, discount, tax, &branding);
    let amount = |cents: i64| format_amount(cents, currency);
    c.totals.push(("Total".into(), amount(i.total_cents)));
    c.totals.push(("Paid".into(), amount(i.paid_cents)));
    c.totals
        .push(("Balance due".into(), amount(i.balance_cents)));
    Ok(Some(PageDoc {
        noun: "Invoice",
        number: i.number,
        status: i.status.as_str().to_string(),
        logo: c.logo,
        business: c.business,
        customer: c.customer,
        dates: vec![
            ("Issued", day(i.issued_at, c.tz)),
            ("Due", day(i.due_at, c.tz)),
        ],
        lines: c.lines,
        totals: c.totals,
        headline: ("Balance due".into(), amount(i.balance_cents)),
        payment_terms: i.term.term_name,
        notes: notes(i.notes),
        branding,
        can_respond: false,
        response: None,
    }))
}

/// A credit note's page from its one read; `None` if it is gone (or its currency unknown).
pub(crate) fn credit_note(
    views: Views<'_>,
    row: FullRow<CreditNote>,
    branding: Branding,
) -> sqlx::Result<Option<PageDoc>> {
    let Ok(currency) = Currency::parse(&row.document.currency) else {
        return Ok(None);
    };
    let (subtotal, discount, tax) = (
        row.document.subtotal_cents,
        row.document.discount_cents,
        row.document.tax_total_cents,
    );
    let embedded = Embedded::new(views, row)?;
    let (n, mut c) = common(embedded, currency, subtotal, discount, tax, &branding);
    let amount = |cents: i64| format_amount(cents, currency);
    c.totals
        .push(("Total credited".into(), amount(n.total_cents)));
    if n.customer_credit_cents > 0 {
        c.totals.push((
            "To your credit balance".into(),
            amount(n.customer_credit_cents),
        ));
    }
    Ok(Some(PageDoc {
        noun: "Credit note",
        number: n.number,
        status: n.status.as_str().to_string(),
        logo: c.logo,
        business: c.business,
        customer: c.customer,
        dates: vec![
            ("Issued", day(n.issued_at, c.tz)),
            ("Credits invoice", n.invoice_number),
        ],
        lines: c.lines,
        totals: c.totals,
        headline: ("Total credited".into(), amount(n.total_cents)),
        payment_terms: None,
        notes: notes(n.reason),
        branding,
        can_respond: false,
        response: None,
    }))
}

/// A quote's page from its one read; `None` if it is gone (or its currency unknown).
pub(crate) fn quote(
    views: Views<'_>,
    row: FullRow<Quote>,
    branding: Branding,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<PageDoc>> {
    let Ok(currency) = Currency::parse(&row.document.currency) else {
        return Ok(None);
    };
    let (subtotal, discount, tax) = (
        row.document.subtotal_cents,
        row.document.discount_cents,
        row.document.tax_total_cents,
    );
    let embedded = Embedded::new(views, row)?;
    let (q, mut c) = common(embedded, currency, subtotal, discount, tax, &branding);
    let amount = |cents: i64| format_amount(cents, currency);
    c.totals.push(("Total".into(), amount(q.total_cents)));
    let open = matches!(q.status, QuoteStatus::Sent | QuoteStatus::Viewed);
    Ok(Some(PageDoc {
        noun: "Quote",
        number: q.number,
        // A quote past its date reads as expired even before the sweep has marked it.
        status: if open && q.expires_at < now {
            QuoteStatus::Expired.as_str().to_string()
        } else {
            q.status.as_str().to_string()
        },
        logo: c.logo,
        business: c.business,
        customer: c.customer,
        dates: vec![
            ("Issued", day(q.issued_at, c.tz)),
            ("Valid until", day(q.expires_at, c.tz)),
        ],
        lines: c.lines,
        totals: c.totals,
        headline: ("Total".into(), amount(q.total_cents)),
        payment_terms: None,
        notes: notes(q.notes),
        branding,
        can_respond: open && q.expires_at >= now,
        response: c.response,
    }))
}

/// Blank text as none.
trait NonEmpty {
    fn into_non_empty(self) -> Option<String>;
}

impl NonEmpty for String {
    fn into_non_empty(self) -> Option<String> {
        (!self.trim().is_empty()).then_some(self)
    }
}

fn present(value: &Option<String>) -> Option<String> {
    value.clone().and_then(NonEmpty::into_non_empty)
}

/// The business's additions to its documents, from its profile: legal name, ids,
/// address, logo, accent colour, footer and payment instructions.
pub async fn branding(conn: &mut PgConnection, business_id: i64) -> sqlx::Result<Branding> {
    let p = profile::profile(conn, business_id).await?;
    let a = &p.address;
    let city = [&a.post_code, &a.city, &a.state]
        .into_iter()
        .filter_map(present)
        .collect::<Vec<_>>()
        .join(" ");
    let address = [
        present(&a.line),
        present(&a.line2),
        city.into_non_empty(),
        present(&a.country),
    ]
    .into_iter()
    .flatten()
    .collect();
    let i = &p.payment_instructions;
    let payment_instructions = [
        ("Bank", &i.bank_name),
        ("Account holder", &i.account_holder),
        ("IBAN", &i.iban),
        ("BIC", &i.bic),
        ("", &i.text),
    ]
    .into_iter()
    .filter_map(|(label, value)| present(value).map(|v| (label, v)))
    .collect();
    Ok(Branding {
        address,
        email: present(&p.email),
        website: present(&p.website),
        logo: p.logo.as_ref().map(|logo| logo.path()),
        legal_name: present(&p.legal_name),
        tax_id: present(&p.tax_id),
        registration_number: present(&p.registration_number),
        accent_color: present(&p.accent_color),
        footer: present(&p.footer),
        payment_instructions,
    })
}

/// A document's page: its one read, then the business's branding.
pub async fn find(
    conn: &mut PgConnection,
    views: Views<'_>,
    kind: crate::billing::links::DocKind,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<PageDoc>> {
    use crate::billing::links::DocKind;
    let branding = branding(&mut *conn, business_id).await?;
    match kind {
        DocKind::Invoice => {
            match read::find_full::<Invoice>(conn, business_id, id, Deleted::Excluded).await? {
                Some(row) => invoice(views, row, branding),
                None => Ok(None),
            }
        }
        DocKind::Quote => {
            match read::find_full::<Quote>(conn, business_id, id, Deleted::Excluded).await? {
                Some(row) => quote(views, row, branding, now),
                None => Ok(None),
            }
        }
        DocKind::CreditNote => {
            match read::find_full::<CreditNote>(conn, business_id, id, Deleted::Excluded).await? {
                Some(row) => credit_note(views, row, branding),
                None => Ok(None),
            }
        }
    }
}
