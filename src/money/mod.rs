//! Money: currencies, exact decimal input, and the totals of an invoice or quote.
//! Pure code (no I/O), shared by the API and the recurring-invoice job.
//!
//! Amounts are `i64` minor units ("cents") of an ISO 4217 currency whose exponent is
//! respected (USD 2, JPY 0, KWD 3). Inputs (quantity, unit price, discount value, tax rate)
//! are exact decimals parsed from JSON numbers or strings, never floats, with at most 4
//! decimal places.
//!
//! # How totals are computed
//! Exact until each output is rounded once to minor units, half away from zero:
//! 1. line total = quantity × unit price, rounded once; subtotal = Σ line totals, so the
//!    lines shown always add up to the subtotal.
//! 2. discount = percent × subtotal / 100 rounded once, or the fixed amount rounded once
//!    to minor units (an error if it exceeds the subtotal).
//! 3. base = subtotal − discount. The discount is spread over the lines in
//!    proportion to their totals by largest remainder (ties to the lower line), so the
//!    shares add up exactly to the discount; a line's base = its total − its share.
//! 4. each tax covers lines: an invoice-level tax every line, an item-level tax the
//!    lines that name it. A tax is never applied twice to a line: one that is both
//!    invoice-level and named on an item counts once.
//! 5. inclusive taxes (the prices include them) are extracted from each line's base
//!    first (`inclusive`): the lines that carry the same inclusive taxes are taken
//!    together, their combined tax Σ bases × R / (100 + R) is rounded once (R the sum of
//!    their inclusive rates), split per rate by largest remainder over the rates' exact
//!    shares, and spread over those lines by largest remainder; a line's net = its base −
//!    its part. A line without inclusive taxes has net = base.
//! 6. each exclusive tax = (Σ nets of the lines it covers) × rate / 100, rounded once per
//!    tax (the nets are what every tax's `base_cents` shows).
//! 7. tax total = Σ taxes; net = Σ line nets = base − inclusive taxes; total = net + tax
//!    total (= base + exclusive taxes), so net + tax = total exactly; balance = total −
//!    payments. A document with only exclusive taxes is computed as before inclusive
//!    taxes existed (net = base), one with only inclusive taxes totals its prices.
//!
//! All arithmetic is checked: a value too large for an `i64` of minor units is an error,
//! never an overflow or a panic.

mod allocate;
mod credit;
mod currency;
mod decimal;
mod format;
mod inclusive;
mod limits;
mod locale;
mod minor;
mod totals;

#[cfg(test)]
mod tests;

pub use allocate::{allocate, apportion};
pub use credit::{
    Ask, Credit, CreditError, CreditLine, CreditTax, Credited, Issued, IssuedLine, IssuedTax,
    credit, prorate,
};
pub use currency::{Currency, UnknownCurrency};
pub use decimal::{AmountError, parse_decimal, parse_decimal_str};
pub use format::{format_amount, format_decimal};
pub use limits::{
    MAX_DECIMALS, MAX_INTEGER_DIGITS, bounded, check_fixed_amount, check_percent, check_quantity,
    check_unit_price,
};
pub use locale::NumberFormat;
pub use minor::{cents_to_decimal, decimal_to_cents};
pub use totals::{
    Discount, LineInput, LineTotals, TaxId, TaxRate, TaxTotal, Totals, TotalsError, balance,
    compute,
};
