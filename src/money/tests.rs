//! Table tests of known documents and property tests of the totals' invariants.

use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

use super::*;

fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn line(quantity: &str, unit_price: &str, tax_ids: &[TaxId]) -> LineInput {
    LineInput {
        quantity: dec(quantity),
        unit_price: dec(unit_price),
        tax_ids: tax_ids.to_vec(),
    }
}

fn tax(id: TaxId, rate: &str) -> TaxRate {
    TaxRate {
        id,
        rate: dec(rate),
        inclusive: false,
    }
}

/// (subtotal, discount, base, tax_total, total)
fn summary(totals: &Totals) -> (i64, i64, i64, i64, i64) {
    (
        totals.subtotal_cents,
        totals.discount_cents,
        totals.base_cents,
        totals.tax_total_cents,
        totals.total_cents,
    )
}

#[test]
fn the_documents_invoice_example_read_consistently() {
    // The request as documented: quantity a number, unit_price and discount_value strings.
    let request: Value = json!({"quantity": 1, "unit_price": "400.0", "discount_value": "5"});
    let lines = [LineInput {
        quantity: parse_decimal(&request["quantity"]).unwrap(),
        unit_price: parse_decimal(&request["unit_price"]).unwrap(),
        tax_ids: vec![],
    }];
    let discount = Discount::Percent(parse_decimal(&request["discount_value"]).unwrap());
    let vat = tax(1, "15.0");

    let totals = compute(cur("usd"), &lines, discount, &[vat], &[]).unwrap();

    assert_eq!(summary(&totals), (40000, 2000, 38000, 5700, 43700));
    assert_eq!(balance(totals.total_cents, 0), Some(43700));
    assert_eq!(
        totals.lines,
        vec![LineTotals {
            total_cents: 40000,
            discount_cents: 2000,
            base_cents: 38000,
            net_cents: 38000
        }]
    );
    assert_eq!(
        totals.taxes,
        vec![TaxTotal {
            id: 1,
            rate: dec("15"),
            inclusive: false,
            invoice_level: true,
            base_cents: 38000,
            amount_cents: 5700
        }]
    );
    // As the response renders them.
    assert_eq!(format_decimal(lines[0].unit_price), "400.0");
    assert_eq!(format_decimal(cents_to_decimal(40000, cur("USD"))), "400.0");
    assert_eq!(format_decimal(dec("5")), "5.0");
    assert_eq!(format_decimal(vat.rate), "15.0");
    assert_eq!(format_amount(totals.total_cents, cur("USD")), "USD 437.00");
}

#[test]
fn the_documents_quote_example_applies_its_discount() {
    let request: Value = json!({"quantity": 12, "unit_price": 340, "discount_value": 10});
    let lines = [LineInput {
        quantity: parse_decimal(&request["quantity"]).unwrap(),
        unit_price: parse_decimal(&request["unit_price"]).unwrap(),
        tax_ids: vec![],
    }];
    let discount = Discount::Percent(parse_decimal(&request["discount_value"]).unwrap());

    let totals = compute(cur("USD"), &lines, discount, &[], &[]).unwrap();

    assert_eq!(summary(&totals), (408000, 40800, 367200, 0, 367200));
    assert!(totals.taxes.is_empty());
    let line_total = cents_to_decimal(totals.lines[0].total_cents, cur("USD"));
    assert_eq!(format_decimal(line_total), "4080.0");
    assert_eq!(format_decimal(lines[0].unit_price), "340.0");
}

#[test]
fn yen_has_no_minor_digits() {
    // 3 × 333.5 = 1000.5 → 1001; 10 % → 100.1 → 100; 8 % of 901 = 72.08 → 72.
    let totals = compute(
        cur("JPY"),
        &[line("3", "333.5", &[])],
        Discount::Percent(dec("10")),
        &[tax(1, "8")],
        &[],
    )
    .unwrap();
    assert_eq!(summary(&totals), (1001, 100, 901, 72, 973));
    assert_eq!(format_amount(totals.total_cents, cur("JPY")), "JPY 973");
    assert_eq!(cents_to_decimal(973, cur("JPY")).to_string(), "973");
}

#[test]
fn dinar_has_three_minor_digits() {
    // 2 × 1.2345 = 2.469 → 2469 fils; fixed 0.5 → 500; 5 % of 1969 = 98.45 → 98.
    let totals = compute(
        cur("KWD"),
        &[line("2", "1.2345", &[])],
        Discount::Fixed(dec("0.5")),
        &[tax(1, "5")],
        &[],
    )
    .unwrap();
    assert_eq!(summary(&totals), (2469, 500, 1969, 98, 2067));
    assert_eq!(format_amount(2067, cur("KWD")), "KWD 2.067");
    assert_eq!(format_decimal(cents_to_decimal(2067, cur("KWD"))), "2.067");
}

#[test]
fn item_level_taxes_apply_to_the_lines_that_name_them() {
    let totals = compute(
        cur("USD"),
        &[
            line("1", "100", &[2]),
            line("1", "50", &[]),
            line("1", "25", &[2, 3]),
        ],
        Discount::None,
        &[],
        &[tax(2, "10"), tax(3, "20"), tax(4, "99")],
    )
    .unwrap();
    assert_eq!(summary(&totals), (17500, 0, 17500, 1750, 19250));
    let taxes: Vec<_> = totals
        .taxes
        .iter()
        .map(|t| (t.id, t.invoice_level, t.base_cents, t.amount_cents))
        .collect();
    assert_eq!(taxes, vec![(2, false, 12500, 1250), (3, false, 2500, 500)]);
}

#[test]
fn item_level_taxes_apply_to_the_discounted_share_of_the_line() {
    // 10 % off 300.00 = 30.00, spread 20.00 / 10.00; tax 3 on line 0 only: 20 % of 180.00.
    let totals = compute(
        cur("USD"),
        &[line("2", "100", &[3]), line("1", "100", &[])],
        Discount::Percent(dec("10")),
        &[],
        &[tax(3, "20")],
    )
    .unwrap();
    assert_eq!(summary(&totals), (30000, 3000, 27000, 3600, 30600));
    assert_eq!(totals.lines[0].discount_cents, 2000);
    assert_eq!(totals.lines[0].base_cents, 18000);
}

#[test]
fn a_tax_both_invoice_level_and_on_an_item_counts_once() {
    let totals = compute(
        cur("USD"),
        &[line("1", "100", &[1, 1]), line("1", "50", &[])],
        Discount::None,
        &[tax(1, "15"), tax(1, "15")],
        &[tax(1, "15")],
    )
    .unwrap();
    assert_eq!(summary(&totals), (15000, 0, 15000, 2250, 17250));
    assert_eq!(totals.taxes.len(), 1);
    assert!(totals.taxes[0].invoice_level);
}

#[test]
fn each_tax_is_rounded_once_over_its_lines() {
    // Two lines of 0.05 with 10 % each: per line 0.5 cent would round to 1 + 1 = 2;
    // rounded once over both lines it is 10 % of 10 cents = 1 cent.
    let totals = compute(
        cur("USD"),
        &[line("1", "0.05", &[7]), line("1", "0.05", &[7])],
        Discount::None,
        &[],
        &[tax(7, "10")],
    )
    .unwrap();
    assert_eq!(totals.tax_total_cents, 1);
}

#[test]
fn rounding_goes_half_away_from_zero() {
    let usd = cur("USD");
    // 1 × 0.005 = 0.5 cent → 1; 3 × 0.0050 = 1.5 cents → 2; 2 × 0.0025 = 0.5 → 1.
    let totals = compute(
        usd,
        &[
            line("1", "0.005", &[]),
            line("3", "0.0050", &[]),
            line("2", "0.0025", &[]),
        ],
        Discount::None,
        &[],
        &[],
    )
    .unwrap();
    let line_totals: Vec<_> = totals.lines.iter().map(|l| l.total_cents).collect();
    assert_eq!(line_totals, vec![1, 2, 1]);
    // 50 % of 1 cent = 0.5 → 1; 12.5 % of 4 cents = 0.5 → 1.
    let half = compute(
        usd,
        &[line("1", "0.01", &[])],
        Discount::Percent(dec("50")),
        &[],
        &[],
    );
    assert_eq!(half.unwrap().discount_cents, 1);
    let tax_half = compute(
        usd,
        &[line("4", "0.01", &[])],
        Discount::None,
        &[tax(1, "12.5")],
        &[],
    );
    assert_eq!(tax_half.unwrap().tax_total_cents, 1);
    // Just under the midpoint rounds down.
    let under = compute(usd, &[line("1", "0.0049", &[])], Discount::None, &[], &[]);
    assert_eq!(under.unwrap().subtotal_cents, 0);
}

#[test]
fn the_discount_is_spread_by_largest_remainder_ties_to_the_first_line() {
    let totals = compute(
        cur("USD"),
        &[
            line("1", "1", &[]),
            line("1", "1", &[]),
            line("1", "1", &[]),
        ],
        Discount::Fixed(dec("1")),
        &[],
        &[],
    )
    .unwrap();
    let shares: Vec<_> = totals.lines.iter().map(|l| l.discount_cents).collect();
    assert_eq!(shares, vec![34, 33, 33]);
    let bases: Vec<_> = totals.lines.iter().map(|l| l.base_cents).collect();
    assert_eq!(bases, vec![66, 67, 67]);
}

#[test]
fn a_fixed_discount_above_the_subtotal_is_refused() {
    let lines = [line("1", "400", &[])];
    let refused = compute(cur("USD"), &lines, Discount::Fixed(dec("400.01")), &[], &[]);
    let error = refused.unwrap_err();
    assert_eq!(error, TotalsError::Discount(AmountError::ExceedsSubtotal));
    assert_eq!(error.field(), "discount_value");
    assert_eq!(
        error.to_string(),
        "must be less than or equal to the subtotal"
    );

    let whole = compute(cur("USD"), &lines, Discount::Fixed(dec("400")), &[], &[]);
    assert_eq!(summary(&whole.unwrap()), (40000, 40000, 0, 0, 0));
    let empty = compute(cur("USD"), &[], Discount::Fixed(dec("0.01")), &[], &[]);
    assert_eq!(
        empty,
        Err(TotalsError::Discount(AmountError::ExceedsSubtotal))
    );
}

#[test]
fn no_lines_make_zero_totals() {
    let totals = compute(
        cur("EUR"),
        &[],
        Discount::Percent(dec("10")),
        &[tax(1, "20")],
        &[],
    );
    assert_eq!(summary(&totals.unwrap()), (0, 0, 0, 0, 0));
}

#[test]
fn invalid_inputs_name_their_field() {
    let usd = cur("USD");
    let cases = [
        (
            compute(
                usd,
                &[line("1", "1", &[]), line("1.23456", "1", &[])],
                Discount::None,
                &[],
                &[],
            ),
            "items_attributes[1].quantity",
            "must have at most 4 decimal places",
        ),
        (
            compute(usd, &[line("1", "-1", &[])], Discount::None, &[], &[]),
            "items_attributes[0].unit_price",
            "must be greater than or equal to 0",
        ),
        (
            compute(
                usd,
                &[line("1", "1", &[])],
                Discount::Percent(dec("100.5")),
                &[],
                &[],
            ),
            "discount_value",
            "must be less than or equal to 100",
        ),
        (
            compute(
                usd,
                &[line("1", "1", &[])],
                Discount::Fixed(dec("-1")),
                &[],
                &[],
            ),
            "discount_value",
            "must be greater than or equal to 0",
        ),
        (
            compute(
                usd,
                &[line("1", "1", &[])],
                Discount::None,
                &[tax(1, "150")],
                &[],
            ),
            "tax_rate",
            "must be less than or equal to 100",
        ),
        (
            compute(
                usd,
                &[line("1", "1", &[9])],
                Discount::None,
                &[],
                &[tax(8, "1")],
            ),
            "items_attributes[0].tax_ids",
            "includes an unknown tax (9)",
        ),
    ];
    for (result, field, message) in cases {
        let error = result.unwrap_err();
        assert_eq!(
            (error.field().as_str(), error.to_string().as_str()),
            (field, message)
        );
    }
}

#[test]
fn huge_values_are_errors_not_panics() {
    let usd = cur("USD");
    let max = Decimal::MAX.to_string();
    // Past twelve digits before the point an input is refused as too large.
    assert_eq!(
        compute(usd, &[line(&max, "1", &[])], Discount::None, &[], &[]),
        Err(TotalsError::Quantity {
            line: 0,
            error: AmountError::TooLarge
        })
    );
    assert_eq!(
        compute(usd, &[line("1", &max, &[])], Discount::None, &[], &[]),
        Err(TotalsError::UnitPrice {
            line: 0,
            error: AmountError::TooLarge
        })
    );
    // Inputs at the bound still multiply past an i64 of cents: a line-total error.
    let top = "999999999999.9999";
    assert_eq!(
        compute(usd, &[line(top, top, &[])], Discount::None, &[], &[]),
        Err(TotalsError::LineTotal { line: 0 })
    );
    // The largest lines fit an i64 of cents or are a line-total error.
    let fits = compute(
        usd,
        &[line("999999999999", "92233", &[])],
        Discount::None,
        &[],
        &[],
    );
    assert_eq!(fits.unwrap().subtotal_cents, 9_223_299_999_990_776_700);
    assert_eq!(
        compute(
            usd,
            &[line("999999999999", "92234", &[])],
            Discount::None,
            &[],
            &[]
        ),
        Err(TotalsError::LineTotal { line: 0 })
    );
    // Two lines that fit alone overflow the subtotal.
    let half = [
        line("50000", "999999999999", &[]),
        line("50000", "999999999999", &[]),
    ];
    assert_eq!(
        compute(usd, &half, Discount::None, &[], &[]),
        Err(TotalsError::TooLarge)
    );
    // The taxes overflow the total.
    let one = [line("92233", "999999999999", &[])];
    let result = compute(usd, &one, Discount::None, &[tax(1, "100")], &[]);
    assert_eq!(result, Err(TotalsError::TooLarge));
    assert_eq!(TotalsError::TooLarge.field(), "total");
    // A huge fixed discount is refused, not wrapped.
    let result = compute(usd, &one, Discount::Fixed(Decimal::MAX), &[], &[]);
    assert_eq!(result, Err(TotalsError::Discount(AmountError::TooLarge)));
    assert_eq!(balance(i64::MIN, 1), None);
    assert_eq!(balance(100, 150), Some(-50));
}

mod credit_notes;
mod inclusive;
mod inclusive_properties;
mod properties;

#[test]
fn many_tax_ids_stay_linear_repeats_count_once_and_the_first_definition_wins() {
    // 20,000 distinct ids on a line, each defined, then repeated: sets and maps, not
    // `contains` in a loop (that took seconds).
    let mut ids: Vec<TaxId> = (0..20_000).collect();
    ids.extend(0..20_000);
    let mut definitions: Vec<TaxRate> = (0..20_000).map(|id| tax(id, "10")).collect();
    definitions.insert(0, tax(7, "20"));
    let lines = [line("1", "100", &ids)];
    let started = std::time::Instant::now();
    let totals = compute(cur("USD"), &lines, Discount::None, &[], &definitions).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(totals.taxes.len(), 20_000);
    assert_eq!(totals.taxes[7].amount_cents, 2000);
    assert_eq!(totals.taxes[8].amount_cents, 1000);
}
