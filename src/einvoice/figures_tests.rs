//! The figures' mapping onto EN 16931, without a database: invoices priced by the engine
//! as `documents::pricing` stores them, then read back as `figures` does.

use chrono::Utc;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::figures::figures;
use super::source::Source;
use crate::billing::documents::items::Item;
use crate::billing::documents::tax_lines::TaxLine;
use crate::billing::invoices::{Invoice, JoinedTerm};
use crate::billing::status::InvoiceStatus;
use crate::money::{self, Currency, Discount, LineInput, TaxRate};

/// A tax: (id, rate, inclusive, invoice level).
type Tax = (i64, Decimal, bool, bool);

/// An invoice of `lines` (quantity, price, item tax ids) priced by the engine and
/// stored as the writes store it.
fn priced(
    currency: &str,
    lines: &[(Decimal, Decimal, Vec<i64>)],
    discount: Discount,
    taxes: &[Tax],
) -> (Invoice, Vec<Item>, Vec<TaxLine>) {
    let currency_code = currency;
    let currency = Currency::parse(currency).unwrap();
    let rate = |t: &Tax| TaxRate {
        id: t.0,
        rate: t.1,
        inclusive: t.2,
    };
    let document: Vec<TaxRate> = taxes.iter().filter(|t| t.3).map(rate).collect();
    let item: Vec<TaxRate> = taxes.iter().filter(|t| !t.3).map(rate).collect();
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|(q, p, ids)| LineInput {
            quantity: *q,
            unit_price: *p,
            tax_ids: ids.clone(),
        })
        .collect();
    let totals = money::compute(currency, &inputs, discount, &document, &item).unwrap();
    let now = Utc::now();
    let items = lines
        .iter()
        .zip(&totals.lines)
        .enumerate()
        .map(|(i, ((q, p, ids), t))| Item {
            id: i as i64 + 1,
            document_id: 1,
            position: i as i32,
            name: format!("line {i}"),
            description: None,
            quantity: *q,
            unit_price: *p,
            unit_code: "C62".into(),
            total_cents: t.total_cents,
            tax_ids: ids.clone(),
            created_at: now,
            updated_at: now,
            invoice_item_id: None,
            product_id: None,
        })
        .collect();
    let tax_lines = totals
        .taxes
        .iter()
        .map(|t| TaxLine {
            id: t.id,
            document_id: 1,
            tax_id: t.id,
            tax_name: format!("tax {}", t.id),
            tax_rate: t.rate,
            inclusive: t.inclusive,
            category: if t.rate.is_zero() { "Z" } else { "S" }.into(),
            exemption_reason: None,
            exemption_reason_code: None,
            invoice_level: t.invoice_level,
            amount_cents: t.amount_cents,
            created_at: now,
            updated_at: now,
            current_name: String::new(),
            current_rate: t.rate,
            current_inclusive: t.inclusive,
        })
        .collect();
    let (discount_type, discount_value) = match discount {
        Discount::None => (None, None),
        Discount::Percent(v) => (Some("percent".to_string()), Some(v)),
        Discount::Fixed(v) => (Some("fixed".to_string()), Some(v)),
    };
    let invoice = Invoice {
        id: 1,
        business_id: 1,
        customer_id: 1,
        number: "INV-0001".into(),
        status: InvoiceStatus::Draft,
        currency: currency_code.into(),
        issued_at: now,
        due_at: now,
        payment_term_id: None,
        notes: None,
        discount_type,
        discount_value,
        subtotal_cents: totals.subtotal_cents,
        discount_cents: totals.discount_cents,
        tax_total_cents: totals.tax_total_cents,
        total_cents: totals.total_cents,
        paid_cents: 0,
        credited_cents: 0,
        credit_applied_cents: 0,
        balance_cents: totals.total_cents,
        paid: false,
        emailed_at: None,
        viewed_at: None,
        voided_at: None,
        paid_at: None,
        discarded_at: None,
        created_at: now,
        updated_at: now,
        created_by: None,
        sent_at: None,
        sent_by: None,
        voided_by: None,
        buyer_reference: None,
        purchase_order: None,
        term: JoinedTerm {
            term_name: None,
            term_value: None,
            term_created_at: None,
            term_updated_at: None,
        },
    };
    (invoice, items, tax_lines)
}

/// The standard's sums hold exactly on the figures, and they are the invoice's.
fn assert_standard_sums(invoice: &Invoice, items: &[Item], taxes: &[TaxLine]) {
    let f = figures(&invoice.stored(), items, taxes).unwrap();
    let lines: i64 = f.lines.iter().map(|l| l.net_cents).sum();
    assert_eq!(f.line_total_cents, lines, "BR-CO-10");
    let allowances: i64 = f.groups.iter().map(|g| g.allowance_cents).sum();
    assert_eq!(f.allowance_cents, allowances, "BR-CO-11");
    assert_eq!(
        f.net_cents,
        f.line_total_cents - f.allowance_cents,
        "BR-CO-13"
    );
    let tax: i64 = f.groups.iter().map(|g| g.tax_cents).sum();
    assert_eq!(f.tax_cents, tax, "BR-CO-14");
    assert_eq!(f.total_cents, f.net_cents + f.tax_cents, "BR-CO-15");
    for (at, g) in f.groups.iter().enumerate() {
        let of_group: i64 = f
            .lines
            .iter()
            .filter(|l| l.group == at)
            .map(|l| l.net_cents)
            .sum();
        assert_eq!(g.taxable_cents, of_group - g.allowance_cents, "BR-S-08");
    }
    assert_eq!(f.total_cents, invoice.total_cents, "the API's total");
    assert_eq!(f.tax_cents, invoice.tax_total_cents, "the API's tax");
    assert_eq!(
        f.allowance_cents, invoice.discount_cents,
        "the API's discount"
    );
}

#[test]
fn exclusive_rates_with_a_percent_discount_add_up_as_the_standard_says() {
    let taxes = [(1, dec!(19), false, false), (2, dec!(7), false, false)];
    let lines = [
        (dec!(3), dec!(33.33), vec![1]),
        (dec!(7), dec!(12.99), vec![2]),
        (dec!(1), dec!(0.01), vec![2]),
    ];
    let (invoice, items, tax_lines) = priced("EUR", &lines, Discount::Percent(dec!(7.5)), &taxes);
    assert_standard_sums(&invoice, &items, &tax_lines);
    let f = figures(&invoice.stored(), &items, &tax_lines).unwrap();
    assert_eq!(f.lines[0].net_cents, 9999, "quantity × unit price");
    assert_eq!(f.lines[0].net_price, dec!(33.33));
}

#[test]
fn inclusive_taxes_state_net_lines_and_prices() {
    let taxes = [(1, dec!(19), true, false), (2, dec!(7), true, false)];
    let lines = [
        (dec!(3), dec!(19.99), vec![1]),
        (dec!(1), dec!(12.95), vec![2]),
        (dec!(5), dec!(4.99), vec![1]),
    ];
    let (invoice, items, tax_lines) = priced("EUR", &lines, Discount::Fixed(dec!(3.33)), &taxes);
    assert_standard_sums(&invoice, &items, &tax_lines);
    let f = figures(&invoice.stored(), &items, &tax_lines).unwrap();
    assert_eq!(
        f.lines[0].net_price,
        dec!(16.7983),
        "19.99 less 19 % included"
    );
    assert!(
        f.line_total_cents < invoice.subtotal_cents,
        "BT-106 is net, the subtotal gross"
    );
}

#[test]
fn a_document_level_tax_and_jpy_without_decimals() {
    let taxes = [(1, dec!(10), false, true)];
    let lines = [(dec!(3), dec!(1234), vec![]), (dec!(2), dec!(999), vec![1])];
    let (invoice, items, tax_lines) = priced("JPY", &lines, Discount::Percent(dec!(3)), &taxes);
    assert_standard_sums(&invoice, &items, &tax_lines);
}

#[test]
fn a_line_with_no_tax_or_two_is_named() {
    let taxes = [(1, dec!(19), false, false), (2, dec!(2), false, false)];
    let lines = [(dec!(1), dec!(10), vec![]), (dec!(1), dec!(10), vec![1, 2])];
    let (invoice, items, tax_lines) = priced("EUR", &lines, Discount::None, &taxes);
    let errors = figures(&invoice.stored(), &items, &tax_lines).unwrap_err();
    assert!(errors.contains("items[0].tax_ids"));
    assert!(errors.contains("items[1].tax_ids"));
}

#[test]
fn stored_totals_the_engine_does_not_reproduce_are_refused() {
    let taxes = [(1, dec!(19), false, false)];
    let lines = [(dec!(1), dec!(10), vec![1])];
    let (mut invoice, items, tax_lines) = priced("EUR", &lines, Discount::None, &taxes);
    invoice.total_cents += 1;
    let errors = figures(&invoice.stored(), &items, &tax_lines).unwrap_err();
    assert!(errors.contains("total"));
}

/// An amount credit: one line with no taxes of its own, the credit note's tax lines in
/// one VAT category and rate; over two rates it is named, not guessed.
#[test]
fn an_amount_credit_is_one_line_in_its_tax_lines_category() {
    use super::source::{Kind, Stored};
    let (_, items, mut tax_lines) = priced(
        "EUR",
        &[(dec!(1), dec!(41.67), vec![7])],
        Discount::None,
        &[(7, dec!(20), false, false)],
    );
    let mut items = items;
    items[0].tax_ids.clear();
    tax_lines[0].amount_cents = 833;
    let stored = Stored {
        kind: Kind::CreditNote,
        currency: "EUR",
        discount: Discount::None,
        subtotal_cents: 4167,
        discount_cents: 0,
        tax_total_cents: 833,
        total_cents: 5000,
        paid_cents: 0,
        due_cents: 5000,
    };
    let f = figures(&stored, &items, &tax_lines).unwrap();
    assert_eq!(f.lines.len(), 1);
    assert_eq!(f.lines[0].net_cents, 4167);
    assert_eq!(f.lines[0].net_price, dec!(41.67));
    assert_eq!(f.groups[0].category.code, "S");
    assert_eq!(
        (f.groups[0].taxable_cents, f.groups[0].tax_cents),
        (4167, 833)
    );
    assert_eq!((f.total_cents, f.due_cents, f.paid_cents), (5000, 5000, 0));

    let mut second = tax_lines[0].clone();
    second.tax_id = 8;
    second.tax_rate = dec!(7);
    let errors = figures(&stored, &items, &[tax_lines[0].clone(), second]).unwrap_err();
    let message = &errors.entries().next().unwrap().1[0];
    assert!(message.starts_with("BT-151"), "{message}");
}
