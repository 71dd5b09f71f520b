//! Rendering amounts: decimals as the API documents show them, money for people.

use rust_decimal::Decimal;

use super::currency::Currency;

/// A decimal as the documents render it (Ruby's `BigDecimal#to_s("F")`): no trailing
/// zeros but at least one fractional digit. `400` → `"400.0"`, `340.50` → `"340.5"`,
/// `0.125` → `"0.125"`, `-0` → `"0.0"`.
pub fn format_decimal(value: Decimal) -> String {
    let value = if value.is_zero() {
        Decimal::ZERO
    } else {
        value.normalize()
    };
    let text = value.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// Money for people (emails, PDFs): the code, then the amount with the currency's digits
/// and a comma between thousands. `43700` USD → `"USD 437.00"`, `1500000` JPY →
/// `"JPY 1,500,000"`, `1500` KWD → `"KWD 1.500"`, `-5` USD → `"USD -0.05"`. The code
/// rather than a symbol, because `$` alone does not say which dollar.
pub fn format_amount(cents: i64, currency: Currency) -> String {
    let exponent = currency.exponent();
    // Exponents are at most 4; saturating keeps even a broken invariant panic-free.
    let per_major = 10_u64.saturating_pow(exponent);
    let magnitude = cents.unsigned_abs();
    let whole = group_thousands(magnitude / per_major);
    let sign = if cents < 0 { "-" } else { "" };
    if exponent == 0 {
        format!("{currency} {sign}{whole}")
    } else {
        let fraction = magnitude % per_major;
        let width = exponent as usize;
        format!("{currency} {sign}{whole}.{fraction:0width$}")
    }
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn decimals_render_like_the_documents() {
        let cases = [
            ("400", "400.0"),
            ("5", "5.0"),
            ("15", "15.0"),
            ("340.5", "340.5"),
            ("340.50", "340.5"),
            ("0.125", "0.125"),
            ("4080.00", "4080.0"),
            ("0", "0.0"),
            ("0.000", "0.0"),
            ("-0", "0.0"),
            ("-2.50", "-2.5"),
            ("100", "100.0"),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335.0",
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(format_decimal(Decimal::from_str(value).unwrap()), expected);
        }
    }

    #[test]
    fn amounts_render_with_the_currency_exponent() {
        let cases = [
            (43700, "USD", "USD 437.00"),
            (5, "USD", "USD 0.05"),
            (-5, "USD", "USD -0.05"),
            (0, "USD", "USD 0.00"),
            (123456789, "USD", "USD 1,234,567.89"),
            (1500000, "JPY", "JPY 1,500,000"),
            (999, "JPY", "JPY 999"),
            (1500, "KWD", "KWD 1.500"),
            (1, "KWD", "KWD 0.001"),
            (i64::MIN, "USD", "USD -92,233,720,368,547,758.08"),
            (i64::MAX, "CLF", "CLF 922,337,203,685,477.5807"),
        ];
        for (cents, code, expected) in cases {
            assert_eq!(format_amount(cents, cur(code)), expected);
        }
    }
}
