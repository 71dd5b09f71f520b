//! Credit notes' arithmetic (`money::credit`): table tests of known cases and property
//! tests that any sequence of credits stays within the invoice, keeps every document
//! identity, and that crediting the remainder makes the credits add up to the invoice.

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

use super::inclusive_properties::{discount, item_taxes, taxes};
use super::properties::{currency, lines};
use super::*;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn rate(id: TaxId, rate: &str, inclusive: bool) -> TaxRate {
    TaxRate {
        id,
        rate: dec(rate),
        inclusive,
    }
}

/// An invoice as `compute` prices it, its items numbered 100, 101, …
fn issue(
    currency: Currency,
    inputs: &[LineInput],
    discount: Discount,
    document_taxes: &[TaxRate],
    item_taxes: &[TaxRate],
) -> Option<Issued> {
    let totals = compute(currency, inputs, discount, document_taxes, item_taxes).ok()?;
    Some(Issued {
        currency,
        discount,
        lines: inputs
            .iter()
            .zip(&totals.lines)
            .zip(100..)
            .map(|((input, out), id)| IssuedLine {
                id,
                quantity: input.quantity,
                unit_price: input.unit_price,
                tax_ids: input.tax_ids.clone(),
                total_cents: out.total_cents,
            })
            .collect(),
        taxes: totals
            .taxes
            .iter()
            .map(|t| IssuedTax {
                rate: TaxRate {
                    id: t.id,
                    rate: t.rate,
                    inclusive: t.inclusive,
                },
                invoice_level: t.invoice_level,
                amount_cents: t.amount_cents,
            })
            .collect(),
        subtotal_cents: totals.subtotal_cents,
        discount_cents: totals.discount_cents,
        total_cents: totals.total_cents,
    })
}

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

fn line(quantity: &str, unit_price: &str, tax_ids: &[TaxId]) -> LineInput {
    LineInput {
        quantity: dec(quantity),
        unit_price: dec(unit_price),
        tax_ids: tax_ids.to_vec(),
    }
}

/// (subtotal, discount, tax total, total) and the tax amounts.
fn figures(c: &Credit) -> (i64, i64, i64, i64, Vec<i64>) {
    (
        c.subtotal_cents,
        c.discount_cents,
        c.tax_total_cents,
        c.total_cents,
        c.taxes.iter().map(|t| t.amount_cents).collect(),
    )
}

#[test]
fn the_whole_invoice_credits_every_figure_as_issued() {
    let vat = rate(1, "15", false);
    let inputs = [line("3", "9.99", &[]), line("1", "100", &[])];
    let issued = issue(usd(), &inputs, Discount::Percent(dec("10")), &[vat], &[]).unwrap();
    let credit = credit(&issued, &Credited::default(), &Ask::Whole).unwrap();
    // 129.97 − 13.00 = 116.97; VAT 17.55; total 134.52.
    assert_eq!(figures(&credit), (12997, 1300, 1755, 13452, vec![1755]));
    assert_eq!(credit.discount, Discount::Percent(dec("10")));
    assert_eq!(credit.lines.len(), 2);
    assert_eq!(credit.lines[0].invoice_line, Some(100));
    assert_eq!(credit.lines[0].total_cents, 2997);
}

#[test]
fn inclusive_prices_are_credited_with_the_tax_they_include() {
    // 3 × 9.99 including 15 % VAT: 29.97 total, 3.91 VAT, 26.06 net.
    let vat = rate(1, "15", true);
    let issued = issue(
        usd(),
        &[line("3", "9.99", &[])],
        Discount::None,
        &[vat],
        &[],
    )
    .unwrap();
    assert_eq!(issued.total_cents, 2997);
    let one = credit(
        &issued,
        &Credited::default(),
        &Ask::Lines(vec![(100, dec("1"))]),
    )
    .unwrap();
    // One of three: 9.99 including 1.30 VAT.
    assert_eq!(figures(&one), (999, 0, 130, 999, vec![130]));
    let mut done = Credited::default();
    done.add(&one);
    let rest = credit(&issued, &done, &Ask::Whole).unwrap();
    assert_eq!(figures(&rest), (1998, 0, 261, 1998, vec![261]));
    assert_eq!(rest.lines[0].quantity, dec("2"));
}

#[test]
fn an_amount_is_split_over_the_invoice_s_taxes_in_proportion() {
    let (a, b) = (rate(1, "15", false), rate(2, "5", false));
    let inputs = [line("1", "100", &[1]), line("1", "100", &[2])];
    let issued = issue(usd(), &inputs, Discount::None, &[], &[a, b]).unwrap();
    assert_eq!(issued.total_cents, 22000);
    let credit = credit(&issued, &Credited::default(), &Ask::Amount(5000)).unwrap();
    // 50.00 over net 200 : 15 : 5 → 45.45 + 3.41 + 1.14.
    assert_eq!(figures(&credit), (4545, 0, 455, 5000, vec![341, 114]));
    assert_eq!(credit.lines[0].invoice_line, None);
    assert_eq!(credit.lines[0].unit_price, dec("45.45"));
}

#[test]
fn a_fixed_discount_is_prorated_to_the_credited_lines() {
    let inputs = [line("1", "30", &[]), line("1", "70", &[])];
    let fixed = Discount::Fixed(dec("10"));
    let issued = issue(usd(), &inputs, fixed, &[], &[]).unwrap();
    let first = credit(
        &issued,
        &Credited::default(),
        &Ask::Lines(vec![(100, dec("1"))]),
    )
    .unwrap();
    assert_eq!(figures(&first), (3000, 300, 0, 2700, vec![]));
    assert_eq!(first.discount, Discount::Fixed(dec("3.00")));
}

#[test]
fn what_exceeds_the_remainder_is_refused_by_field() {
    let issued = issue(usd(), &[line("2", "10", &[])], Discount::None, &[], &[]).unwrap();
    let none = Credited::default();
    let refused = |ask: Ask, done: &Credited| credit(&issued, done, &ask).unwrap_err();
    let err = refused(Ask::Lines(vec![(100, dec("3"))]), &none);
    assert_eq!(err.field(), "items[0].quantity");
    assert_eq!(
        err.to_string(),
        "must be less than or equal to what remains to be credited of the item (2)"
    );
    assert_eq!(
        refused(Ask::Lines(vec![(7, dec("1"))]), &none).field(),
        "items[0].invoice_item_id"
    );
    let twice = Ask::Lines(vec![(100, dec("1")), (100, dec("1"))]);
    assert_eq!(refused(twice, &none).field(), "items[1].invoice_item_id");
    assert_eq!(refused(Ask::Amount(2001), &none).field(), "amount");
    assert_eq!(refused(Ask::Amount(0), &none).field(), "amount");
    let mut done = Credited::default();
    done.add(&credit(&issued, &none, &Ask::Amount(1500)).unwrap());
    // 5.00 remain: a whole line (10.00) no longer fits, an amount of 5.00 does.
    let err = refused(Ask::Lines(vec![(100, dec("1"))]), &done);
    assert_eq!(err.field(), "items");
    let rest = credit(&issued, &done, &Ask::Whole).unwrap();
    assert_eq!(rest.total_cents, 500);
    done.add(&rest);
    assert_eq!(
        refused(Ask::Whole, &done),
        CreditError::NothingLeft { by_amount: false }
    );
}

/// One ask of a random sequence: some lines at a fraction of what remains of them, or a
/// fraction of what remains of the total.
#[derive(Debug, Clone)]
enum Step {
    Lines(Vec<(usize, u8)>),
    Amount(u8),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        prop::collection::vec((0..8_usize, 1..=4_u8), 1..4).prop_map(Step::Lines),
        (1..=4_u8).prop_map(Step::Amount),
    ];
    prop::collection::vec(step, 0..4)
}

fn check_identities(credit: &Credit) -> Result<(), TestCaseError> {
    let inclusive: i64 = credit
        .taxes
        .iter()
        .filter(|t| t.rate.inclusive)
        .map(|t| t.amount_cents)
        .sum();
    let taxes: i64 = credit.taxes.iter().map(|t| t.amount_cents).sum();
    let lines: i64 = credit.lines.iter().map(|l| l.total_cents).sum();
    prop_assert_eq!(taxes, credit.tax_total_cents);
    prop_assert_eq!(lines, credit.subtotal_cents);
    prop_assert_eq!(
        credit.subtotal_cents - credit.discount_cents - inclusive,
        credit.total_cents - credit.tax_total_cents
    );
    prop_assert!(credit.total_cents > 0);
    prop_assert!(credit.discount_cents >= 0 && credit.tax_total_cents >= 0);
    prop_assert!(credit.taxes.iter().all(|t| t.amount_cents >= 0));
    Ok(())
}

fn ask_of(step: &Step, issued: &Issued, done: &Credited) -> Ask {
    match step {
        Step::Lines(chosen) => {
            let mut asked: Vec<(i64, Decimal)> = Vec::new();
            for (index, quarters) in chosen {
                let Some(line) = issued.lines.get(*index % issued.lines.len().max(1)) else {
                    continue;
                };
                let used = done.lines.get(&line.id).map_or(Decimal::ZERO, |l| l.0);
                let left = line.quantity - used;
                let quantity = (left * Decimal::from(*quarters) / Decimal::from(4)).round_dp(4);
                if quantity > Decimal::ZERO && !asked.iter().any(|(id, _)| *id == line.id) {
                    asked.push((line.id, quantity));
                }
            }
            Ask::Lines(asked)
        }
        Step::Amount(quarters) => {
            let left = issued.total_cents - done.total_cents;
            Ask::Amount((left * i64::from(*quarters) / 4).max(1))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn credits_stay_within_the_invoice_and_the_remainder_completes_it(
        currency in currency(),
        inputs in lines(super::properties::everyday_decimal()),
        discount in discount(),
        document_taxes in taxes(1..=4, 0..3),
        item_taxes in item_taxes(),
        steps in steps(),
    ) {
        let Some(issued) = issue(currency, &inputs, discount, &document_taxes, &item_taxes)
        else {
            return Ok(());
        };
        let mut done = Credited::default();
        for step in &steps {
            let ask = ask_of(step, &issued, &done);
            match credit(&issued, &done, &ask) {
                Ok(c) => {
                    check_identities(&c)?;
                    done.add(&c);
                }
                Err(
                    CreditError::NothingLeft { .. }
                    | CreditError::LinesAboveRemaining { .. }
                    | CreditError::Zero,
                ) => {}
                Err(err) => prop_assert!(false, "{ask:?}: {err}"),
            }
            prop_assert!(done.total_cents <= issued.total_cents);
            for tax in &issued.taxes {
                let credited = done.taxes.get(&tax.rate.id).copied().unwrap_or(0);
                prop_assert!(credited <= tax.amount_cents, "tax {}", tax.rate.id);
            }
            for line in &issued.lines {
                let credited = done.lines.get(&line.id).map_or(Decimal::ZERO, |l| l.0);
                prop_assert!(credited <= line.quantity);
            }
        }
        match credit(&issued, &done, &Ask::Whole) {
            Ok(rest) => {
                check_identities(&rest)?;
                done.add(&rest);
            }
            Err(CreditError::NothingLeft { .. }) => {}
            Err(err) => prop_assert!(false, "the remainder: {err}"),
        }
        prop_assert_eq!(done.total_cents, issued.total_cents.max(0));
        prop_assert_eq!(
            done.subtotal_cents - done.discount_cents,
            issued.subtotal_cents - issued.discount_cents
        );
        for tax in &issued.taxes {
            prop_assert_eq!(done.taxes.get(&tax.rate.id).copied().unwrap_or(0), tax.amount_cents);
        }
    }
}
