//! The totals of an invoice or quote: lines, discount, taxes, in integer minor units.
//! The rules are in the module documentation of `crate::money`. The engine is general:
//! a credit note computes through it too, passing its lines and the taxes at the rates
//! (and inclusive or not) that its invoice applied.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::allocate::allocate;
use super::currency::Currency;
use super::decimal::AmountError;
use super::inclusive;
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

/// A tax and its rate in percent (`15` for 15 %). `inclusive`: the prices of the lines
/// it covers include it (it is extracted from them), otherwise it is added on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRate {
    pub id: TaxId,
    pub rate: Decimal,
    pub inclusive: bool,
}

/// One line's part of the totals, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTotals {
    /// quantity × unit price, rounded once.
    pub total_cents: i64,
    /// This line's share of the document's discount.
    pub discount_cents: i64,
    /// `total_cents − discount_cents`: the line's amount after the discount.
    pub base_cents: i64,
    /// `base_cents` less the inclusive taxes extracted from it (equal to it on a line
    /// without any): what this line's taxes apply to.
    pub net_cents: i64,
}

/// One tax on the document, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxTotal {
    pub id: TaxId,
    pub rate: Decimal,
    /// Extracted from the prices (`true`) or added on top of them.
    pub inclusive: bool,
    /// `true` for an invoice-level tax (every line), `false` for an item-level one.
    pub invoice_level: bool,
    /// The sum of the line nets this tax covers: the taxable amount.
    pub base_cents: i64,
    /// Exclusive: `base_cents × rate / 100`, rounded once. Inclusive: its part of the
    /// tax extracted from the lines it covers (`money::inclusive`).
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
    /// `subtotal_cents − discount_cents`: the prices after the discount.
    pub base_cents: i64,
    /// Invoice-level taxes in input order, then item-level ones by first appearance.
    pub taxes: Vec<TaxTotal>,
    /// Σ taxes, inclusive and exclusive.
    pub tax_total_cents: i64,
    /// `base_cents` less the inclusive taxes = Σ line nets: the total without any tax.
    pub net_cents: i64,
    /// `net_cents + tax_total_cents` (= `base_cents` + the exclusive taxes).
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
    let bases = line_totals
        .iter()
        .zip(&shares)
        .map(|(total, share)| total.checked_sub(*share))
        .collect::<Option<Vec<_>>>()
        .ok_or(TotalsError::TooLarge)?;

    let covering = Covering::resolve(lines, invoice_taxes, item_taxes)?;
    let extracted = inclusive::extract(&bases, &covering.inclusive_sets(lines.len()))?;
    let lines_out: Vec<LineTotals> = line_totals
        .iter()
        .zip(&shares)
        .zip(bases.iter().zip(&extracted.nets))
        .map(|((total, share), (base, net))| LineTotals {
            total_cents: *total,
            discount_cents: *share,
            base_cents: *base,
            net_cents: *net,
        })
        .collect();
    let net = sum(lines_out.iter().map(|l| l.net_cents))?;
    let taxes = covering.totals(&lines_out, net, &extracted.amounts)?;
    let tax_total = sum(taxes.iter().map(|t| t.amount_cents))?;
    let total = net.checked_add(tax_total).ok_or(TotalsError::TooLarge)?;

    Ok(Totals {
        currency,
        lines: lines_out,
        subtotal_cents: subtotal,
        discount_cents,
        base_cents: base,
        taxes,
        tax_total_cents: tax_total,
        net_cents: net,
        total_cents: total,
    })
}

fn sum(mut values: impl Iterator<Item = i64>) -> Result<i64, TotalsError> {
    values
        .try_fold(0_i64, |sum, v| sum.checked_add(v))
        .ok_or(TotalsError::TooLarge)
}

/// What is left to pay: `total − paid`, negative when overpaid; `None` on overflow.
pub fn balance(total_cents: i64, paid_cents: i64) -> Option<i64> {
    total_cents.checked_sub(paid_cents)
}

/// A tax as the document applies it: its checked rate, and whether it is invoice-level.
#[derive(Debug, Clone, Copy)]
struct Applied {
    rate: Decimal,
    inclusive: bool,
    invoice_level: bool,
}

/// Which taxes cover which lines: every invoice-level tax covers every line, an
/// item-level one the lines that name it (once per line).
struct Covering {
    /// Output order: invoice-level taxes as given, then item-level ones as first named.
    order: Vec<TaxId>,
    taxes: BTreeMap<TaxId, Applied>,
    /// Per line, the item-level taxes (not invoice-level) that cover it, each once.
    item_level: Vec<Vec<TaxId>>,
}

impl Covering {
    fn resolve(
        lines: &[LineInput],
        invoice_taxes: &[TaxRate],
        item_taxes: &[TaxRate],
    ) -> Result<Covering, TotalsError> {
        let check = |tax: &TaxRate, invoice_level: bool| {
            check_percent(tax.rate)
                .map(|rate| Applied {
                    rate,
                    inclusive: tax.inclusive,
                    invoice_level,
                })
                .map_err(|error| TotalsError::TaxRate {
                    tax_id: tax.id,
                    error,
                })
        };
        let mut taxes: BTreeMap<TaxId, Applied> = BTreeMap::new();
        let mut order = Vec::new();
        for tax in invoice_taxes {
            if let Entry::Vacant(slot) = taxes.entry(tax.id) {
                slot.insert(check(tax, true)?);
                order.push(tax.id);
            }
        }
        // Sets and maps, not `contains` in a loop: the work stays linear in the ids given.
        let definitions: BTreeMap<TaxId, &TaxRate> =
            item_taxes.iter().rev().map(|tax| (tax.id, tax)).collect();
        let mut item_level = Vec::with_capacity(lines.len());
        for (line, input) in lines.iter().enumerate() {
            let mut seen = BTreeSet::new();
            let mut covering = Vec::new();
            for tax_id in &input.tax_ids {
                // Once per line, even if the item lists the id twice.
                if !seen.insert(*tax_id) {
                    continue;
                }
                match taxes.get(tax_id) {
                    // Invoice-level taxes already cover every line.
                    Some(applied) if applied.invoice_level => continue,
                    Some(_) => {}
                    None => {
                        let tax =
                            definitions
                                .get(tax_id)
                                .copied()
                                .ok_or(TotalsError::UnknownTax {
                                    line,
                                    tax_id: *tax_id,
                                })?;
                        taxes.insert(*tax_id, check(tax, false)?);
                        order.push(*tax_id);
                    }
                }
                covering.push(*tax_id);
            }
            item_level.push(covering);
        }
        Ok(Covering {
            order,
            taxes,
            item_level,
        })
    }

    /// The inclusive taxes covering each line, with their rates.
    fn inclusive_sets(&self, lines: usize) -> Vec<Vec<(TaxId, Decimal)>> {
        let invoice_level: Vec<(TaxId, Decimal)> = self
            .order
            .iter()
            .filter_map(|id| Some((*id, self.taxes.get(id)?)))
            .filter(|(_, t)| t.invoice_level && t.inclusive)
            .map(|(id, t)| (id, t.rate))
            .collect();
        (0..lines)
            .map(|line| {
                let mut set = invoice_level.clone();
                for id in self.item_level.get(line).into_iter().flatten() {
                    if let Some(t) = self.taxes.get(id).filter(|t| t.inclusive) {
                        set.push((*id, t.rate));
                    }
                }
                set
            })
            .collect()
    }

    /// Each tax over the nets of the lines it covers: an exclusive one rounded once on
    /// them, an inclusive one as extracted.
    fn totals(
        &self,
        lines: &[LineTotals],
        net: i64,
        extracted: &BTreeMap<TaxId, i64>,
    ) -> Result<Vec<TaxTotal>, TotalsError> {
        let mut item_bases: BTreeMap<TaxId, i64> = BTreeMap::new();
        for (ids, line) in self.item_level.iter().zip(lines) {
            for id in ids {
                let sum = item_bases.entry(*id).or_insert(0);
                *sum = sum
                    .checked_add(line.net_cents)
                    .ok_or(TotalsError::TooLarge)?;
            }
        }
        self.order
            .iter()
            .map(|id| {
                let applied = self.taxes.get(id).copied().ok_or(TotalsError::TooLarge)?;
                let base_cents = if applied.invoice_level {
                    net
                } else {
                    item_bases.get(id).copied().unwrap_or(0)
                };
                let amount_cents = if applied.inclusive {
                    extracted.get(id).copied().unwrap_or(0)
                } else {
                    percent_of(base_cents, applied.rate)?
                };
                Ok(TaxTotal {
                    id: *id,
                    rate: applied.rate,
                    inclusive: applied.inclusive,
                    invoice_level: applied.invoice_level,
                    base_cents,
                    amount_cents,
                })
            })
            .collect()
    }
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
