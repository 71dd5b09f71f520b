//! Property tests of the totals' invariants, over generated documents.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

const MAX_MANTISSA: i128 = 79_228_162_514_264_337_593_543_950_335;

pub(super) fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec!["USD", "JPY", "KWD", "CLF", "EUR", "ZAR"]).prop_map(cur)
}

/// A valid input decimal of everyday size (≥ 0, ≤ 4 places, below 10^6): 8 lines of
/// such products, taxed up to 100 % by all 10 taxes, still fit an i64 of minor units.
pub(super) fn everyday_decimal() -> impl Strategy<Value = Decimal> + Clone {
    (0..=4_u32)
        .prop_flat_map(|s| (0..10_i64.pow(6 + s), Just(s)))
        .prop_map(|(m, s)| Decimal::new(m, s))
}

/// A valid input decimal (≥ 0, ≤ 4 places): mostly everyday sizes, sometimes huge.
fn valid_decimal() -> impl Strategy<Value = Decimal> + Clone {
    let huge = (0..=MAX_MANTISSA, 0..=4_u32)
        .prop_map(|(m, s)| Decimal::try_from_i128_with_scale(m, s).unwrap());
    prop_oneof![9 => everyday_decimal(), 1 => huge]
}

/// Any decimal a client could send: negative, over-precise, huge.
fn any_decimal() -> impl Strategy<Value = Decimal> + Clone {
    (-MAX_MANTISSA..=MAX_MANTISSA, 0..=28_u32)
        .prop_map(|(m, s)| Decimal::try_from_i128_with_scale(m, s).unwrap())
}

pub(super) fn percent() -> impl Strategy<Value = Decimal> {
    (0..=1_000_000_i64).prop_map(|m| Decimal::new(m, 4))
}

fn tax_rates(ids: std::ops::RangeInclusive<TaxId>) -> impl Strategy<Value = Vec<TaxRate>> {
    prop::collection::vec((ids, percent()), 0..4).prop_map(|taxes| {
        taxes
            .into_iter()
            .map(|(id, rate)| TaxRate {
                id,
                rate,
                inclusive: false,
            })
            .collect()
    })
}

/// Definitions for every id a line may name (1 to 6), so no line names an unknown tax.
fn item_tax_rates() -> impl Strategy<Value = Vec<TaxRate>> {
    prop::collection::vec(percent(), 6).prop_map(|rates| {
        (1..)
            .zip(rates)
            .map(|(id, rate)| TaxRate {
                id,
                rate,
                inclusive: false,
            })
            .collect()
    })
}

pub(super) fn lines(
    amount: impl Strategy<Value = Decimal> + Clone,
) -> impl Strategy<Value = Vec<LineInput>> {
    let line = (
        amount.clone(),
        amount,
        prop::collection::vec(1..=6_i64, 0..3),
    )
        .prop_map(|(quantity, unit_price, tax_ids)| LineInput {
            quantity,
            unit_price,
            tax_ids,
        });
    prop::collection::vec(line, 0..8)
}

fn discount(amount: impl Strategy<Value = Decimal>) -> impl Strategy<Value = Discount> {
    prop_oneof![
        Just(Discount::None),
        percent().prop_map(Discount::Percent),
        amount.prop_map(Discount::Fixed),
    ]
}

/// |value − numerator / denominator| ≤ ½, for denominator > 0.
pub(super) fn within_half(value: i64, numerator: i128, denominator: i128) -> bool {
    let difference = i128::from(value) * denominator - numerator;
    difference.abs() * 2 <= denominator
}

/// The invariants every computed `Totals` satisfies.
fn check_invariants(
    currency: Currency,
    lines: &[LineInput],
    totals: &Totals,
) -> Result<(), TestCaseError> {
    let exponent = currency.exponent();
    let sum =
        |f: fn(&LineTotals) -> i64| totals.lines.iter().map(|l| i128::from(f(l))).sum::<i128>();

    // total = subtotal − discount + tax_total, and the parts add up.
    prop_assert_eq!(
        i128::from(totals.total_cents),
        i128::from(totals.subtotal_cents) - i128::from(totals.discount_cents)
            + i128::from(totals.tax_total_cents)
    );
    prop_assert_eq!(
        totals.base_cents,
        totals.subtotal_cents - totals.discount_cents
    );
    prop_assert_eq!(sum(|l| l.total_cents), i128::from(totals.subtotal_cents));
    prop_assert_eq!(sum(|l| l.discount_cents), i128::from(totals.discount_cents));
    prop_assert_eq!(sum(|l| l.base_cents), i128::from(totals.base_cents));
    prop_assert_eq!(
        totals
            .taxes
            .iter()
            .map(|t| i128::from(t.amount_cents))
            .sum::<i128>(),
        i128::from(totals.tax_total_cents)
    );

    // Nothing negative; no share larger than its line.
    prop_assert!(totals.subtotal_cents >= 0 && totals.discount_cents >= 0);
    prop_assert!(totals.base_cents >= 0 && totals.tax_total_cents >= 0);
    for l in &totals.lines {
        prop_assert!(l.discount_cents >= 0 && l.base_cents >= 0);
        prop_assert_eq!(l.total_cents, l.discount_cents + l.base_cents);
    }

    // Each line total is quantity × unit price rounded once to the exponent's digits.
    for (input, l) in lines.iter().zip(&totals.lines) {
        let scale = input.quantity.scale() + input.unit_price.scale();
        let exact = input.quantity.mantissa() * input.unit_price.mantissa() * 10_i128.pow(exponent);
        prop_assert!(within_half(l.total_cents, exact, 10_i128.pow(scale)));
    }

    // Each discount share is within one unit of its exact proportional share.
    if totals.subtotal_cents > 0 {
        for l in &totals.lines {
            let exact = i128::from(totals.discount_cents) * i128::from(l.total_cents);
            let difference =
                i128::from(l.discount_cents) * i128::from(totals.subtotal_cents) - exact;
            prop_assert!(difference.abs() < i128::from(totals.subtotal_cents));
        }
    }

    // Each tax: over the right lines, within ½ minor unit of base × rate / 100.
    for t in &totals.taxes {
        let expected_base: i128 = if t.invoice_level {
            i128::from(totals.base_cents)
        } else {
            lines
                .iter()
                .zip(&totals.lines)
                .filter(|(input, _)| input.tax_ids.contains(&t.id))
                .map(|(_, l)| i128::from(l.base_cents))
                .sum()
        };
        prop_assert_eq!(i128::from(t.base_cents), expected_base);
        let numerator = i128::from(t.base_cents) * t.rate.mantissa();
        prop_assert!(within_half(
            t.amount_cents,
            numerator,
            100 * 10_i128.pow(t.rate.scale())
        ));
    }
    let ids: Vec<_> = totals.taxes.iter().map(|t| t.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    prop_assert_eq!(ids.len(), unique.len());

    // Amounts convert to the currency's exponent and back without loss.
    let major = cents_to_decimal(totals.total_cents, currency);
    prop_assert_eq!(major.scale(), exponent);
    prop_assert_eq!(decimal_to_cents(major, currency), Ok(totals.total_cents));
    Ok(())
}

proptest! {
    #[test]
    fn totals_hold_their_invariants(
        currency in currency(),
        lines in lines(valid_decimal()),
        discount in discount(valid_decimal()),
        invoice_taxes in tax_rates(1..=4),
        item_taxes in item_tax_rates(),
    ) {
        // Huge inputs may be refused (too large); whatever is computed must hold.
        if let Ok(totals) = compute(currency, &lines, discount, &invoice_taxes, &item_taxes) {
            check_invariants(currency, &lines, &totals)?;
        }
    }

    #[test]
    fn everyday_documents_always_compute(
        currency in currency(),
        lines in lines(everyday_decimal()),
        discount in prop_oneof![Just(Discount::None), percent().prop_map(Discount::Percent)],
        invoice_taxes in tax_rates(1..=4),
        item_taxes in item_tax_rates(),
    ) {
        let totals = compute(currency, &lines, discount, &invoice_taxes, &item_taxes);
        prop_assert!(totals.is_ok(), "{:?}", totals);
        if let Ok(totals) = totals {
            check_invariants(currency, &lines, &totals)?;
        }
    }

    #[test]
    fn totals_never_panic_whatever_the_input(
        currency in currency(),
        lines in lines(any_decimal()),
        discount in discount(any_decimal()),
        invoice_taxes in prop::collection::vec((1..=4_i64, any_decimal(), any::<bool>()), 0..4),
        item_taxes in prop::collection::vec((1..=8_i64, any_decimal(), any::<bool>()), 0..4),
    ) {
        let to_rates = |taxes: Vec<(TaxId, Decimal, bool)>| {
            taxes
                .into_iter()
                .map(|(id, rate, inclusive)| TaxRate { id, rate, inclusive })
                .collect::<Vec<_>>()
        };
        let result = compute(currency, &lines, discount, &to_rates(invoice_taxes), &to_rates(item_taxes));
        if let Ok(totals) = result {
            prop_assert!(totals.total_cents >= 0);
        }
    }

    #[test]
    fn allocation_adds_up_exactly(
        amount in 0..=i64::MAX,
        weights in prop::collection::vec(0..=i64::MAX, 1..10),
    ) {
        let Some(parts) = allocate(amount, &weights) else {
            prop_assert!(weights.iter().all(|w| *w == 0));
            return Ok(());
        };
        prop_assert_eq!(parts.iter().map(|p| i128::from(*p)).sum::<i128>(), i128::from(amount));
        prop_assert!(parts.iter().all(|p| *p >= 0));
    }

    #[test]
    fn any_decimal_survives_text_and_json(value in any_decimal()) {
        prop_assert_eq!(parse_decimal_str(&value.to_string()), Ok(value));
        prop_assert_eq!(parse_decimal_str(&format_decimal(value)), Ok(value));
        let number: Value = serde_json::from_str(&value.to_string()).unwrap();
        prop_assert_eq!(parse_decimal(&number), Ok(value));
        prop_assert_eq!(parse_decimal(&Value::String(format!(" {value} "))), Ok(value));
    }

    #[test]
    fn decimal_parsing_never_panics(text in "[-+ 0-9.eE]{0,40}|\\PC{0,40}") {
        let _ = parse_decimal_str(&text);
    }

    #[test]
    fn currency_parsing_never_panics(text in "\\PC{0,6}") {
        let _ = Currency::parse(&text);
    }
}
