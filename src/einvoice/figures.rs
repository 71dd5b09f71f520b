//! The figures of an e-invoice, from the stored invoice: each line's VAT category and
//! net amount, the document-level allowances (the discount) and the VAT breakdown per
//! category and rate, and the totals. The totals are the stored ones (what the API
//! shows); the per-line split of the discount and of inclusive taxes, which the
//! invoice does not store, is the engine's (`money::compute` over the stored items and
//! the tax lines' rates as applied), and is refused unless its totals are exactly the
//! stored ones.
//!
//! How the engine's figures map onto EN 16931's (README: E-invoices):
//! - a line's net amount (BT-131) is its net before the document discount: the engine's
//!   net plus its share of the discount (for exclusive taxes, quantity × unit price);
//! - the discount is one document-level allowance (BG-20) per VAT category and rate, the
//!   sum of the shares of that category's lines, so the category's taxable amount
//!   (BT-116 = Σ BT-131 − allowances, BR-S-08) is the engine's taxable base exactly;
//! - a category's tax (BT-117) is the sum of its taxes' stored amounts.

use std::collections::BTreeSet;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::documents::items::Item;
use crate::billing::documents::tax_lines::TaxLine;
use crate::billing::error::FieldErrors;
use crate::money::{self, Currency, LineInput, TaxRate};

use super::source::{Kind, Stored, is_amount_line};

/// A VAT category as the breakdown groups it (code and rate), with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// UNCL 5305: S, Z, E, AE, K, G or O.
    pub code: String,
    pub rate: Decimal,
    pub reason: Option<String>,
    pub reason_code: Option<String>,
}

/// One line of the e-invoice.
#[derive(Debug, Clone)]
pub struct LineFigures {
    pub name: String,
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit_code: String,
    /// BT-146: the price without VAT (the unit price, or for a price including a tax the
    /// unit price less it, to 4 decimals).
    pub net_price: Decimal,
    /// BT-131, in minor units.
    pub net_cents: i64,
    /// Index into `Figures::groups`.
    pub group: usize,
}

/// One VAT breakdown (BG-23) and its allowance (BG-20).
#[derive(Debug, Clone)]
pub struct Group {
    pub category: Category,
    /// BT-116.
    pub taxable_cents: i64,
    /// BT-117.
    pub tax_cents: i64,
    /// BT-92 of the allowance for this category (the lines' discount shares).
    pub allowance_cents: i64,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub currency: Currency,
    pub lines: Vec<LineFigures>,
    pub groups: Vec<Group>,
    /// BT-106: Σ line net amounts.
    pub line_total_cents: i64,
    /// BT-107: the discount.
    pub allowance_cents: i64,
    /// BT-109.
    pub net_cents: i64,
    /// BT-110.
    pub tax_cents: i64,
    /// BT-112.
    pub total_cents: i64,
    /// BT-113.
    pub paid_cents: i64,
    /// BT-115.
    pub due_cents: i64,
}

impl Figures {
    /// Every amount the XML states, with where it is (for the decimals' check).
    pub fn amounts(&self) -> Vec<(String, i64)> {
        let mut all: Vec<(String, i64)> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("items[{i}]"), l.net_cents))
            .collect();
        for g in &self.groups {
            let name = format!("taxes {} {}%", g.category.code, g.category.rate.normalize());
            all.push((name.clone(), g.taxable_cents));
            all.push((name.clone(), g.tax_cents));
            all.push((name, g.allowance_cents));
        }
        for (name, cents) in [
            ("subtotal", self.line_total_cents),
            ("discount", self.allowance_cents),
            ("net", self.net_cents),
            ("tax_total", self.tax_cents),
            ("total", self.total_cents),
            ("paid", self.paid_cents),
            ("balance", self.due_cents),
        ] {
            all.push((name.to_string(), cents));
        }
        all
    }
}

fn rate(t: &TaxLine) -> TaxRate {
    TaxRate {
        id: t.tax_id,
        rate: t.tax_rate,
        inclusive: t.inclusive,
    }
}

/// The figures, or the field errors that keep the document from being an e-invoice
/// (a line with no VAT category or more than one, BT-151).
pub fn figures(
    invoice: &Stored<'_>,
    items: &[Item],
    taxes: &[TaxLine],
) -> Result<Figures, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Ok(currency) = Currency::parse(invoice.currency) else {
        errors.add("currency", "BT-5: not an ISO 4217 currency");
        return Err(errors);
    };
    if is_amount_line(invoice.kind, items) {
        return amount_credit(invoice, currency, &items[0], taxes);
    }
    let document: Vec<&TaxLine> = taxes.iter().filter(|t| t.invoice_level).collect();
    let item_level: Vec<&TaxLine> = taxes.iter().filter(|t| !t.invoice_level).collect();
    let inputs: Vec<LineInput> = items
        .iter()
        .map(|i| LineInput {
            quantity: i.quantity,
            unit_price: i.unit_price,
            tax_ids: i.tax_ids.clone(),
        })
        .collect();
    let doc_rates: Vec<TaxRate> = document.iter().map(|t| rate(t)).collect();
    let item_rates: Vec<TaxRate> = item_level.iter().map(|t| rate(t)).collect();
    let mut totals =
        match money::compute(currency, &inputs, invoice.discount, &doc_rates, &item_rates) {
            Ok(totals) => totals,
            Err(err) => {
                errors.add("total", format!("cannot be computed again: {err}"));
                return Err(errors);
            }
        };
    if !agrees(&totals, invoice, taxes) {
        by_subtraction(&mut totals, invoice, items, taxes);
    }
    if !agrees(&totals, invoice, taxes) {
        let hint = match invoice.kind {
            Kind::Invoice => "; save the invoice again to reprice it",
            Kind::CreditNote => "",
        };
        errors.add(
            "total",
            format!("the stored totals differ from the engine's over the stored lines{hint}"),
        );
        return Err(errors);
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut lines = Vec::with_capacity(items.len());
    for (i, (item, line)) in items.iter().zip(&totals.lines).enumerate() {
        let covering: Vec<&TaxLine> = {
            let mut seen = BTreeSet::new();
            document
                .iter()
                .copied()
                .chain(
                    item_level
                        .iter()
                        .copied()
                        .filter(|t| item.tax_ids.contains(&t.tax_id)),
                )
                .filter(|t| seen.insert(t.tax_id))
                .collect()
        };
        let tax = match covering.as_slice() {
            [tax] => *tax,
            [] => {
                errors.add(
                    format!("items[{i}].tax_ids"),
                    "BT-151: every e-invoice line has a VAT category; this line has no tax \
                     (apply one, a 0 % Z or an exempt E tax if nothing is charged)",
                );
                continue;
            }
            many => {
                let names: Vec<&str> = many.iter().map(|t| t.tax_name.as_str()).collect();
                errors.add(
                    format!("items[{i}].tax_ids"),
                    format!(
                        "BT-151: an e-invoice line has exactly one VAT category; this line has {} taxes ({})",
                        many.len(),
                        names.join(", ")
                    ),
                );
                continue;
            }
        };
        let category = Category {
            code: tax.category.clone(),
            rate: tax.tax_rate,
            reason: tax.exemption_reason.clone(),
            reason_code: tax.exemption_reason_code.clone(),
        };
        let group = match groups
            .iter()
            .position(|g| g.category.code == category.code && g.category.rate == category.rate)
        {
            Some(at) => at,
            None => {
                groups.push(Group {
                    category,
                    taxable_cents: 0,
                    tax_cents: 0,
                    allowance_cents: 0,
                });
                groups.len() - 1
            }
        };
        groups[group].taxable_cents += line.net_cents;
        groups[group].allowance_cents += line.discount_cents;
        let net_price = if tax.inclusive {
            (item.unit_price * Decimal::ONE_HUNDRED / (Decimal::ONE_HUNDRED + tax.tax_rate))
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
                .normalize()
        } else {
            item.unit_price.normalize()
        };
        lines.push(LineFigures {
            name: item.name.clone(),
            description: item.description.clone(),
            quantity: item.quantity,
            unit_code: item.unit_code.clone(),
            net_price,
            net_cents: line.net_cents + line.discount_cents,
            group,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Each tax covers lines of its one group only (every line has exactly one tax).
    for t in &totals.taxes {
        if let Some(tax) = taxes.iter().find(|l| l.tax_id == t.id)
            && let Some(g) = groups
                .iter_mut()
                .find(|g| g.category.code == tax.category && g.category.rate == tax.tax_rate)
        {
            g.tax_cents += t.amount_cents;
        }
    }
    let line_total_cents = lines.iter().map(|l| l.net_cents).sum();
    Ok(Figures {
        currency,
        lines,
        groups,
        line_total_cents,
        allowance_cents: invoice.discount_cents,
        net_cents: invoice.total_cents - invoice.tax_total_cents,
        tax_cents: invoice.tax_total_cents,
        total_cents: invoice.total_cents,
        paid_cents: invoice.paid_cents,
        due_cents: invoice.due_cents,
    })
}

fn agrees(totals: &money::Totals, stored: &Stored<'_>, taxes: &[TaxLine]) -> bool {
    totals.subtotal_cents == stored.subtotal_cents
        && totals.discount_cents == stored.discount_cents
        && totals.tax_total_cents == stored.tax_total_cents
        && totals.total_cents == stored.total_cents
        && totals.taxes.len() == taxes.len()
        && totals.taxes.iter().all(|t| {
            taxes
                .iter()
                .any(|l| l.tax_id == t.id && l.amount_cents == t.amount_cents)
        })
}

/// A credit note's remainder is worked out by subtraction (`money::credit`), which the
/// engine over its lines may miss by a cent of rounding. With exclusive taxes only, its
/// stored figures are then taken as they are: each line's stored total, the stored
/// discount split over the lines by their totals (largest remainder), the stored tax
/// lines; the checks that follow still ask them to add up.
fn by_subtraction(
    totals: &mut money::Totals,
    stored: &Stored<'_>,
    items: &[Item],
    taxes: &[TaxLine],
) {
    if stored.kind != Kind::CreditNote || taxes.iter().any(|t| t.inclusive) {
        return;
    }
    let weights: Vec<i64> = items.iter().map(|i| i.total_cents).collect();
    let Some(shares) = money::allocate(stored.discount_cents, &weights) else {
        return;
    };
    for ((line, item), share) in totals.lines.iter_mut().zip(items).zip(shares) {
        line.total_cents = item.total_cents;
        line.discount_cents = share;
        line.base_cents = item.total_cents - share;
        line.net_cents = item.total_cents - share;
    }
    totals.subtotal_cents = weights.iter().sum();
    totals.discount_cents = stored.discount_cents;
    totals.taxes = taxes
        .iter()
        .map(|t| money::TaxTotal {
            id: t.tax_id,
            rate: t.tax_rate,
            inclusive: false,
            invoice_level: t.invoice_level,
            base_cents: 0,
            amount_cents: t.amount_cents,
        })
        .collect();
    totals.tax_total_cents = taxes.iter().map(|t| t.amount_cents).sum();
    totals.total_cents = totals.subtotal_cents - totals.discount_cents + totals.tax_total_cents;
}

/// An amount credit (`money::credit`): one line without taxes of its own, its tax lines
/// the invoice's taxes in proportion. Written as one e-invoice line whose VAT category is
/// that of the credit note's tax lines, so they must all be one category and rate; over
/// several (an invoice with two VAT rates), the amount cannot be one line and is refused
/// (credit the invoice's lines instead). BT-131 is the net (total − VAT).
fn amount_credit(
    stored: &Stored<'_>,
    currency: Currency,
    item: &Item,
    taxes: &[TaxLine],
) -> Result<Figures, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut categories: Vec<&TaxLine> = Vec::new();
    for t in taxes {
        if !categories
            .iter()
            .any(|c| c.category == t.category && c.tax_rate == t.tax_rate)
        {
            categories.push(t);
        }
    }
    let tax = match categories.as_slice() {
        [tax] => *tax,
        [] => {
            errors.add(
                "items[0].tax_ids",
                "BT-151: every e-invoice line has a VAT category; this amount credit has no                  tax (its invoice applied none)",
            );
            return Err(errors);
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|t| format!("{} {}%", t.category, t.tax_rate.normalize()))
                .collect();
            errors.add(
                "items[0].tax_ids",
                format!(
                    "BT-151: an e-invoice line has exactly one VAT category; this amount                      credit spreads over {} ({}): credit the invoice's items instead",
                    many.len(),
                    names.join(", ")
                ),
            );
            return Err(errors);
        }
    };
    let net_cents = stored.total_cents - stored.tax_total_cents;
    let group = Group {
        category: Category {
            code: tax.category.clone(),
            rate: tax.tax_rate,
            reason: tax.exemption_reason.clone(),
            reason_code: tax.exemption_reason_code.clone(),
        },
        taxable_cents: net_cents,
        tax_cents: stored.tax_total_cents,
        allowance_cents: 0,
    };
    Ok(Figures {
        currency,
        lines: vec![LineFigures {
            name: item.name.clone(),
            description: item.description.clone(),
            quantity: item.quantity,
            unit_code: item.unit_code.clone(),
            net_price: money::cents_to_decimal(net_cents, currency)
                .checked_div(item.quantity)
                .unwrap_or_default()
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
            net_cents,
            group: 0,
        }],
        groups: vec![group],
        line_total_cents: net_cents,
        allowance_cents: 0,
        net_cents,
        tax_cents: stored.tax_total_cents,
        total_cents: stored.total_cents,
        paid_cents: stored.paid_cents,
        due_cents: stored.due_cents,
    })
}

/// An amount as the XML states it: the currency's decimals, but at most 2 (BR-DEC);
/// a currency with more (KWD) is written in hundredths, which `readiness` has checked
/// lose nothing.
pub fn amount(cents: i64, currency: Currency) -> String {
    let exponent = currency.exponent();
    let (value, scale) = if exponent > 2 {
        (cents / 10_i64.pow(exponent - 2), 2)
    } else {
        (cents, exponent)
    };
    let d = Decimal::new(value, scale);
    format!("{d:.prec$}", prec = scale as usize)
}

/// Whether an amount can be stated with at most 2 decimals without rounding.
pub fn fits_two_decimals(cents: i64, currency: Currency) -> bool {
    let exponent = currency.exponent();
    exponent <= 2 || cents % 10_i64.pow(exponent - 2) == 0
}

/// A decimal (quantity, price, rate) without trailing zeros.
pub fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_the_currency_decimals_up_to_two() {
        let usd = Currency::parse("USD").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(amount(43700, usd), "437.00");
        assert_eq!(amount(5, usd), "0.05");
        assert_eq!(amount(1200, jpy), "1200");
        assert_eq!(amount(12340, kwd), "12.34");
        assert!(fits_two_decimals(12340, kwd));
        assert!(!fits_two_decimals(12345, kwd));
        assert!(fits_two_decimals(12345, usd));
    }
}
