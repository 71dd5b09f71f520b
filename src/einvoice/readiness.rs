//! Whether an invoice can be an EN 16931 e-invoice, and if not, every piece it lacks:
//! by the API field to fill in, each message naming the business term (BT-…) and the
//! rule. Read from the invoice's one-query read alone (`documents::read::find_full`),
//! so the invoice's JSON shows it (`einvoice_ready`) at no extra query.

use crate::billing::businesses::BusinessRow;
use crate::billing::customers::Customer;
use crate::billing::documents::read::FullRow;
use crate::billing::error::FieldErrors;
use crate::billing::profile::countries;

use super::figures::{Figures, figures, fits_two_decimals};
use super::source::{Source, Stored};

/// A VAT identifier as EN 16931 takes it (BR-CO-9): an ISO 3166-1 alpha-2 prefix (or
/// `EL`, Greece) and then at least two letters or digits. Other tax ids (an EIN, an
/// ABN) are tax registration identifiers (BT-32), not VAT ones.
pub fn is_vat_id(id: &str) -> bool {
    let id = id.trim();
    let (Some(prefix), Some(rest)) = (id.get(..2), id.get(2..)) else {
        return false;
    };
    let prefix_ok = prefix == "EL" || countries::code(prefix).as_deref() == Some(prefix);
    prefix_ok && rest.len() >= 2 && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The seller facts readiness needs (the embedded business row).
pub struct Seller<'a> {
    pub tax_id: Option<&'a str>,
    pub registration_number: Option<&'a str>,
    pub country_code: Option<&'a str>,
}

impl<'a> Seller<'a> {
    pub fn of(row: &'a BusinessRow) -> Seller<'a> {
        Seller {
            tax_id: present(&row.tax_id),
            registration_number: present(&row.registration_number),
            country_code: present(&row.address.address_country_code),
        }
    }
}

/// The document's figures when it can be an e-invoice, else every missing piece.
pub fn check<D: Source>(row: &FullRow<D>) -> Result<Figures, FieldErrors> {
    let customer = row.customer.as_ref().map(|c| Customer::from(c.0.clone()));
    let Some(business) = row.business.as_ref() else {
        let mut errors = FieldErrors::new();
        errors.add("business", "BG-4: the seller is required");
        return Err(errors);
    };
    check_parts(
        &row.document.stored(),
        &row.items.0,
        &row.taxes.0,
        &Seller::of(&business.0),
        customer.as_ref(),
    )
}

pub fn check_parts(
    invoice: &Stored<'_>,
    items: &[crate::billing::documents::items::Item],
    taxes: &[crate::billing::documents::tax_lines::TaxLine],
    seller: &Seller<'_>,
    customer: Option<&Customer>,
) -> Result<Figures, FieldErrors> {
    let mut errors = FieldErrors::new();
    if items.is_empty() {
        errors.add(
            "items_attributes",
            "BG-25: an e-invoice has at least one line (BR-16)",
        );
    }
    let figures = match figures(invoice, items, taxes) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.merge_prefixed("", e);
            None
        }
    };
    if seller.country_code.is_none() {
        errors.add(
            "business.address.country_code",
            "BT-40: the seller's country code is required (BR-9)",
        );
    }
    match customer {
        None => errors.add("customer_id", "BG-7: the buyer is required"),
        Some(c) => {
            let country = c.address.as_ref().and_then(|a| present(&a.country_code));
            if country.is_none() {
                errors.add(
                    "customer.address.country_code",
                    "BT-55: the buyer's country code is required (BR-11)",
                );
            }
        }
    }
    let buyer_tax_id = customer.and_then(|c| present(&c.tax_id));
    // The categories applied (from the tax lines, so that they are known even when a
    // line's figures are not).
    let codes: Vec<&str> = taxes.iter().map(|t| t.category.as_str()).collect();
    let seller_vat = seller.tax_id.is_some_and(is_vat_id);
    let has = |code: &str| codes.contains(&code);
    if codes.iter().any(|c| *c != "O") {
        if seller.tax_id.is_none() {
            let first = codes.iter().find(|c| **c != "O").copied().unwrap_or("S");
            errors.add(
                "business.tax_id",
                format!(
                    "BT-31: the seller's VAT identifier is required with VAT category {first} \
                     (BR-{}-02)",
                    rule_prefix(first)
                ),
            );
        } else if !seller_vat && (has("AE") || has("K") || has("G")) {
            errors.add(
                "business.tax_id",
                "BT-31: reverse charge, intra-community and export invoices need the seller's \
                 VAT identifier with its country prefix (BR-AE-02, BR-IC-02, BR-G-02)",
            );
        } else if !seller_vat && seller.registration_number.is_none() {
            errors.add(
                "business.tax_id",
                "BT-31: the seller's VAT identifier (with its country prefix), or else its \
                 legal registration identifier business.registration_number (BT-30), is \
                 required to identify it (BR-CO-26)",
            );
        }
    }
    if has("O") {
        if codes.iter().any(|c| *c != "O") {
            errors.add(
                "taxes",
                "BT-118: an invoice outside the scope of VAT (O) has no other VAT category \
                 (BR-O-11)",
            );
        }
        if seller.registration_number.is_none() {
            errors.add(
                "business.registration_number",
                "BT-30: outside the scope of VAT (O) the VAT identifiers are left out \
                 (BR-O-02), so the seller is identified by its legal registration \
                 identifier (BR-CO-26)",
            );
        }
    }
    if has("AE") && buyer_tax_id.is_none() {
        errors.add(
            "customer.tax_id",
            "BT-48: the buyer's VAT identifier is required with reverse charge (BR-AE-02)",
        );
    }
    if has("K") && !buyer_tax_id.is_some_and(is_vat_id) {
        errors.add(
            "customer.tax_id",
            "BT-48: an intra-community supply needs the buyer's VAT identifier with its \
             country prefix (BR-IC-02)",
        );
    }
    if let Some(f) = &figures
        && let Some((place, _)) = f
            .amounts()
            .into_iter()
            .find(|(_, cents)| !fits_two_decimals(*cents, f.currency))
    {
        errors.add(
            "currency",
            format!(
                "BT-5: EN 16931 states amounts with at most 2 decimals (BR-DEC); this {} \
                 {} has an amount in thousandths ({place}), which it cannot state \
                 without rounding",
                f.currency.code(),
                invoice.kind.noun()
            ),
        );
    }
    match figures {
        Some(f) if errors.is_empty() => Ok(f),
        _ => Err(errors),
    }
}

fn rule_prefix(code: &str) -> &str {
    match code {
        "K" => "IC",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::is_vat_id;

    #[test]
    fn vat_ids_have_a_country_prefix() {
        assert!(is_vat_id("DE123456789"));
        assert!(is_vat_id("EL123456789"));
        assert!(is_vat_id("GB123456789"));
        assert!(!is_vat_id("12-3456789"));
        assert!(!is_vat_id("ZZ123"));
        assert!(!is_vat_id("DE"));
    }
}
