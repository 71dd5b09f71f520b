//! What a credit note credits on its invoice, in minor units: pure arithmetic over the
//! invoice as issued and what earlier credit notes already credited.
//!
//! Three ways to ask (`Ask`):
//! - **the whole remainder**: every line's remaining quantity, every tax line's
//!   remaining amount, the remaining discount and total, by subtraction, so that the
//!   credit notes of an invoice always add up to the invoice exactly. After an amount
//!   credit (which does not consume lines) the remainder is credited as an amount.
//! - **lines and quantities**: the chosen lines at their invoice prices, through the one
//!   totals engine (`totals::compute`) with the taxes at the rates (and inclusive or not)
//!   the invoice applied and its discount (a percentage as is; a fixed discount
//!   prorated to the credited subtotal, rounded once). Asking for every remaining
//!   quantity is the whole remainder; a line credited for all that remains of it is
//!   priced at what remains of its total, so a line's credits add up to it. A quantity
//!   above what remains of its line, or a result that leaves nothing of the invoice's
//!   total (or exceeds what remains of a tax or the discount) while lines remain
//!   uncredited (possible only by a cent of rounding near the end), is refused.
//! - **an amount** (tax included, at most what remains): split over what remains of
//!   the invoice's net and of each tax line, in proportion, by largest remainder
//!   (`allocate`), so the taxes are credited at the invoice's mix of rates and the parts
//!   add up to the amount exactly.
//!
//! Every credit keeps the documents' identities: net + tax total = total, and subtotal −
//! discount − inclusive taxes = net.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::allocate::allocate;
use super::currency::Currency;
use super::decimal::AmountError;
use super::limits::check_quantity;
use super::minor::{cents_to_decimal, div_round};
use super::totals::{Discount, LineInput, TaxId, TaxRate, TotalsError, compute};

/// A line of the invoice as issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLine {
    /// The invoice item's id.
    pub id: i64,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_ids: Vec<TaxId>,
    pub total_cents: i64,
}

/// A tax line of the invoice as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedTax {
    pub rate: TaxRate,
    pub invoice_level: bool,
    pub amount_cents: i64,
}

/// The invoice as issued: what can be credited at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub currency: Currency,
    pub discount: Discount,
    pub lines: Vec<IssuedLine>,
    pub taxes: Vec<IssuedTax>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub total_cents: i64,
}

/// What the invoice's earlier credit notes credited, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credited {
    /// Per invoice item: quantity and line total credited.
    pub lines: BTreeMap<i64, (Decimal, i64)>,
    /// Per tax: amount credited.
    pub taxes: BTreeMap<TaxId, i64>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub total_cents: i64,
    /// Some credit note credited an amount rather than lines.
    pub by_amount: bool,
}

impl Credited {
    /// Adds a credit to the sums (what a new credit note leaves for the next).
    pub fn add(&mut self, credit: &Credit) {
        for line in &credit.lines {
            match line.invoice_line {
                Some(id) => {
                    let entry = self.lines.entry(id).or_insert((Decimal::ZERO, 0));
                    entry.0 += line.quantity;
                    entry.1 += line.total_cents;
                }
                None => self.by_amount = true,
            }
        }
        for tax in &credit.taxes {
            *self.taxes.entry(tax.rate.id).or_insert(0) += tax.amount_cents;
        }
        self.subtotal_cents += credit.subtotal_cents;
        self.discount_cents += credit.discount_cents;
        self.total_cents += credit.total_cents;
    }
}

/// What a credit note asks to credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Whole,
    /// Invoice item ids and the quantity of each to credit.
    Lines(Vec<(i64, Decimal)>),
    /// Minor units, tax included.
    Amount(i64),
}

/// A line of the credit note; `invoice_line` is `None` for an amount credit's one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditLine {
    pub invoice_line: Option<i64>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_ids: Vec<TaxId>,
    pub total_cents: i64,
}

/// A tax line of the credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditTax {
    pub rate: TaxRate,
    pub invoice_level: bool,
    pub amount_cents: i64,
}

/// What the credit note credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub lines: Vec<CreditLine>,
    /// The discount as credited: the invoice's percentage, the prorated fixed amount, or
    /// none (an amount credit).
    pub discount: Discount,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub taxes: Vec<CreditTax>,
    pub tax_total_cents: i64,
    pub total_cents: i64,
}

/// Why a credit cannot be made; `Display` is the message, `field()` the request field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    #[error("nothing remains to be credited on this invoice")]
    NothingLeft { by_amount: bool },
    #[error("is not an item of this invoice")]
    UnknownLine { index: usize },
    #[error("is named more than once")]
    RepeatedLine { index: usize },
    #[error("{error}")]
    Quantity { index: usize, error: AmountError },
    #[error("must be greater than 0")]
    QuantityNotPositive { index: usize },
    #[error("must be less than or equal to what remains to be credited of the item ({left})")]
    QuantityAboveRemaining { index: usize, left: Decimal },
    #[error("must be greater than 0")]
    AmountNotPositive,
    #[error("must be less than or equal to what remains to be credited on the invoice ({left})")]
    AmountAboveRemaining { left: Decimal },
    #[error(
        "would credit more than remains to be credited on the invoice ({left}, by rounding); credit the remainder instead"
    )]
    LinesAboveRemaining { left: Decimal },
    #[error("would credit nothing: the items chosen total 0")]
    Zero,
    #[error("{0}")]
    Totals(TotalsError),
}

impl CreditError {
    pub fn field(&self) -> String {
        match self {
            CreditError::NothingLeft { by_amount: true } => "amount".into(),
            CreditError::NothingLeft { by_amount: false }
            | CreditError::LinesAboveRemaining { .. }
            | CreditError::Zero => "items".into(),
            CreditError::UnknownLine { index } | CreditError::RepeatedLine { index } => {
                format!("items[{index}].invoice_item_id")
            }
            CreditError::Quantity { index, .. }
            | CreditError::QuantityNotPositive { index }
            | CreditError::QuantityAboveRemaining { index, .. } => {
                format!("items[{index}].quantity")
            }
            CreditError::AmountNotPositive | CreditError::AmountAboveRemaining { .. } => {
                "amount".into()
            }
            CreditError::Totals(err) => err.field(),
        }
    }
}

/// Works out a credit note on `issued`, given what `done` already credited.
pub fn credit(issued: &Issued, done: &Credited, ask: &Ask) -> Result<Credit, CreditError> {
    let left_total = issued.total_cents - done.total_cents;
    if left_total <= 0 {
        let by_amount = matches!(ask, Ask::Amount(_));
        return Err(CreditError::NothingLeft { by_amount });
    }
    match ask {
        Ask::Whole if done.by_amount => by_amount(issued, done, left_total),
        Ask::Whole => Ok(remainder(issued, done)),
        Ask::Lines(asked) => by_lines(issued, done, asked),
        Ask::Amount(amount) if *amount <= 0 => Err(CreditError::AmountNotPositive),
        Ask::Amount(amount) if *amount > left_total => Err(CreditError::AmountAboveRemaining {
            left: cents_to_decimal(left_total, issued.currency),
        }),
        Ask::Amount(amount) => by_amount(issued, done, *amount),
    }
}

fn left_of_line(line: &IssuedLine, done: &Credited) -> (Decimal, i64) {
    let (quantity, total) = done.lines.get(&line.id).copied().unwrap_or_default();
    (line.quantity - quantity, line.total_cents - total)
}

fn left_of_tax(tax: &IssuedTax, done: &Credited) -> i64 {
    tax.amount_cents - done.taxes.get(&tax.rate.id).copied().unwrap_or(0)
}

/// Everything that remains, by subtraction.
fn remainder(issued: &Issued, done: &Credited) -> Credit {
    let lines: Vec<CreditLine> = issued
        .lines
        .iter()
        .filter_map(|line| {
            let (quantity, total) = left_of_line(line, done);
            (quantity > Decimal::ZERO).then(|| CreditLine {
                invoice_line: Some(line.id),
                quantity,
                unit_price: line.unit_price,
                tax_ids: line.tax_ids.clone(),
                total_cents: total,
            })
        })
        .collect();
    let covers = |tax: &IssuedTax| {
        tax.invoice_level || lines.iter().any(|l| l.tax_ids.contains(&tax.rate.id))
    };
    let taxes: Vec<CreditTax> = issued
        .taxes
        .iter()
        .filter(|tax| covers(tax) || left_of_tax(tax, done) != 0)
        .map(|tax| CreditTax {
            rate: tax.rate,
            invoice_level: tax.invoice_level,
            amount_cents: left_of_tax(tax, done),
        })
        .collect();
    let discount_cents = issued.discount_cents - done.discount_cents;
    Credit {
        lines,
        discount: credited_discount(issued.discount, discount_cents, issued.currency),
        subtotal_cents: issued.subtotal_cents - done.subtotal_cents,
        discount_cents,
        tax_total_cents: taxes.iter().map(|t| t.amount_cents).sum(),
        taxes,
        total_cents: issued.total_cents - done.total_cents,
    }
}

/// A percentage discount is credited as the same percentage, any other as its amount.
fn credited_discount(discount: Discount, cents: i64, currency: Currency) -> Discount {
    match discount {
        Discount::Percent(p) => Discount::Percent(p),
        _ if cents == 0 => Discount::None,
        _ => Discount::Fixed(cents_to_decimal(cents, currency)),
    }
}

fn by_lines(
    issued: &Issued,
    done: &Credited,
    asked: &[(i64, Decimal)],
) -> Result<Credit, CreditError> {
    let mut chosen: Vec<(&IssuedLine, Decimal)> = Vec::with_capacity(asked.len());
    for (index, (id, quantity)) in asked.iter().enumerate() {
        let Some(line) = issued.lines.iter().find(|l| l.id == *id) else {
            return Err(CreditError::UnknownLine { index });
        };
        if chosen.iter().any(|(l, _)| l.id == *id) {
            return Err(CreditError::RepeatedLine { index });
        }
        let quantity =
            check_quantity(*quantity).map_err(|error| CreditError::Quantity { index, error })?;
        if quantity <= Decimal::ZERO {
            return Err(CreditError::QuantityNotPositive { index });
        }
        let (left, _) = left_of_line(line, done);
        if quantity > left {
            return Err(CreditError::QuantityAboveRemaining {
                index,
                left: left.normalize(),
            });
        }
        chosen.push((line, quantity));
    }
    if chosen.is_empty() {
        return Err(CreditError::NothingLeft { by_amount: false });
    }
    // Everything that still has a price is asked for in full (a free line left out
    // does not matter).
    let everything = issued.lines.iter().all(|line| {
        let (left, left_total) = left_of_line(line, done);
        left <= Decimal::ZERO
            || left_total == 0
            || chosen.iter().any(|(l, q)| l.id == line.id && *q == left)
    });
    if everything && !done.by_amount {
        return Ok(remainder(issued, done));
    }
    // A line credited for all that remains of it is priced at what remains of its
    // total (1 × that amount), so its credits add up to its total exactly.
    let inputs: Vec<LineInput> = chosen
        .iter()
        .map(|(line, quantity)| {
            let (left, left_total) = left_of_line(line, done);
            let (quantity, unit_price) = if *quantity == left {
                (Decimal::ONE, cents_to_decimal(left_total, issued.currency))
            } else {
                (*quantity, line.unit_price)
            };
            LineInput {
                quantity,
                unit_price,
                tax_ids: line.tax_ids.clone(),
            }
        })
        .collect();
    let (document_taxes, item_taxes): (Vec<&IssuedTax>, Vec<&IssuedTax>) =
        issued.taxes.iter().partition(|t| t.invoice_level);
    let rates = |taxes: &[&IssuedTax]| taxes.iter().map(|t| t.rate).collect::<Vec<_>>();
    let (document_rates, item_rates) = (rates(&document_taxes), rates(&item_taxes));
    let price = |discount| {
        compute(
            issued.currency,
            &inputs,
            discount,
            &document_rates,
            &item_rates,
        )
        .map_err(CreditError::Totals)
    };
    let discount = match issued.discount {
        Discount::Fixed(_) if issued.subtotal_cents > 0 => {
            let subtotal = price(Discount::None)?.subtotal_cents;
            let share = prorate(issued.discount_cents, subtotal, issued.subtotal_cents)
                .ok_or(CreditError::Totals(TotalsError::TooLarge))?;
            credited_discount(issued.discount, share, issued.currency)
        }
        other => other,
    };
    let totals = price(discount)?;
    if totals.total_cents == 0 {
        return Err(CreditError::Zero);
    }
    let taxes: Vec<CreditTax> = totals
        .taxes
        .iter()
        .map(|t| CreditTax {
            rate: TaxRate {
                id: t.id,
                rate: t.rate,
                inclusive: t.inclusive,
            },
            invoice_level: t.invoice_level,
            amount_cents: t.amount_cents,
        })
        .collect();
    // Lines remain after this credit, so it must leave some of the total for them; and
    // it may not take more net (total less taxes) than remains, which an amount credit
    // spread over every line may have taken from the lines chosen now.
    let left_total = issued.total_cents - done.total_cents;
    let left_taxes: i64 = issued.taxes.iter().map(|t| left_of_tax(t, done)).sum();
    let above = totals.total_cents >= left_total
        || totals.total_cents - totals.tax_total_cents > left_total - left_taxes
        || totals.discount_cents > issued.discount_cents - done.discount_cents
        || taxes.iter().any(|t| {
            issued
                .taxes
                .iter()
                .find(|i| i.rate.id == t.rate.id)
                .is_none_or(|i| t.amount_cents > left_of_tax(i, done))
        });
    if above {
        return Err(CreditError::LinesAboveRemaining {
            left: cents_to_decimal(issued.total_cents - done.total_cents, issued.currency),
        });
    }
    let lines = chosen
        .iter()
        .zip(&totals.lines)
        .map(|((line, quantity), out)| CreditLine {
            invoice_line: Some(line.id),
            quantity: *quantity,
            unit_price: line.unit_price,
            tax_ids: line.tax_ids.clone(),
            total_cents: out.total_cents,
        })
        .collect();
    Ok(Credit {
        lines,
        discount: match discount {
            Discount::Fixed(_) if totals.discount_cents == 0 => Discount::None,
            other => other,
        },
        subtotal_cents: totals.subtotal_cents,
        discount_cents: totals.discount_cents,
        taxes,
        tax_total_cents: totals.tax_total_cents,
        total_cents: totals.total_cents,
    })
}

/// `amount` (tax included) split over what remains of the invoice's net and of each tax
/// line, in proportion; one line for the amount less its exclusive taxes.
fn by_amount(issued: &Issued, done: &Credited, amount: i64) -> Result<Credit, CreditError> {
    let left_taxes: Vec<i64> = issued
        .taxes
        .iter()
        .map(|t| left_of_tax(t, done).max(0))
        .collect();
    let left_total = issued.total_cents - done.total_cents;
    let left_net = (left_total - left_taxes.iter().sum::<i64>()).max(0);
    let mut weights = vec![left_net];
    weights.extend(&left_taxes);
    let parts = allocate(amount, &weights).ok_or(CreditError::Totals(TotalsError::TooLarge))?;
    let taxes: Vec<CreditTax> = issued
        .taxes
        .iter()
        .zip(&parts[1..])
        .map(|(tax, part)| CreditTax {
            rate: tax.rate,
            invoice_level: tax.invoice_level,
            amount_cents: *part,
        })
        .collect();
    let exclusive: i64 = taxes
        .iter()
        .filter(|t| !t.rate.inclusive)
        .map(|t| t.amount_cents)
        .sum();
    let subtotal = amount - exclusive;
    Ok(Credit {
        lines: vec![CreditLine {
            invoice_line: None,
            quantity: Decimal::ONE,
            unit_price: cents_to_decimal(subtotal, issued.currency),
            tax_ids: Vec::new(),
            total_cents: subtotal,
        }],
        discount: Discount::None,
        subtotal_cents: subtotal,
        discount_cents: 0,
        tax_total_cents: taxes.iter().map(|t| t.amount_cents).sum(),
        taxes,
        total_cents: amount,
    })
}

/// `amount × part / whole`, rounded once (half away from zero); `None` if `whole ≤ 0`.
pub fn prorate(amount: i64, part: i64, whole: i64) -> Option<i64> {
    let exact = i128::from(amount).checked_mul(i128::from(part))?;
    i64::try_from(div_round(exact, i128::from(whole))?).ok()
}
