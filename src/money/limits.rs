//! The limits on input decimals, as pure checks the API layer calls field by field (and
//! `totals::compute` calls again, so it never relies on its caller).
//!
//! Every input is capped at 4 decimal places. That covers fractional quantities (1.5 hours),
//! sub-cent unit prices and tax rates such as 7.375 %, and keeps every product exact in
//! integer arithmetic; it also lets the database store each as `NUMERIC(…, 4)`.

use rust_decimal::Decimal;

use super::decimal::AmountError;

/// Decimal places allowed on quantity, unit price, discount value and tax rate.
pub const MAX_DECIMALS: u32 = 4;

/// The largest quantity, unit price, fixed discount or payment: twelve digits before the
/// point. A trillion of anything is beyond any invoice, and the bound keeps every input
/// inside the `NUMERIC(28, 4)` columns (so the database never refuses what passed here).
/// The OpenAPI document states it (`api::spec_limits`).
pub const MAX_INTEGER_DIGITS: u32 = 12;

/// Quantity: ≥ 0, at most 4 decimal places.
pub fn check_quantity(value: Decimal) -> Result<Decimal, AmountError> {
    non_negative(value)
        .and_then(at_most_4_decimals)
        .and_then(bounded)
}

/// Unit price in major units: ≥ 0, at most 4 decimal places. The line total is rounded to
/// minor units once, after multiplying by the quantity.
pub fn check_unit_price(value: Decimal) -> Result<Decimal, AmountError> {
    non_negative(value)
        .and_then(at_most_4_decimals)
        .and_then(bounded)
}

/// Any amount in major units: at most `MAX_INTEGER_DIGITS` digits before the point.
pub fn bounded(value: Decimal) -> Result<Decimal, AmountError> {
    if value.abs() >= Decimal::from(10i64.pow(MAX_INTEGER_DIGITS)) {
        Err(AmountError::TooLarge)
    } else {
        Ok(value)
    }
}

/// A percentage (percent discount, tax rate): 0 to 100, at most 4 decimal places.
pub fn check_percent(value: Decimal) -> Result<Decimal, AmountError> {
    let value = non_negative(value).and_then(at_most_4_decimals)?;
    if value > Decimal::ONE_HUNDRED {
        return Err(AmountError::AboveMaximum(100));
    }
    Ok(value)
}

/// A fixed discount in major units: ≥ 0, at most 4 decimal places. Whether it exceeds the
/// subtotal is known only with the lines: `totals::compute` checks that.
pub fn check_fixed_amount(value: Decimal) -> Result<Decimal, AmountError> {
    non_negative(value)
        .and_then(at_most_4_decimals)
        .and_then(bounded)
}

fn non_negative(value: Decimal) -> Result<Decimal, AmountError> {
    if value.is_sign_negative() && !value.is_zero() {
        Err(AmountError::Negative)
    } else {
        // -0 becomes 0, so nothing downstream sees a negative sign.
        Ok(value.abs().normalize())
    }
}

fn at_most_4_decimals(value: Decimal) -> Result<Decimal, AmountError> {
    // Trailing zeros carry no value: "400.000000" is fine.
    let value = value.normalize();
    if value.scale() > MAX_DECIMALS {
        Err(AmountError::TooManyDecimals(MAX_DECIMALS))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn quantity_and_unit_price_are_non_negative_with_4_decimals_at_most() {
        for check in [check_quantity, check_unit_price, check_fixed_amount] {
            assert_eq!(check(dec("0")), Ok(dec("0")));
            assert_eq!(check(dec("-0")), Ok(dec("0")));
            assert_eq!(check(dec("1.2345")), Ok(dec("1.2345")));
            assert_eq!(check(dec("400.000000")), Ok(dec("400")));
            assert_eq!(check(dec("1.23456")), Err(AmountError::TooManyDecimals(4)));
            assert_eq!(check(dec("-0.01")), Err(AmountError::Negative));
            assert_eq!(
                check(dec("999999999999.9999")),
                Ok(dec("999999999999.9999"))
            );
            assert_eq!(check(dec("1000000000000")), Err(AmountError::TooLarge));
            assert_eq!(check(Decimal::MAX), Err(AmountError::TooLarge));
        }
    }

    #[test]
    fn percentages_are_between_0_and_100() {
        assert_eq!(check_percent(dec("0")), Ok(dec("0")));
        assert_eq!(check_percent(dec("7.375")), Ok(dec("7.375")));
        assert_eq!(check_percent(dec("100.00")), Ok(dec("100")));
        assert_eq!(
            check_percent(dec("100.0001")),
            Err(AmountError::AboveMaximum(100))
        );
        assert_eq!(check_percent(dec("-1")), Err(AmountError::Negative));
        assert_eq!(
            check_percent(dec("5.00001")),
            Err(AmountError::TooManyDecimals(4))
        );
    }
}
