//! The totals of an invoice or quote: lines, discount, taxes, in integer minor units.
//! The rules are in the module documentation of `crate::money`.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::allocate::allocate;
use super::currency::Currency;
use super::decimal::AmountError;
use super::limits::{check_fixed_amount, check_percent, check_quantity, check_unit_price};
use super::minor::{decimal_to_cents, div_round, to_minor};

/// A tax's id, as the `taxes` resource numbers them.
pub type TaxId = i64;

/// One item: quantity × unit price (major units), and the item-level taxes named on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_ids: Vec<TaxId>,
}

/// The document's discount: `discount_type` with its `discount_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Discount {
    #[default]
    None,
    /// A percentage of the subtotal, 0 to 100.
    Percent(Decimal),
    /// An amount in major units, at most the subtotal.
    Fixed(Decimal),
}

/// A tax and its rate in percent (`15` for 15 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRate {
    pub id: TaxId,
    pub rate: Decimal,
}

/// One line's part of the totals, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTotals {
    /// quantity × unit price, rounded once.
    pub total_cents: i64,
    /// This line's share of the document's discount.
    pub discount_cents: i64,
    /// `total_cents − discount_cents`: what this line's taxes apply to.
    pub base_cents: i64,
}

/// One tax on the document, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxTotal {
    pub id: TaxId,
    pub rate: Decimal,
    /// `true` for an invoice-level tax (every line), `false` for an item-level one.
    pub invoice_level: bool,
    /// The sum of the line bases this tax covers.
    pub base_cents: i64,
    /// `base_cents × rate / 100`, rounded once.
    pub amount_cents: i64,
}

/// Everything `compute` works out, in minor units of `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub currency: Currency,
    /// In the order of the input lines.
    pub lines: Vec<LineTotals>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    /// `subtotal_cents − discount_cents`.
    pub base_cents: i64,
    /// Invoice-level taxes in input order, then item-level ones by first appearance.
    pub taxes: Vec<TaxTotal>,
    pub tax_total_cents: i64,
    /// `base_cents + tax_total_cents`.
    pub total_cents: i64,
}

/// Why totals cannot be computed. `field()` names the request field to report it under,
/// `Display` is the message (`items_attributes[0].quantity` / `is not a number`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotalsError {
    #[error("{error}")]
    Quantity { line: usize, error: AmountError },
    #[error("{error}")]
    UnitPrice { line: usize, error: AmountError },
    /// quantity × unit price does not fit an `i64` of minor units.
    #[error("is too large")]
    LineTotal { line: usize },
    #[error("{0}")]
    Discount(AmountError),
    #[error("{error}")]
    TaxRate { tax_id: TaxId, error: AmountError },
    /// An item names a tax that is neither invoice-level nor among the item-level ones.
    #[error("includes an unknown tax ({tax_id})")]
    UnknownTax { line: usize, tax_id: TaxId },
    /// A sum (subtotal, tax total, total) does not fit an `i64` of minor units.
    #[error("is too large")]
    TooLarge,
}

impl TotalsError {
    /// The request field this error belongs under, with item indexes as given to `compute`.
    pub fn field(&self) -> String {
        match self {
            TotalsError::Quantity { line, .. } => format!("items_attributes[{line}].quantity"),
            TotalsError::UnitPrice { line, .. } => {
                format!("items_attributes[{line}].unit_price")
            }
            TotalsError::LineTotal { line } => format!("items_attributes[{line}].total"),
            TotalsError::Discount(_) => "discount_value".to_string(),
            TotalsError::TaxRate { .. } => "tax_rate".to_string(),
            TotalsError::UnknownTax { line, .. } => format!("items_attributes[{line}].tax_ids"),
            TotalsError::TooLarge => "total".to_string(),
        }
    }
}

/// Computes the totals of a document; the inputs are validated again here (limits as in
/// `limits`), so any decimals may be passed. Tax ids repeated in `invoice_taxes`,
/// `item_taxes` or a line's `tax_ids` count once; the first definition of an id wins.
pub fn compute(
    currency: Currency,
    lines: &[LineInput],
    discount: Discount,
    invoice_taxes: &[TaxRate],
    item_taxes: &[TaxRate],
) -> Result<Totals, TotalsError> {
    let exponent = currency.exponent();

    let mut line_totals = Vec::with_capacity(lines.len());
    for (line, input) in lines.iter().enumerate() {
        let quantity = check_quantity(input.quantity)
            .map_err(|error| TotalsError::Quantity { line, error })?;
        let price = check_unit_price(input.unit_price)
            .map_err(|error| TotalsError::UnitPrice { line, error })?;
        // Both have at most 4 decimals, so the product is exact in i128 or visibly too large.
        let total = quantity
            .mantissa()
            .checked_mul(price.mantissa())
            .and_then(|product| to_minor(product, quantity.scale() + price.scale(), exponent))
            .and_then(|minor| i64::try_from(minor).ok())
            .ok_or(TotalsError::LineTotal { line })?;
        line_totals.push(total);
    }
    let subtotal = line_totals
        .iter()
        .try_fold(0_i64, |sum, t| sum.checked_add(*t))
        .ok_or(TotalsError::TooLarge)?;

    let discount_cents = match discount {
        Discount::None => 0,
        Discount::Percent(percent) => {
            let percent = check_percent(percent).map_err(TotalsError::Discount)?;
            percent_of(subtotal, percent)?
        }
        Discount::Fixed(amount) => {
            let amount = check_fixed_amount(amount).map_err(TotalsError::Discount)?;
            let cents = decimal_to_cents(amount, currency).map_err(TotalsError::Discount)?;
            if cents > subtotal {
                return Err(TotalsError::Discount(AmountError::ExceedsSubtotal));
            }
            cents
        }
    };
    let base = subtotal
        .checked_sub(discount_cents)
        .ok_or(TotalsError::TooLarge)?;

    // 0 ≤ discount ≤ subtotal here, so the allocation exists and each share ≤ its line.
    let shares = allocate(discount_cents, &line_totals).ok_or(TotalsError::TooLarge)?;
    let lines_out = line_totals
        .iter()
        .zip(&shares)
        .map(|(total, share)| {
            Some(LineTotals {
                total_cents: *total,
                discount_cents: *share,
                base_cents: total.checked_sub(*share)?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(TotalsError::TooLarge)?;

    let taxes = tax_totals(lines, &lines_out, base, invoice_taxes, item_taxes)?;
    let tax_total = taxes
        .iter()
        .try_fold(0_i64, |sum, t| sum.checked_add(t.amount_cents))
        .ok_or(TotalsError::TooLarge)?;
    let total = base.checked_add(tax_total).ok_or(TotalsError::TooLarge)?;

    Ok(Totals {
        currency,
        lines: lines_out,
        subtotal_cents: subtotal,
        discount_cents,
        base_cents: base,
        taxes,
        tax_total_cents: tax_total,
        total_cents: total,
    })
}

/// What is left to pay: `total − paid`, negative when overpaid; `None` on overflow.
pub fn balance(total_cents: i64, paid_cents: i64) -> Option<i64> {
    total_cents.checked_sub(paid_cents)
}

/// The taxes, each over the lines it covers, each rounded once.
fn tax_totals(
    lines: &[LineInput],
    line_totals: &[LineTotals],
    base: i64,
    invoice_taxes: &[TaxRate],
    item_taxes: &[TaxRate],
) -> Result<Vec<TaxTotal>, TotalsError> {
    let check = |tax: &TaxRate| {
        check_percent(tax.rate).map_err(|error| TotalsError::TaxRate {
            tax_id: tax.id,
            error,
        })
    };

    // id → (rate, invoice level, covered base); `order` keeps the output deterministic.
    let mut covered: BTreeMap<TaxId, (Decimal, bool, i64)> = BTreeMap::new();
    let mut order = Vec::new();
    for tax in invoice_taxes {
        if let Entry::Vacant(slot) = covered.entry(tax.id) {
            slot.insert((check(tax)?, true, base));
            order.push(tax.id);
        }
    }
    // Sets and maps, not `contains` in a loop: the work stays linear in the ids given.
    let definitions: BTreeMap<TaxId, &TaxRate> =
        item_taxes.iter().rev().map(|tax| (tax.id, tax)).collect();
    for (line, (input, totals)) in lines.iter().zip(line_totals).enumerate() {
        let mut seen = BTreeSet::new();
        for tax_id in &input.tax_ids {
            // Once per line, even if the item lists the id twice.
            if !seen.insert(*tax_id) {
                continue;
            }
            match covered.get_mut(tax_id) {
                // Invoice-level taxes already cover every line.
                Some((_, true, _)) => {}
                Some((_, false, sum)) => {
                    *sum = sum
                        .checked_add(totals.base_cents)
                        .ok_or(TotalsError::TooLarge)?;
                }
                None => {
                    let tax = definitions
                        .get(tax_id)
                        .copied()
                        .ok_or(TotalsError::UnknownTax {
                            line,
                            tax_id: *tax_id,
                        })?;
                    covered.insert(*tax_id, (check(tax)?, false, totals.base_cents));
                    order.push(*tax_id);
                }
            }
        }
    }

    order
        .into_iter()
        .map(|id| {
            let (rate, invoice_level, base_cents) =
                covered.get(&id).copied().ok_or(TotalsError::TooLarge)?;
            Ok(TaxTotal {
                id,
                rate,
                invoice_level,
                base_cents,
                amount_cents: percent_of(base_cents, rate)?,
            })
        })
        .collect()
}

/// `cents × percent / 100`, rounded once. `percent` has at most 4 decimals and is ≤ 100,
/// so `cents × mantissa` ≤ 2^63 × 10^6 fits an i128.
fn percent_of(cents: i64, percent: Decimal) -> Result<i64, TotalsError> {
    10_i128
        .checked_pow(percent.scale())
        .and_then(|scale| scale.checked_mul(100))
        .and_then(|divisor| div_round(i128::from(cents).checked_mul(percent.mantissa())?, divisor))
        .and_then(|amount| i64::try_from(amount).ok())
        .ok_or(TotalsError::TooLarge)
}
