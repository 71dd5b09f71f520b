//! An invoice as an EN 16931 e-invoice: the parties, dates, references, payment and
//! the figures (`figures`), in the terms of the standard, ready for either syntax to
//! write (`ubl`, `cii`). Made from the invoice's one-query read and the business
//! profile; no query, no arithmetic of its own.

use chrono::{DateTime, NaiveDate, Utc};

use crate::billing::businesses::profile::Profile;
use crate::billing::customers::Customer;
use crate::billing::documents::read::FullRow;
use crate::billing::error::FieldErrors;

use super::figures::Figures;
use super::readiness::{self, is_vat_id};
use super::source::{Kind, Source};

/// The CustomizationID / GuidelineSpecifiedDocumentContextParameter (BT-24): the core
/// profile of EN 16931.
pub const SPECIFICATION: &str = "urn:cen.eu:en16931:2017";

#[derive(Debug, Clone, Default)]
pub struct PostalAddress {
    pub line: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub post_code: Option<String>,
    pub state: Option<String>,
    pub country_code: String,
}

#[derive(Debug, Clone, Default)]
pub struct Party {
    /// BT-27 / BT-44.
    pub name: String,
    /// BT-28 / BT-45: the trading name, when it is not the legal name.
    pub trading_name: Option<String>,
    /// BT-31 / BT-48.
    pub vat_id: Option<String>,
    /// BT-32: a tax id that is not a VAT identifier (seller only).
    pub tax_registration_id: Option<String>,
    /// BT-30 / BT-47.
    pub legal_id: Option<String>,
    /// BT-34 / BT-49 with scheme EM (an email address).
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: PostalAddress,
}

/// BG-16 / BG-17.
#[derive(Debug, Clone)]
pub struct Payment {
    /// UNCL 4461: 58 SEPA credit transfer (with an IBAN), 1 not defined otherwise; none
    /// for a credit note (the buyer pays nothing: BG-16 is left out).
    pub means_code: Option<&'static str>,
    /// BT-84, BT-85, BT-86.
    pub iban: Option<String>,
    pub account_name: Option<String>,
    pub bic: Option<String>,
    /// BT-83: the invoice number.
    pub remittance: String,
    /// BT-20 (a credit note's says how it is settled: BR-CO-25 asks for a due date or
    /// payment terms when the amount due is positive).
    pub terms: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    /// BT-3: 380 or 381.
    pub kind: Kind,
    /// BT-1.
    pub number: String,
    /// BT-2, in the business's time zone.
    pub issue_date: NaiveDate,
    /// BT-9 (an invoice's).
    pub due_date: Option<NaiveDate>,
    /// BT-25 and BT-26: the invoice a credit note corrects.
    pub preceding: Option<(String, NaiveDate)>,
    /// BT-22.
    pub note: Option<String>,
    /// BT-10.
    pub buyer_reference: Option<String>,
    /// BT-13.
    pub purchase_order: Option<String>,
    pub seller: Party,
    pub buyer: Party,
    /// BT-72 and BT-80: only for an intra-community supply (BR-IC-11, BR-IC-12): the
    /// issue date and the buyer's country.
    pub delivery: Option<(NaiveDate, String)>,
    pub payment: Payment,
    pub figures: Figures,
}

fn date_in(at: DateTime<Utc>, zone: &str) -> NaiveDate {
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).date_naive(),
        Err(_) => at.date_naive(),
    }
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The e-invoice of a document, or every piece it lacks (`readiness`).
pub fn build<D: Source>(row: &FullRow<D>, profile: &Profile) -> Result<Model, FieldErrors> {
    let figures = readiness::check(row)?;
    let kind = row.document.stored().kind;
    let invoice = row.document.header();
    let customer = row
        .customer
        .as_ref()
        .map(|c| Customer::from(c.0.clone()))
        .ok_or_else(|| {
            let mut e = FieldErrors::new();
            e.add("customer_id", "BG-7: the buyer is required");
            e
        })?;
    let outside_scope = figures.groups.iter().any(|g| g.category.code == "O");
    let seller_tax = clean(&profile.tax_id);
    let (vat_id, tax_registration_id) = match seller_tax {
        Some(id) if is_vat_id(&id) => (Some(id), None),
        other => (None, other),
    };
    let legal_name = clean(&profile.legal_name);
    let seller = Party {
        name: legal_name.clone().unwrap_or_else(|| profile.name.clone()),
        trading_name: legal_name
            .filter(|l| *l != profile.name)
            .map(|_| profile.name.clone()),
        vat_id: vat_id.filter(|_| !outside_scope),
        tax_registration_id: tax_registration_id.filter(|_| !outside_scope),
        legal_id: clean(&profile.registration_number),
        email: clean(&profile.email),
        phone: clean(&profile.phone),
        address: PostalAddress {
            line: clean(&profile.address.line),
            line2: clean(&profile.address.line2),
            city: clean(&profile.address.city),
            post_code: clean(&profile.address.post_code),
            state: clean(&profile.address.state),
            country_code: profile.address.country_code.clone().unwrap_or_default(),
        },
    };
    let buyer_tax = clean(&customer.tax_id);
    let (buyer_vat, buyer_legal) = match buyer_tax {
        Some(id) if is_vat_id(&id) => (Some(id), None),
        other => (None, other),
    };
    let address = customer.address.clone();
    let company = clean(&customer.company);
    let buyer = Party {
        name: company.clone().unwrap_or_else(|| customer.name.clone()),
        trading_name: None,
        vat_id: buyer_vat.filter(|_| !outside_scope),
        tax_registration_id: None,
        legal_id: buyer_legal,
        email: clean(&customer.email),
        phone: None,
        address: PostalAddress {
            line: address.as_ref().and_then(|a| clean(&a.line)),
            line2: address.as_ref().and_then(|a| clean(&a.line2)),
            city: address.as_ref().and_then(|a| clean(&a.city)),
            post_code: address.as_ref().and_then(|a| clean(&a.post_code)),
            state: address.as_ref().and_then(|a| clean(&a.state)),
            country_code: address
                .as_ref()
                .and_then(|a| a.country_code.clone())
                .unwrap_or_default(),
        },
    };
    let zone = &profile.time_zone;
    let issue_date = date_in(invoice.issued_at, zone);
    let pi = &profile.payment_instructions;
    let iban = clean(&pi.iban);
    let terms = match (kind, &invoice.preceding) {
        (Kind::CreditNote, Some((number, _))) => vec![format!(
            "Credited on invoice {number}: deducted from its balance, any excess held as \
             the buyer's credit"
        )],
        _ => [
            invoice.term_name.clone(),
            clean(&pi.text),
            clean(&pi.bank_name).map(|b| format!("Bank: {b}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>(),
    };
    let iban = iban.filter(|_| kind == Kind::Invoice);
    let payment = Payment {
        means_code: match (kind, &iban) {
            (Kind::CreditNote, _) => None,
            (Kind::Invoice, Some(_)) => Some("58"),
            (Kind::Invoice, None) => Some("1"),
        },
        account_name: iban.as_ref().and_then(|_| clean(&pi.account_holder)),
        bic: iban.as_ref().and_then(|_| clean(&pi.bic)),
        iban,
        remittance: invoice.number.clone(),
        terms: (!terms.is_empty()).then(|| terms.join("; ")),
    };
    let delivery = figures
        .groups
        .iter()
        .any(|g| g.category.code == "K")
        .then(|| (issue_date, buyer.address.country_code.clone()));
    Ok(Model {
        kind,
        number: invoice.number.clone(),
        issue_date,
        due_date: invoice.due_at.map(|at| date_in(at, zone)),
        preceding: invoice
            .preceding
            .as_ref()
            .map(|(number, at)| (number.clone(), date_in(*at, zone))),
        note: clean(&invoice.note),
        buyer_reference: clean(&invoice.buyer_reference),
        purchase_order: clean(&invoice.purchase_order),
        seller,
        buyer,
        delivery,
        payment,
        figures,
    })
}
