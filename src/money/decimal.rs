//! Exact decimal input: JSON numbers and numeric strings into `Decimal`, never via `f64`.
//!
//! `serde_json` is built with `arbitrary_precision`, so a `Value::Number` keeps the literal
//! the client sent; we parse that text with our own strict grammar, because
//! `Decimal::from_str` silently rounds digits it cannot hold and we would rather refuse.

use rust_decimal::Decimal;
use serde_json::Value;

/// Why an input amount is refused. `Display` is the message the API puts under the field
/// name (`"quantity": ["must have at most 4 decimal places"]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("is not a number")]
    NotANumber,
    #[error("is too large")]
    TooLarge,
    #[error("must be greater than or equal to 0")]
    Negative,
    #[error("must be less than or equal to {0}")]
    AboveMaximum(u32),
    #[error("must have at most {0} decimal places")]
    TooManyDecimals(u32),
    #[error("must be less than or equal to the subtotal")]
    ExceedsSubtotal,
}

/// The most fractional digits a `Decimal` holds.
const MAX_SCALE: u32 = 28;

/// A JSON number (`400`, `340.5`, `1e3`) or a numeric string (`"400.0"`, `" 5 "`, `"-1"`)
/// as an exact decimal. Anything else (booleans, null, `"abc"`, `"NaN"`, `"1,5"`) is
/// `NotANumber`; values beyond what a `Decimal` holds are `TooLarge` or `TooManyDecimals`.
pub fn parse_decimal(value: &Value) -> Result<Decimal, AmountError> {
    match value {
        Value::Number(n) => parse_decimal_str(&n.to_string()),
        Value::String(s) => parse_decimal_str(s),
        _ => Err(AmountError::NotANumber),
    }
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]`, surrounding whitespace allowed, at least
/// one digit before or after the point. The result is normalised (`"400.00"` → `400`) and
/// never negative zero.
pub fn parse_decimal_str(text: &str) -> Result<Decimal, AmountError> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (int_digits, frac_digits) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_digits.len() + frac_digits.len() == 0
        || !all_digits(int_digits)
        || !all_digits(frac_digits)
    {
        return Err(AmountError::NotANumber);
    }
    let exponent = match exponent {
        Some(e) => parse_exponent(e)?,
        None => 0,
    };

    // value = significand × 10^(exponent − frac_len), with zeros that carry no value dropped
    // so that "400.000…0" of any length still parses.
    let significand = format!("{int_digits}{frac_digits}");
    let significand = significand.trim_start_matches('0');
    let trimmed = significand.trim_end_matches('0');
    if trimmed.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let dropped_zeros = (significand.len() - trimmed.len()) as i128;
    let power = i128::from(exponent) - frac_digits.len() as i128 + dropped_zeros;

    // Digits left of the point; past 28 the value is beyond `Decimal::MAX` (≈ 7.9e28).
    let whole_digits = trimmed.len() as i128 + power;
    let unrepresentable = if whole_digits > 28 {
        AmountError::TooLarge
    } else {
        AmountError::TooManyDecimals(MAX_SCALE)
    };
    // A `Decimal` holds at most 29 significant digits (96 bits).
    if trimmed.len() > 29 {
        return Err(unrepresentable);
    }
    let mut mantissa: i128 = trimmed.parse().map_err(|_| AmountError::NotANumber)?;
    let scale = if power >= 0 {
        for _ in 0..power {
            mantissa = mantissa.checked_mul(10).ok_or(AmountError::TooLarge)?;
            if mantissa > Decimal::MAX.mantissa() {
                return Err(AmountError::TooLarge);
            }
        }
        0
    } else {
        u32::try_from(-power).map_err(|_| AmountError::TooManyDecimals(MAX_SCALE))?
    };
    if scale > MAX_SCALE {
        return Err(AmountError::TooManyDecimals(MAX_SCALE));
    }
    if negative {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| unrepresentable)
}

/// The exponent's digits, clamped: anything beyond ±10^6 is far outside what a `Decimal`
/// holds whatever the significand, so the exact value no longer matters.
fn parse_exponent(text: &str) -> Result<i64, AmountError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    let digits = digits.trim_start_matches('0');
    let magnitude: i64 = if digits.len() > 7 {
        10_000_000
    } else {
        digits.parse().unwrap_or(0)
    };
    Ok(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_and_numeric_strings_parse_exactly() {
        let cases = [
            (json!(400), "400"),
            (json!("400.0"), "400"),
            (json!(" 5 "), "5"),
            (json!("1"), "1"),
            (json!(340.5), "340.5"),
            (json!("0.125"), "0.125"),
            (json!("-12.50"), "-12.5"),
            (json!("+3"), "3"),
            (json!(".5"), "0.5"),
            (json!("5."), "5"),
            (json!("1e3"), "1000"),
            (json!("1.5E-2"), "0.015"),
            (json!("0.1"), "0.1"),
            (json!("-0"), "0"),
            (json!("0e999999999999999999"), "0"),
            (
                json!("79228162514264337593543950335"),
                "79228162514264337593543950335",
            ),
            (
                json!("0.0000000000000000000000000001"),
                "0.0000000000000000000000000001",
            ),
            (json!("400.000000000000000000000000000000000000"), "400"),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_decimal(&value), Ok(dec(expected)), "{value}");
        }
    }

    #[test]
    fn a_json_number_keeps_its_literal_digits() {
        // Through f64 this would come back as 0.30000000000000004 or lose digits.
        let value: Value = serde_json::from_str("0.3000000000000000000000000001").unwrap();
        assert_eq!(
            parse_decimal(&value),
            Ok(dec("0.3000000000000000000000000001"))
        );
        let value: Value = serde_json::from_str("12345678901234567890.12").unwrap();
        assert_eq!(parse_decimal(&value), Ok(dec("12345678901234567890.12")));
    }

    #[test]
    fn non_numbers_are_refused() {
        let cases = [
            json!(true),
            json!(null),
            json!([]),
            json!({}),
            json!(""),
            json!("  "),
            json!("abc"),
            json!("NaN"),
            json!("nan"),
            json!("Infinity"),
            json!("inf"),
            json!("1,5"),
            json!("1_000"),
            json!("0x10"),
            json!("1e"),
            json!("e5"),
            json!("."),
            json!("-"),
            json!("1.2.3"),
            json!("--1"),
            json!("1 000"),
            json!("١٢"),
        ];
        for value in cases {
            assert_eq!(
                parse_decimal(&value),
                Err(AmountError::NotANumber),
                "{value}"
            );
        }
    }

    #[test]
    fn values_a_decimal_cannot_hold_are_errors_not_panics() {
        let too_large = [
            "79228162514264337593543950336",
            "1e29",
            "1e999999999999999999999",
            "-1e400",
            "123456789012345678901234567890123",
        ];
        for text in too_large {
            assert_eq!(
                parse_decimal_str(text),
                Err(AmountError::TooLarge),
                "{text}"
            );
        }
        let too_precise = [
            "0.00000000000000000000000000001",
            "1e-29",
            "1e-99999999999999",
            "1.00000000000000000000000000001",
            "9.9999999999999999999999999999",
        ];
        for text in too_precise {
            assert_eq!(
                parse_decimal_str(text),
                Err(AmountError::TooManyDecimals(28)),
                "{text}"
            );
        }
    }

    #[test]
    fn messages_read_after_a_field_name() {
        assert_eq!(AmountError::NotANumber.to_string(), "is not a number");
        assert_eq!(AmountError::TooLarge.to_string(), "is too large");
        assert_eq!(
            AmountError::Negative.to_string(),
            "must be greater than or equal to 0"
        );
        assert_eq!(
            AmountError::TooManyDecimals(4).to_string(),
            "must have at most 4 decimal places"
        );
        assert_eq!(
            AmountError::AboveMaximum(100).to_string(),
            "must be less than or equal to 100"
        );
    }
}
