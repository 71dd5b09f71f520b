//! Property tests of taxes included in the prices: net + tax = total exactly, prices
//! with only inclusive taxes total what they say, each rate within one minor unit of its
//! exact share, nothing negative, and exclusive-only documents as the rules were before.

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use super::properties::{currency, everyday_decimal, lines, percent, within_half};
use super::*;

/// Up to 4 invoice-level taxes (ids 1–4) and definitions for item-level ids 1–6, each
/// inclusive or not.
pub(super) fn taxes(
    ids: std::ops::RangeInclusive<TaxId>,
    count: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<TaxRate>> {
    prop::collection::vec((ids, percent(), any::<bool>()), count).prop_map(|taxes| {
        taxes
            .into_iter()
            .map(|(id, rate, inclusive)| TaxRate {
                id,
                rate,
                inclusive,
            })
            .collect()
    })
}

pub(super) fn item_taxes() -> impl Strategy<Value = Vec<TaxRate>> {
    prop::collection::vec((percent(), any::<bool>()), 6).prop_map(|rates| {
        (1..)
            .zip(rates)
            .map(|(id, (rate, inclusive))| TaxRate {
                id,
                rate,
                inclusive,
            })
            .collect()
    })
}

pub(super) fn discount() -> impl Strategy<Value = Discount> {
    prop_oneof![
        Just(Discount::None),
        percent().prop_map(Discount::Percent),
        (0..1000_i64).prop_map(|cents| Discount::Fixed(Decimal::new(cents, 2))),
    ]
}

/// A rate as a mantissa of scale 4 (`15` → 150000).
fn scale4(rate: Decimal) -> i128 {
    rate.mantissa() * 10_i128.pow(4 - rate.scale())
}

fn wide(value: i64) -> i128 {
    i128::from(value)
}

/// What every document satisfies, inclusive taxes or not.
fn check_structure(lines: &[LineInput], totals: &Totals) -> Result<(), TestCaseError> {
    let sum = |values: &mut dyn Iterator<Item = i64>| values.map(wide).sum::<i128>();
    let inclusive = sum(&mut totals
        .taxes
        .iter()
        .filter(|t| t.inclusive)
        .map(|t| t.amount_cents));
    let exclusive = sum(&mut totals
        .taxes
        .iter()
        .filter(|t| !t.inclusive)
        .map(|t| t.amount_cents));

    // net + tax = total, exactly; the net is the lines' nets and the base less what the
    // prices included; the total is the base plus what is added on top.
    prop_assert_eq!(
        wide(totals.net_cents) + wide(totals.tax_total_cents),
        wide(totals.total_cents)
    );
    prop_assert_eq!(
        sum(&mut totals.lines.iter().map(|l| l.net_cents)),
        wide(totals.net_cents)
    );
    prop_assert_eq!(wide(totals.base_cents) - inclusive, wide(totals.net_cents));
    prop_assert_eq!(
        wide(totals.base_cents) + exclusive,
        wide(totals.total_cents)
    );
    prop_assert_eq!(inclusive + exclusive, wide(totals.tax_total_cents));
    if exclusive == 0 && totals.taxes.iter().all(|t| t.inclusive) {
        prop_assert_eq!(totals.total_cents, totals.base_cents);
    }

    // Never negative; a line keeps its base unless an inclusive tax covers it.
    for t in &totals.taxes {
        prop_assert!(t.amount_cents >= 0 && t.base_cents >= 0, "{:?}", t);
    }
    let covers = |t: &TaxTotal, input: &LineInput| t.invoice_level || input.tax_ids.contains(&t.id);
    for (input, l) in lines.iter().zip(&totals.lines) {
        prop_assert!(0 <= l.net_cents && l.net_cents <= l.base_cents, "{:?}", l);
        if !totals.taxes.iter().any(|t| t.inclusive && covers(t, input)) {
            prop_assert_eq!(l.net_cents, l.base_cents);
        }
    }

    // Every tax's base is the nets it covers; an exclusive one is rounded once on it.
    for t in &totals.taxes {
        let nets: i128 = lines
            .iter()
            .zip(&totals.lines)
            .filter(|(input, _)| covers(t, input))
            .map(|(_, l)| wide(l.net_cents))
            .sum();
        prop_assert_eq!(wide(t.base_cents), nets);
        if !t.inclusive {
            let numerator = wide(t.base_cents) * t.rate.mantissa();
            prop_assert!(within_half(
                t.amount_cents,
                numerator,
                100 * 10_i128.pow(t.rate.scale())
            ));
        }
    }
    Ok(())
}

/// (subtotal, discount, tax total, total).
type Figures = (i64, i64, i64, i64);

/// Today's rules for a document without inclusive taxes, computed independently with
/// decimals: each tax's amount, and (subtotal, discount, tax total, total).
fn exclusive_reference(
    currency: Currency,
    lines: &[LineInput],
    discount: Discount,
    invoice_taxes: &[TaxRate],
    item_taxes: &[TaxRate],
) -> (Vec<(TaxId, i64)>, Figures) {
    let round = |d: Decimal| {
        i64::try_from(d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).unwrap()
    };
    let minor = Decimal::from(10_i64.pow(currency.exponent()));
    let totals: Vec<i64> = lines
        .iter()
        .map(|l| round(l.quantity * l.unit_price * minor))
        .collect();
    let subtotal: i64 = totals.iter().sum();
    let discount = match discount {
        Discount::Percent(p) => round(Decimal::from(subtotal) * p / Decimal::from(100)),
        _ => 0,
    };
    let shares = allocate(discount, &totals).unwrap();
    let bases: Vec<i64> = totals.iter().zip(&shares).map(|(t, s)| t - s).collect();
    let base: i64 = bases.iter().sum();
    let mut taxes: Vec<(TaxId, Decimal, i64)> = Vec::new();
    for t in invoice_taxes {
        if !taxes.iter().any(|(id, _, _)| *id == t.id) {
            taxes.push((t.id, t.rate, base));
        }
    }
    let invoice_level = taxes.len();
    for (input, line_base) in lines.iter().zip(&bases) {
        let mut seen = Vec::new();
        for id in &input.tax_ids {
            if seen.contains(id) || taxes[..invoice_level].iter().any(|(i, _, _)| i == id) {
                continue;
            }
            seen.push(*id);
            match taxes.iter_mut().find(|(i, _, _)| i == id) {
                Some(entry) => entry.2 += line_base,
                None => {
                    let rate = item_taxes.iter().find(|t| t.id == *id).unwrap().rate;
                    taxes.push((*id, rate, *line_base));
                }
            }
        }
    }
    let amounts: Vec<(TaxId, i64)> = taxes
        .iter()
        .map(|(id, rate, b)| (*id, round(Decimal::from(*b) * rate / Decimal::from(100))))
        .collect();
    let tax: i64 = amounts.iter().map(|(_, a)| a).sum();
    (amounts, (subtotal, discount, tax, base + tax))
}

proptest! {
    #[test]
    fn inclusive_and_exclusive_taxes_together_hold_every_invariant(
        currency in currency(),
        lines in lines(everyday_decimal()),
        discount in discount(),
        invoice_taxes in taxes(1..=4, 0..4),
        item_taxes in item_taxes(),
    ) {
        match compute(currency, &lines, discount, &invoice_taxes, &item_taxes) {
            Ok(totals) => check_structure(&lines, &totals)?,
            // Only a fixed discount above the subtotal may be refused.
            Err(error) => prop_assert_eq!(error, TotalsError::Discount(AmountError::ExceedsSubtotal)),
        }
    }

    #[test]
    fn prices_with_only_inclusive_taxes_total_what_they_say_each_rate_within_a_unit(
        currency in currency(),
        lines in lines(everyday_decimal()),
        discount in prop_oneof![Just(Discount::None), percent().prop_map(Discount::Percent)],
        rates in prop::collection::vec(percent(), 1..4),
    ) {
        // Invoice-level inclusive taxes only (items name only those), as consumer prices are.
        let invoice_taxes: Vec<TaxRate> = (1..)
            .zip(rates)
            .map(|(id, rate)| TaxRate { id, rate, inclusive: true })
            .collect();
        let named = |id: &TaxId| invoice_taxes.iter().any(|t| t.id == *id);
        let lines: Vec<LineInput> = lines
            .into_iter()
            .map(|l| LineInput { tax_ids: l.tax_ids.into_iter().filter(named).collect(), ..l })
            .collect();
        let totals = compute(currency, &lines, discount, &invoice_taxes, &[]).unwrap();
        check_structure(&lines, &totals)?;
        prop_assert_eq!(totals.total_cents, totals.subtotal_cents - totals.discount_cents);

        // Exact: the tax of rate r in gross G is G × r / (100 + R), R = Σ rates.
        let gross = wide(totals.base_cents);
        let combined: i128 = invoice_taxes.iter().map(|t| scale4(t.rate)).sum();
        let denominator = 1_000_000 + combined;
        prop_assert!(within_half(totals.tax_total_cents, gross * combined, denominator));
        for t in &totals.taxes {
            let difference = wide(t.amount_cents) * denominator - gross * scale4(t.rate);
            prop_assert!(difference.abs() < denominator, "{:?} off by {}/{}", t, difference, denominator);
        }
    }

    #[test]
    fn exclusive_only_documents_are_computed_as_before(
        currency in currency(),
        lines in lines(everyday_decimal()),
        discount in prop_oneof![Just(Discount::None), percent().prop_map(Discount::Percent)],
        invoice_taxes in taxes(1..=4, 0..4),
        item_taxes in item_taxes(),
    ) {
        let exclusive = |taxes: Vec<TaxRate>| {
            taxes.into_iter().map(|t| TaxRate { inclusive: false, ..t }).collect::<Vec<_>>()
        };
        let (invoice_taxes, item_taxes) = (exclusive(invoice_taxes), exclusive(item_taxes));
        let totals = compute(currency, &lines, discount, &invoice_taxes, &item_taxes).unwrap();
        let (amounts, figures) = exclusive_reference(currency, &lines, discount, &invoice_taxes, &item_taxes);
        let computed: Vec<(TaxId, i64)> = totals.taxes.iter().map(|t| (t.id, t.amount_cents)).collect();
        prop_assert_eq!(computed, amounts);
        prop_assert_eq!(
            (totals.subtotal_cents, totals.discount_cents, totals.tax_total_cents, totals.total_cents),
            figures
        );
        prop_assert_eq!(totals.net_cents, totals.base_cents);
    }

    #[test]
    fn apportioned_parts_are_each_share_rounded_down_or_up(
        shares in prop::collection::vec(0..=i64::MAX as i128, 1..8),
        denominator in 1..=1_000_000_i128,
        up in 0..8_usize,
    ) {
        let floors: i128 = shares.iter().map(|s| s / denominator).sum();
        let Ok(amount) = i64::try_from(floors + (up.min(shares.len()) as i128)) else {
            return Ok(());
        };
        let parts = apportion(amount, &shares, denominator).unwrap();
        prop_assert_eq!(parts.iter().map(|p| wide(*p)).sum::<i128>(), wide(amount));
        for (part, share) in parts.iter().zip(&shares) {
            let floor = share / denominator;
            prop_assert!(wide(*part) == floor || wide(*part) == floor + 1);
        }
    }
}
