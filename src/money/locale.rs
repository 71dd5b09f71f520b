//! Numbers and money as a business's locale writes them (documents: PDFs, pages). Pure
//! and exact: a decimal's own digits are regrouped, never a float.
//!
//! `en` 1,234.56 · `de`, `es`, `it`, `nl`, `pt` 1.234,56 · `fr`, `pt-PT` 1 234,56 (a
//! no-break space) · `de-CH`, `it-CH` 1’234.56. Spanish leaves four-digit numbers
//! ungrouped (1234,56), as CLDR's minimum grouping says. Unknown locales read as `en`.

use rust_decimal::Decimal;

use super::currency::Currency;
use super::minor::cents_to_decimal;

/// How a locale writes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    pub group: &'static str,
    pub decimal: char,
    /// Digits the integer part needs before it is grouped at all.
    pub min_grouped: usize,
    /// The currency code before the amount (`USD 1.00`) or after it (`1,00 EUR`).
    pub code_first: bool,
}

const NBSP: &str = "\u{a0}";

impl NumberFormat {
    /// The format of a BCP 47 tag (`en`, `de-CH`, `pt_PT`); the language decides, a
    /// region refines.
    pub fn for_locale(tag: &str) -> NumberFormat {
        let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = lower.split('-');
        let language = parts.next().unwrap_or("");
        let region = parts.find(|p| p.len() == 2).unwrap_or("");
        let european = |group| NumberFormat {
            group,
            decimal: ',',
            min_grouped: 4,
            code_first: false,
        };
        let swiss = NumberFormat {
            group: "\u{2019}",
            decimal: '.',
            min_grouped: 4,
            code_first: false,
        };
        match (language, region) {
            ("de" | "it", "ch" | "li") => swiss,
            ("de" | "it" | "nl", _) => european("."),
            ("es", _) => NumberFormat {
                min_grouped: 5,
                ..european(".")
            },
            ("pt", "pt" | "ao" | "mz") => european(NBSP),
            ("pt", _) => european("."),
            ("fr", _) => european(NBSP),
            _ => NumberFormat {
                group: ",",
                decimal: '.',
                min_grouped: 4,
                code_first: true,
            },
        }
    }

    /// A decimal with at least `min_fraction` fractional digits (its own beyond that,
    /// trailing zeros dropped): `1234.5`, 2 → `1,234.50`; `0.1250`, 0 → `0.125`.
    pub fn number(&self, value: Decimal, min_fraction: u32) -> String {
        let mut value = value.normalize();
        if value.scale() < min_fraction {
            value.rescale(min_fraction);
        }
        let text = value.abs().to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::with_capacity(text.len() + text.len() / 3 * 3 + 1);
        if value.is_sign_negative() && !value.is_zero() {
            out.push('-');
        }
        out.push_str(&self.group_digits(whole));
        if !fraction.is_empty() {
            out.push(self.decimal);
            out.push_str(fraction);
        }
        out
    }

    /// Minor units in the currency's digits with its code: `USD 1,234.56`, `1.234,56 EUR`,
    /// `JPY 1,500`, `KWD 1.500`.
    pub fn money(&self, cents: i64, currency: Currency) -> String {
        let amount = self.number(cents_to_decimal(cents, currency), currency.exponent());
        if self.code_first {
            format!("{currency} {amount}")
        } else {
            format!("{amount}{NBSP}{currency}")
        }
    }

    fn group_digits(&self, digits: &str) -> String {
        if digits.len() < self.min_grouped {
            return digits.to_string();
        }
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(self.group);
            }
            out.push(digit);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn money(locale: &str, cents: i64, code: &str) -> String {
        NumberFormat::for_locale(locale).money(cents, Currency::parse(code).unwrap())
    }

    #[test]
    fn each_locale_groups_and_separates_as_it_writes() {
        assert_eq!(money("en", 123456, "USD"), "USD 1,234.56");
        assert_eq!(money("en-GB", 123456789, "GBP"), "GBP 1,234,567.89");
        assert_eq!(money("de", 123456, "EUR"), "1.234,56\u{a0}EUR");
        assert_eq!(money("de-CH", 123456, "CHF"), "1\u{2019}234.56\u{a0}CHF");
        assert_eq!(money("fr", 123456, "EUR"), "1\u{a0}234,56\u{a0}EUR");
        assert_eq!(money("it", 123456, "EUR"), "1.234,56\u{a0}EUR");
        assert_eq!(money("nl", 123456, "EUR"), "1.234,56\u{a0}EUR");
        assert_eq!(money("pt-BR", 123456, "BRL"), "1.234,56\u{a0}BRL");
        assert_eq!(money("pt_PT", 123456, "EUR"), "1\u{a0}234,56\u{a0}EUR");
        assert_eq!(money("es", 123456, "EUR"), "1234,56\u{a0}EUR");
        assert_eq!(money("es", 1234567, "EUR"), "12.345,67\u{a0}EUR");
        assert_eq!(money("xx", 123456, "USD"), "USD 1,234.56");
    }

    #[test]
    fn the_currency_exponent_decides_the_digits() {
        assert_eq!(money("en", 1500000, "JPY"), "JPY 1,500,000");
        assert_eq!(money("de", 1500000, "JPY"), "1.500.000\u{a0}JPY");
        assert_eq!(money("en", 1500, "KWD"), "KWD 1.500");
        assert_eq!(money("de", 1234567, "KWD"), "1.234,567\u{a0}KWD");
        assert_eq!(money("en", 0, "USD"), "USD 0.00");
        assert_eq!(money("en", -5, "USD"), "USD -0.05");
        assert_eq!(
            money("en", i64::MIN, "USD"),
            "USD -92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn numbers_keep_their_own_digits_past_the_minimum() {
        let en = NumberFormat::for_locale("en");
        let de = NumberFormat::for_locale("de");
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(en.number(d("1.5"), 0), "1.5");
        assert_eq!(en.number(d("2.000"), 0), "2");
        assert_eq!(en.number(d("1234.1250"), 2), "1,234.125");
        assert_eq!(de.number(d("1234.5"), 2), "1.234,50");
        assert_eq!(de.number(d("-0.5"), 0), "-0,5");
        assert_eq!(en.number(d("-0"), 2), "0.00");
    }
}
