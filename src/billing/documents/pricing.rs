//! Pricing a document: resolving the taxes it names, then the money module's totals.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::items::Line;
use super::tax_lines::{AppliedTax, TaxLine};
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::taxes;
use crate::money::{self, Currency, Discount, LineInput, TaxRate, Totals};

/// A tax id named by the request, and where (for the error if it does not exist).
#[derive(Debug, Clone)]
pub struct NamedTax {
    pub tax_id: i64,
    pub field: String,
}

/// A tax as a document applies it: name, rate and inclusive or not.
#[derive(Debug, Clone)]
struct BookTax {
    name: String,
    rate: Decimal,
    inclusive: bool,
    category: String,
    exemption_reason: Option<String>,
    exemption_reason_code: Option<String>,
}

/// The taxes a document will carry: their current name, rate and inclusive flag, or the
/// ones they had when first applied to this document.
pub struct TaxBook {
    taxes: HashMap<i64, BookTax>,
}

impl From<taxes::Tax> for BookTax {
    fn from(tax: taxes::Tax) -> Self {
        BookTax {
            name: tax.name,
            rate: tax.rate,
            inclusive: tax.inclusive,
            category: tax.category,
            exemption_reason: tax.exemption_reason,
            exemption_reason_code: tax.exemption_reason_code,
        }
    }
}

impl TaxBook {
    /// Resolves every named tax: already on the document (kept as applied) or a live
    /// tax of the business; any other id is an error at the field that named it.
    pub async fn resolve(
        conn: &mut PgConnection,
        business_id: i64,
        applied: &[TaxLine],
        named: &[NamedTax],
    ) -> Result<TaxBook, BillingError> {
        let mut book: HashMap<i64, BookTax> = applied
            .iter()
            .map(|t| {
                let tax = BookTax {
                    name: t.tax_name.clone(),
                    rate: t.tax_rate,
                    inclusive: t.inclusive,
                    category: t.category.clone(),
                    exemption_reason: t.exemption_reason.clone(),
                    exemption_reason_code: t.exemption_reason_code.clone(),
                };
                (t.tax_id, tax)
            })
            .collect();
        // Each id once, however many fields name it.
        let missing: Vec<i64> = named
            .iter()
            .map(|n| n.tax_id)
            .filter(|id| !book.contains_key(id))
            .collect::<HashSet<i64>>()
            .into_iter()
            .collect();
        if !missing.is_empty() {
            for tax in taxes::find_live(&mut *conn, business_id, &missing).await? {
                book.insert(tax.id, BookTax::from(tax));
            }
        }
        let mut errors = FieldErrors::new();
        for n in named {
            if !book.contains_key(&n.tax_id) {
                errors.add(n.field.clone(), format!("tax {} does not exist", n.tax_id));
            }
        }
        if !errors.is_empty() {
            return Err(BillingError::Invalid(errors));
        }
        Ok(TaxBook { taxes: book })
    }

    /// A book of the business's default taxes, and their ids.
    pub async fn defaults(
        conn: &mut PgConnection,
        business_id: i64,
    ) -> Result<(TaxBook, Vec<i64>), BillingError> {
        let defaults = taxes::defaults(&mut *conn, business_id).await?;
        let ids = defaults.iter().map(|t| t.id).collect();
        let taxes = defaults
            .into_iter()
            .map(|t| (t.id, BookTax::from(t)))
            .collect();
        Ok((TaxBook { taxes }, ids))
    }

    fn rates(&self, ids: &[i64]) -> Vec<TaxRate> {
        ids.iter()
            .filter_map(|id| {
                self.taxes.get(id).map(|tax| TaxRate {
                    id: *id,
                    rate: tax.rate,
                    inclusive: tax.inclusive,
                })
            })
            .collect()
    }
}

/// A priced document: the totals and the tax lines to store.
pub struct Priced {
    pub totals: Totals,
    pub taxes: Vec<AppliedTax>,
}

/// Prices the lines with the document-level taxes `document_taxes` and the discount.
pub fn price(
    currency: Currency,
    lines: &[Line],
    discount: Discount,
    document_taxes: &[i64],
    book: &TaxBook,
) -> Result<Priced, BillingError> {
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_ids: l.tax_ids.clone(),
        })
        .collect();
    let item_tax_ids: Vec<i64> = lines
        .iter()
        .flat_map(|l| l.tax_ids.iter().copied())
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let totals = money::compute(
        currency,
        &inputs,
        discount,
        &book.rates(document_taxes),
        &book.rates(&item_tax_ids),
    )
    .map_err(|err| BillingError::field(&err.field(), err.to_string()))?;
    let taxes = totals
        .taxes
        .iter()
        .map(|t| {
            let tax = book.taxes.get(&t.id);
            AppliedTax {
                tax_id: t.id,
                name: tax.map(|tax| tax.name.clone()).unwrap_or_default(),
                category: tax.map_or_else(|| "S".to_string(), |tax| tax.category.clone()),
                exemption_reason: tax.and_then(|tax| tax.exemption_reason.clone()),
                exemption_reason_code: tax.and_then(|tax| tax.exemption_reason_code.clone()),
                rate: t.rate,
                inclusive: t.inclusive,
                invoice_level: t.invoice_level,
                amount_cents: t.amount_cents,
            }
        })
        .collect();
    Ok(Priced { totals, taxes })
}
