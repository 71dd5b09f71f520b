//! Exact conversions between decimal major units and integer minor units, and the one
//! rounding rule: half away from zero (`RoundingStrategy::MidpointAwayFromZero`).
//!
//! The arithmetic is done on `i128` mantissas rather than with `Decimal` operators because
//! `Decimal::checked_mul` quietly drops digits when a product outgrows 96 bits; here an
//! inexact step is impossible and an oversize one is `None`.

use rust_decimal::Decimal;

use super::currency::Currency;
use super::decimal::AmountError;

/// `n / d` rounded half away from zero; `None` if `d <= 0`.
pub(crate) fn div_round(n: i128, d: i128) -> Option<i128> {
    if d <= 0 {
        return None;
    }
    let quotient = n.checked_div(d)?;
    let remainder = n.checked_rem(d)?.unsigned_abs();
    // 2·remainder ≥ d, written so that it cannot overflow.
    if remainder >= d.unsigned_abs() - remainder {
        quotient.checked_add(n.signum())
    } else {
        Some(quotient)
    }
}

/// `mantissa × 10^-scale` major units as minor units of a currency with `exponent`
/// digits, rounded once.
pub(crate) fn to_minor(mantissa: i128, scale: u32, exponent: u32) -> Option<i128> {
    if exponent >= scale {
        mantissa.checked_mul(10_i128.checked_pow(exponent - scale)?)
    } else {
        div_round(mantissa, 10_i128.checked_pow(scale - exponent)?)
    }
}

/// An amount in major units (`437.005`) as minor units (`43701` for USD), rounded once,
/// half away from zero. `TooLarge` when it does not fit an `i64`.
pub fn decimal_to_cents(value: Decimal, currency: Currency) -> Result<i64, AmountError> {
    to_minor(value.mantissa(), value.scale(), currency.exponent())
        .and_then(|minor| i64::try_from(minor).ok())
        .ok_or(AmountError::TooLarge)
}

/// Minor units as a `Decimal` in major units with the currency's exponent as its scale:
/// 408000 USD cents → `4080.00`, 1500 JPY → `1500`, 1500 KWD fils → `1.500`.
pub fn cents_to_decimal(cents: i64, currency: Currency) -> Decimal {
    // `try_new` fails only for a scale above 28; exponents are at most 4 by construction.
    Decimal::try_new(cents, currency.exponent()).unwrap_or(Decimal::from(cents))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn div_round_goes_half_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(5, 3), Some(2));
        assert_eq!(div_round(-4, 3), Some(-1));
        assert_eq!(div_round(0, 7), Some(0));
        assert_eq!(div_round(i128::MAX, i128::MAX), Some(1));
        assert_eq!(div_round(i128::MIN, 1), Some(i128::MIN));
        assert_eq!(div_round(i128::MIN, 2), Some(i128::MIN / 2));
        assert_eq!(div_round(1, 0), None);
        assert_eq!(div_round(1, -1), None);
    }

    #[test]
    fn decimal_to_cents_rounds_once_per_currency_exponent() {
        let cases = [
            ("437.005", "USD", Ok(43701)),
            ("437.004", "USD", Ok(43700)),
            ("-0.005", "USD", Ok(-1)),
            ("1500.5", "JPY", Ok(1501)),
            ("1500.4999", "JPY", Ok(1500)),
            ("1.2345", "KWD", Ok(1235)),
            ("1.5", "KWD", Ok(1500)),
            ("92233720368547758.07", "USD", Ok(i64::MAX)),
            ("92233720368547758.08", "USD", Err(AmountError::TooLarge)),
            (
                "79228162514264337593543950335",
                "KWD",
                Err(AmountError::TooLarge),
            ),
        ];
        for (value, code, expected) in cases {
            let value = Decimal::from_str(value).unwrap();
            assert_eq!(
                decimal_to_cents(value, cur(code)),
                expected,
                "{value} {code}"
            );
        }
    }

    #[test]
    fn cents_to_decimal_uses_the_exponent_as_scale() {
        assert_eq!(cents_to_decimal(408000, cur("USD")).to_string(), "4080.00");
        assert_eq!(cents_to_decimal(1500, cur("JPY")).to_string(), "1500");
        assert_eq!(cents_to_decimal(1500, cur("KWD")).to_string(), "1.500");
        assert_eq!(cents_to_decimal(-5, cur("USD")).to_string(), "-0.05");
        assert_eq!(
            cents_to_decimal(i64::MIN, cur("USD")).to_string(),
            "-92233720368547758.08"
        );
    }
}
