//! Table tests of taxes included in the prices: the known consumer prices of VAT
//! countries, discounts, several inclusive rates on a line, and inclusive with exclusive.

use super::*;

fn incl(id: TaxId, rate: &str) -> TaxRate {
    TaxRate {
        inclusive: true,
        ..tax(id, rate)
    }
}

/// (subtotal, discount, net, tax_total, total)
fn figures(totals: &Totals) -> (i64, i64, i64, i64, i64) {
    (
        totals.subtotal_cents,
        totals.discount_cents,
        totals.net_cents,
        totals.tax_total_cents,
        totals.total_cents,
    )
}

fn amounts(totals: &Totals) -> Vec<(TaxId, i64)> {
    totals
        .taxes
        .iter()
        .map(|t| (t.id, t.amount_cents))
        .collect()
}

#[test]
fn three_at_9_99_including_15_percent_vat_total_29_97_of_which_3_91_tax() {
    let totals = compute(
        cur("EUR"),
        &[line("3", "9.99", &[])],
        Discount::None,
        &[incl(1, "15")],
        &[],
    )
    .unwrap();
    // 29.97 × 15 / 115 = 3.909… → 3.91; the net is what is left.
    assert_eq!(figures(&totals), (2997, 0, 2606, 391, 2997));
    assert_eq!(totals.base_cents, 2997);
    assert_eq!(
        totals.taxes,
        vec![TaxTotal {
            id: 1,
            rate: dec("15"),
            inclusive: true,
            invoice_level: true,
            base_cents: 2606,
            amount_cents: 391,
        }]
    );
    assert_eq!(totals.lines[0].net_cents, 2606);
}

#[test]
fn south_african_vat_at_15_percent_is_extracted_from_the_price() {
    // R 1 150.00 incl. VAT is R 1 000.00 + R 150.00; R 99.99 incl. is 86.95 + 13.04.
    let one = |price: &str| {
        compute(
            cur("ZAR"),
            &[line("1", price, &[])],
            Discount::None,
            &[incl(1, "15")],
            &[],
        )
        .unwrap()
    };
    assert_eq!(figures(&one("1150")), (115000, 0, 100000, 15000, 115000));
    assert_eq!(figures(&one("99.99")), (9999, 0, 8695, 1304, 9999));
}

#[test]
fn uk_vat_at_20_percent_rounds_its_half_pennies_away_from_zero() {
    // £120 → £20 VAT; 3 × £0.99 = £2.97 → 2.97 / 6 = 0.495 → 0.50.
    let totals = compute(
        cur("GBP"),
        &[line("1", "120", &[]), line("3", "0.99", &[])],
        Discount::None,
        &[incl(1, "20")],
        &[],
    )
    .unwrap();
    // One rounding over the document: 122.97 / 6 = 20.495 → 20.50.
    assert_eq!(figures(&totals), (12297, 0, 10247, 2050, 12297));
    let nets: Vec<i64> = totals.lines.iter().map(|l| l.net_cents).collect();
    assert_eq!(nets, vec![10000, 247]);
}

#[test]
fn yen_and_dinar_extract_to_their_own_minor_units() {
    // 3 × ¥333 = ¥999 incl. 10 %: 999 / 11 = 90.8 → ¥91.
    let yen = compute(
        cur("JPY"),
        &[line("3", "333", &[])],
        Discount::None,
        &[incl(1, "10")],
        &[],
    )
    .unwrap();
    assert_eq!(figures(&yen), (999, 0, 908, 91, 999));
    // 2 × 0.999 KWD = 1.998 incl. 5 %: 1998 × 5 / 105 = 95.14 → 0.095.
    let dinar = compute(
        cur("KWD"),
        &[line("2", "0.999", &[])],
        Discount::None,
        &[incl(1, "5")],
        &[],
    )
    .unwrap();
    assert_eq!(figures(&dinar), (1998, 0, 1903, 95, 1998));
}

#[test]
fn discounts_come_off_the_prices_before_the_tax_is_extracted() {
    let vat = [incl(1, "15")];
    // 10 % off 100.00 incl.: 90.00 incl., VAT 90 × 15 / 115 = 11.74.
    let percent = compute(
        cur("USD"),
        &[line("1", "100", &[])],
        Discount::Percent(dec("10")),
        &vat,
        &[],
    )
    .unwrap();
    assert_eq!(figures(&percent), (10000, 1000, 7826, 1174, 9000));
    // 5.00 off 29.97 incl.: 24.97, VAT 3.256… → 3.26.
    let fixed = compute(
        cur("USD"),
        &[line("3", "9.99", &[])],
        Discount::Fixed(dec("5")),
        &vat,
        &[],
    )
    .unwrap();
    assert_eq!(figures(&fixed), (2997, 500, 2171, 326, 2497));
    // The whole price off: nothing to pay, no tax.
    let all = compute(
        cur("USD"),
        &[line("3", "9.99", &[])],
        Discount::Percent(dec("100")),
        &vat,
        &[],
    )
    .unwrap();
    assert_eq!(figures(&all), (2997, 2997, 0, 0, 0));
}

#[test]
fn several_inclusive_rates_on_a_line_are_extracted_together_then_split() {
    // 10.00 incl. 7 % and 8 %: 1000 × 15 / 115 = 130.43 → 1.30, split 60.87 : 69.57 by
    // largest remainder → 0.61 and 0.69.
    let totals = compute(
        cur("USD"),
        &[line("1", "10", &[2])],
        Discount::None,
        &[incl(1, "7")],
        &[incl(2, "8")],
    )
    .unwrap();
    assert_eq!(figures(&totals), (1000, 0, 870, 130, 1000));
    assert_eq!(amounts(&totals), vec![(1, 61), (2, 69)]);
}

#[test]
fn exclusive_taxes_apply_to_the_net_after_inclusive_ones_are_extracted() {
    // 115.00 incl. 15 % VAT is 100.00 net; a 2 % levy on top of the net is 2.00.
    let totals = compute(
        cur("ZAR"),
        &[line("1", "115", &[])],
        Discount::None,
        &[incl(1, "15"), tax(2, "2")],
        &[],
    )
    .unwrap();
    assert_eq!(figures(&totals), (11500, 0, 10000, 1700, 11700));
    assert_eq!(amounts(&totals), vec![(1, 1500), (2, 200)]);
    assert!(totals.taxes.iter().all(|t| t.base_cents == 10000));
}

#[test]
fn a_mixed_document_prices_each_line_by_its_own_taxes() {
    // A consumer line priced incl. 20 % VAT, a service line with 10 % sales tax on top,
    // a line with no tax; 10 % off everything first.
    let totals = compute(
        cur("GBP"),
        &[
            line("2", "60", &[1]),
            line("1", "100", &[2]),
            line("1", "30", &[]),
        ],
        Discount::Percent(dec("10")),
        &[],
        &[incl(1, "20"), tax(2, "10")],
    )
    .unwrap();
    // Bases after 10 % off: 108, 90, 27. VAT 108 / 6 = 18 → net 90; tax 10 % of 90 = 9.
    let nets: Vec<i64> = totals.lines.iter().map(|l| l.net_cents).collect();
    assert_eq!(nets, vec![9000, 9000, 2700]);
    assert_eq!(amounts(&totals), vec![(1, 1800), (2, 900)]);
    assert_eq!(figures(&totals), (25000, 2500, 20700, 2700, 23400));
    assert_eq!(totals.total_cents, totals.base_cents + 900);
}

#[test]
fn an_inclusive_rate_of_zero_extracts_nothing() {
    let totals = compute(
        cur("USD"),
        &[line("3", "9.99", &[])],
        Discount::None,
        &[incl(1, "0")],
        &[],
    )
    .unwrap();
    assert_eq!(figures(&totals), (2997, 0, 2997, 0, 2997));
}

#[test]
fn an_exclusive_only_document_is_computed_as_before() {
    // The documents' invoice: 1 × 400.0, 5 % off, 15 % VAT on top.
    let totals = compute(
        cur("USD"),
        &[line("1", "400", &[])],
        Discount::Percent(dec("5")),
        &[tax(1, "15")],
        &[],
    )
    .unwrap();
    assert_eq!(figures(&totals), (40000, 2000, 38000, 5700, 43700));
    assert_eq!(totals.net_cents, totals.base_cents);
}
