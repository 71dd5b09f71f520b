//! What a PDF shows, as formatted strings only: built from the invoice or quote exactly as
//! the API shows it (`views`) and the business's profile, then handed to the template as
//! JSON data. Pure: no query, no typst. Amounts are the stored minor units, formatted
//! for the currency's exponent and the business's locale (`money::NumberFormat`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{Currency, NumberFormat};
use crate::views::credit_notes::CreditNoteView;
use crate::views::documents::{ItemView, MoneyView, TaxLineView};
use crate::views::invoices::InvoiceView;
use crate::views::quotes::QuoteView;

/// The document's data, as `invoice.typ` reads it.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub title: &'static str,
    pub number: String,
    pub lang: String,
    /// typst's paper name: `a4` or `us-letter`.
    pub paper: &'static str,
    pub accent: String,
    /// DRAFT, PAID or VOID across the page.
    pub watermark: Option<&'static str>,
    /// The status as a label beside the number: the watermark's word (a viewer's text
    /// search finds it there; rotated, its letters come apart), or OVERDUE, ACCEPTED….
    pub status_label: Option<&'static str>,
    pub watermark_color: &'static str,
    /// The logo's format (`png`, `jpg`, `svg`) when there is one (the bytes are a file).
    pub logo: Option<&'static str>,
    pub business: Party,
    pub customer: Option<Party>,
    pub dates: Vec<Pair>,
    pub lines: Vec<Line>,
    pub totals: Vec<Total>,
    pub payment: Vec<Pair>,
    pub payment_text: Option<String>,
    pub notes: Option<String>,
    pub footer: Option<String>,
    pub labels: Labels,
}

#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub name: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    pub description: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub taxes: String,
    pub total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Total {
    pub label: String,
    pub amount: String,
    pub strong: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub from: &'static str,
    pub bill_to: &'static str,
    pub columns: [&'static str; 5],
    pub payment: &'static str,
    pub notes: &'static str,
    pub page: &'static str,
    pub of: &'static str,
}

const LABELS: Labels = Labels {
    from: "From",
    bill_to: "Bill to",
    columns: ["Item", "Quantity", "Unit price", "Taxes", "Amount"],
    payment: "Payment",
    notes: "Notes",
    page: "Page",
    of: "of",
};

/// Paper sizes a business may choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

/// The business's side of a document (its profile), as the model needs it.
#[derive(Debug, Clone, Default)]
pub struct BusinessPart {
    pub name: String,
    /// Address, tax id, registration, contact: one printed line each.
    pub lines: Vec<String>,
    pub locale: String,
    pub time_zone: String,
    pub paper: Paper,
    pub accent_color: Option<String>,
    pub footer: Option<String>,
    pub default_notes: Option<String>,
    /// Bank, holder, IBAN, BIC as label/value pairs, in that order.
    pub payment: Vec<(String, String)>,
    pub payment_text: Option<String>,
    pub logo_format: Option<&'static str>,
}

/// The customer's side, as the model needs it.
#[derive(Debug, Clone, Default)]
pub struct CustomerPart {
    pub name: String,
    pub lines: Vec<String>,
}

const DEFAULT_ACCENT: &str = "#1f3a5f";

struct Ctx {
    fmt: NumberFormat,
    currency: Option<Currency>,
    code: String,
    zone: Tz,
    locale: String,
}

impl Ctx {
    fn new(business: &BusinessPart, currency: &str) -> Ctx {
        Ctx {
            fmt: NumberFormat::for_locale(&business.locale),
            currency: Currency::parse(currency).ok(),
            code: currency.to_string(),
            zone: business.time_zone.parse().unwrap_or(Tz::UTC),
            locale: business.locale.clone(),
        }
    }

    fn money(&self, cents: i64) -> String {
        match self.currency {
            Some(c) => self.fmt.money(cents, c),
            // Not reachable for stored documents (the currency is checked on write).
            None => format!("{} {cents}", self.code),
        }
    }

    fn money_view(&self, m: &MoneyView) -> String {
        self.money(m.cents)
    }

    /// A decimal string of the views (`"400.0"`), in the locale, with at least `min`
    /// fractional digits.
    fn decimal(&self, text: &str, min: u32) -> String {
        match text.parse::<Decimal>() {
            Ok(d) => self.fmt.number(d, min),
            Err(_) => text.to_string(),
        }
    }

    fn exponent(&self) -> u32 {
        self.currency.map(|c| c.exponent()).unwrap_or(2)
    }

    fn date(&self, at: DateTime<Utc>) -> String {
        format_date(at.with_timezone(&self.zone).date_naive(), &self.locale)
    }
}

/// A date as the locale writes it: `12 Oct 2025` (en), `12.10.2025` (de), `12/10/2025`.
pub fn format_date(date: chrono::NaiveDate, locale: &str) -> String {
    let language = locale.get(..2).unwrap_or("en").to_ascii_lowercase();
    match language.as_str() {
        "de" => date.format("%d.%m.%Y").to_string(),
        "nl" => date.format("%d-%m-%Y").to_string(),
        "fr" | "es" | "it" | "pt" => date.format("%d/%m/%Y").to_string(),
        _ => date.format("%-d %b %Y").to_string(),
    }
}

fn accent(business: &BusinessPart) -> String {
    match &business.accent_color {
        Some(c)
            if c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|h| h.is_ascii_hexdigit()) =>
        {
            c.clone()
        }
        _ => DEFAULT_ACCENT.to_string(),
    }
}

fn paper(p: Paper) -> &'static str {
    match p {
        Paper::A4 => "a4",
        Paper::Letter => "us-letter",
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Each line, its taxes named with their rates (`VAT 15%`) from the document's tax lines.
fn lines(ctx: &Ctx, items: &[ItemView], taxes: &[TaxLineView]) -> Vec<Line> {
    items
        .iter()
        .map(|item| Line {
            name: item.name.clone(),
            description: non_empty(item.description.as_deref()),
            quantity: ctx.fmt.number(item.quantity, 0),
            unit_price: ctx.decimal(&item.unit_price, ctx.exponent()),
            taxes: item
                .tax_ids
                .iter()
                .filter_map(|id| taxes.iter().find(|t| t.tax.id == *id && !t.invoice_level))
                .map(|t| {
                    let included = if t.inclusive { " incl." } else { "" };
                    format!("{} {}%{included}", t.tax_name, ctx.decimal(&t.tax_rate, 0))
                })
                .collect::<Vec<_>>()
                .join(", "),
            total: ctx.decimal(&item.total, ctx.exponent()),
        })
        .collect()
}

struct Sums<'a> {
    subtotal: &'a MoneyView,
    discount: &'a MoneyView,
    discount_type: Option<&'a str>,
    discount_value: Option<&'a str>,
    taxes: &'a [TaxLineView],
    net: &'a MoneyView,
    total: &'a MoneyView,
}

/// The `Sums` of a document view: invoices, quotes and credit notes name them alike.
macro_rules! sums {
    ($v:expr) => {
        Sums {
            subtotal: &$v.subtotal,
            discount: &$v.discount,
            discount_type: $v.discount_type.as_deref(),
            discount_value: $v.discount_value.as_deref(),
            taxes: &$v.taxes,
            net: &$v.net,
            total: &$v.total,
        }
    };
}

fn totals(ctx: &Ctx, s: Sums<'_>) -> Vec<Total> {
    let row = |label: String, amount: String, strong: bool| Total {
        label,
        amount,
        strong,
    };
    let mut out = vec![row("Subtotal".into(), ctx.money_view(s.subtotal), false)];
    if s.discount.cents != 0 {
        let label = match (s.discount_type, s.discount_value) {
            (Some("percent"), Some(v)) => format!("Discount ({}%)", ctx.decimal(v, 0)),
            _ => "Discount".to_string(),
        };
        out.push(row(label, ctx.money(-s.discount.cents), false));
    }
    // Prices that include taxes: what they are without them, as the JSON's `net`.
    if s.taxes.iter().any(|t| t.inclusive) {
        out.push(row("Net".into(), ctx.money_view(s.net), false));
    }
    for t in s.taxes {
        let included = if t.inclusive { ", incl." } else { "" };
        let label = format!(
            "{} ({}%{included})",
            t.tax_name,
            ctx.decimal(&t.tax_rate, 0)
        );
        out.push(row(label, ctx.money_view(&t.tax_amount), false));
    }
    // One tax line is its own sum; several (or none) get theirs.
    if s.taxes.len() != 1 {
        let tax: i64 = s.taxes.iter().map(|t| t.tax_amount.cents).sum();
        out.push(row("Tax".into(), ctx.money(tax), false));
    }
    out.push(row("Total".into(), ctx.money_view(s.total), true));
    out
}

fn base(business: &BusinessPart, customer: Option<CustomerPart>, ctx: &Ctx) -> Model {
    Model {
        title: "Invoice",
        number: String::new(),
        lang: language(&ctx.locale),
        paper: paper(business.paper),
        accent: accent(business),
        watermark: None,
        status_label: None,
        watermark_color: "#b00020",
        logo: business.logo_format,
        business: Party {
            name: business.name.clone(),
            lines: business.lines.clone(),
        },
        customer: customer.map(|c| Party {
            name: c.name,
            lines: c.lines,
        }),
        dates: Vec::new(),
        lines: Vec::new(),
        totals: Vec::new(),
        payment: business
            .payment
            .iter()
            .map(|(label, value)| Pair {
                label: label.clone(),
                value: value.clone(),
            })
            .collect(),
        payment_text: non_empty(business.payment_text.as_deref()),
        notes: None,
        footer: non_empty(business.footer.as_deref()),
        labels: LABELS,
    }
}

/// The ISO 639 language of a locale tag, for typst's hyphenation and quotes (`en` when
/// the tag does not start with one).
fn language(locale: &str) -> String {
    let lang = locale.get(..2).unwrap_or("en").to_ascii_lowercase();
    let next = locale.as_bytes().get(2);
    if lang.chars().all(|c| c.is_ascii_lowercase()) && next.is_none_or(|b| *b == b'-' || *b == b'_')
    {
        lang
    } else {
        "en".into()
    }
}

fn pair(label: &str, value: String) -> Pair {
    Pair {
        label: label.to_string(),
        value,
    }
}

/// An invoice's document.
pub fn invoice(v: &InvoiceView, business: &BusinessPart, customer: Option<CustomerPart>) -> Model {
    let ctx = Ctx::new(business, &v.currency);
    let mut m = base(business, customer, &ctx);
    m.title = "Invoice";
    m.number = v.number.clone();
    (m.watermark, m.status_label) = match v.status.as_str() {
        "draft" => (Some("DRAFT"), Some("DRAFT")),
        "paid" => (Some("PAID"), Some("PAID")),
        "void" => (Some("VOID"), Some("VOID")),
        "overdue" => (None, Some("OVERDUE")),
        "partial" => (None, Some("PARTIALLY PAID")),
        _ => (None, None),
    };
    if v.status == "paid" {
        m.watermark_color = "#1b7f3b";
    }
    m.dates = vec![
        pair("Invoice number", v.number.clone()),
        pair("Issue date", ctx.date(v.issued_at)),
        pair("Due date", ctx.date(v.due_at)),
    ];
    if let Some(term) = &v.payment_term {
        m.dates.push(pair("Payment terms", term.name.clone()));
    }
    m.lines = lines(&ctx, &v.items, &v.taxes);
    m.totals = totals(&ctx, sums!(v));
    let paid = v.total.cents.saturating_sub(v.balance.cents);
    m.totals.push(Total {
        label: "Paid".into(),
        amount: ctx.money(paid),
        strong: false,
    });
    m.totals.push(Total {
        label: "Balance due".into(),
        amount: ctx.money_view(&v.balance),
        strong: true,
    });
    m.notes = non_empty(Some(&v.notes)).or_else(|| non_empty(business.default_notes.as_deref()));
    m
}

/// A credit note's document: what it credits on which invoice, and why; no payment
/// instructions (nothing is to be paid).
pub fn credit_note(
    v: &CreditNoteView,
    business: &BusinessPart,
    customer: Option<CustomerPart>,
) -> Model {
    let ctx = Ctx::new(business, &v.currency);
    let mut m = base(business, customer, &ctx);
    m.title = "Credit note";
    m.number = v.number.clone();
    m.dates = vec![
        pair("Credit note number", v.number.clone()),
        pair("Issue date", ctx.date(v.issued_at)),
        pair("Credits invoice", v.invoice.number.clone()),
        pair("Invoice date", ctx.date(v.invoice.issued_at)),
    ];
    let items: Vec<ItemView> = v.items.iter().map(|i| i.item.clone()).collect();
    m.lines = lines(&ctx, &items, &v.taxes);
    m.totals = totals(&ctx, sums!(v));
    if let Some(last) = m.totals.last_mut() {
        last.label = "Total credited".into();
    }
    if v.customer_credit.cents > 0 {
        m.totals.push(Total {
            label: "To your credit balance".into(),
            amount: ctx.money_view(&v.customer_credit),
            strong: false,
        });
    }
    m.payment = Vec::new();
    m.payment_text = None;
    m.notes = v.reason.as_deref().and_then(|r| non_empty(Some(r)));
    m
}

/// A quote's document.
pub fn quote(v: &QuoteView, business: &BusinessPart, customer: Option<CustomerPart>) -> Model {
    let ctx = Ctx::new(business, &v.currency);
    let mut m = base(business, customer, &ctx);
    m.title = "Quote";
    m.number = v.number.clone();
    (m.watermark, m.status_label) = match v.status.as_str() {
        "draft" => (Some("DRAFT"), Some("DRAFT")),
        "accepted" => (None, Some("ACCEPTED")),
        "rejected" => (None, Some("DECLINED")),
        "expired" => (None, Some("EXPIRED")),
        "invoiced" => (None, Some("INVOICED")),
        _ => (None, None),
    };
    m.dates = vec![
        pair("Quote number", v.number.clone()),
        pair("Issue date", ctx.date(v.issued_at)),
        pair("Valid until", ctx.date(v.expires_at)),
    ];
    m.lines = lines(&ctx, &v.items, &v.taxes);
    m.totals = totals(&ctx, sums!(v));
    let summary = non_empty(v.summary.as_deref());
    let notes = non_empty(Some(&v.notes)).or_else(|| non_empty(business.default_notes.as_deref()));
    m.notes = match (summary, notes) {
        (Some(s), Some(n)) => Some(format!("{s}\n\n{n}")),
        (s, n) => s.or(n),
    };
    m
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn dates_follow_the_locale() {
        let d = NaiveDate::from_ymd_opt(2025, 10, 2).unwrap();
        assert_eq!(format_date(d, "en"), "2 Oct 2025");
        assert_eq!(format_date(d, "de-DE"), "02.10.2025");
        assert_eq!(format_date(d, "fr"), "02/10/2025");
        assert_eq!(format_date(d, "nl"), "02-10-2025");
    }

    #[test]
    fn an_accent_that_is_not_a_hex_colour_falls_back() {
        let mut b = BusinessPart {
            accent_color: Some("#12ab9F".into()),
            ..BusinessPart::default()
        };
        assert_eq!(accent(&b), "#12ab9F");
        b.accent_color = Some("red\")".into());
        assert_eq!(accent(&b), DEFAULT_ACCENT);
    }
}
