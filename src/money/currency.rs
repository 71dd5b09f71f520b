//! ISO 4217 currencies and their minor-unit exponent.
//!
//! The table comes from `iso_currency` (generated from the ISO list at build time) rather
//! than a hand-written list; this type narrows it to the codes an invoice can be in.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// The largest exponent any ISO 4217 currency has (CLF, UYW). Keeping it bounded is what
/// lets the rest of the module scale by `10^exponent` without overflow checks on scales.
pub(crate) const MAX_EXPONENT: u32 = 4;

/// An ISO 4217 currency with minor units (USD, JPY, KWD …): something an invoice can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    iso: iso_currency::Currency,
    exponent: u32,
}

/// The code is not an ISO 4217 currency an invoice can be in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not a known ISO 4217 currency code")]
pub struct UnknownCurrency;

impl Currency {
    /// `"zar"`, `"ZAR"`, `" Zar "` → ZAR. Codes without minor units in the table (gold
    /// XAU, SDR XDR, the test code XTS, "no currency" XXX) are refused: nothing can be
    /// priced in them.
    pub fn parse(code: &str) -> Result<Currency, UnknownCurrency> {
        let code = code.trim();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(UnknownCurrency);
        }
        let iso =
            iso_currency::Currency::from_code(&code.to_ascii_uppercase()).ok_or(UnknownCurrency)?;
        let exponent = u32::from(iso.exponent().ok_or(UnknownCurrency)?);
        if exponent > MAX_EXPONENT {
            return Err(UnknownCurrency);
        }
        Ok(Currency { iso, exponent })
    }

    /// Every currency an invoice can be in, by code (for the OpenAPI document's enum).
    /// The table has no iterator without another dependency; trying every three-letter
    /// code once is cheap.
    pub fn all_codes() -> Vec<&'static str> {
        let letters = b'A'..=b'Z';
        let mut codes = Vec::new();
        for a in letters.clone() {
            for b in letters.clone() {
                for c in letters.clone() {
                    let code = [a, b, c];
                    let code = std::str::from_utf8(&code).expect("ASCII letters");
                    if let Ok(currency) = Currency::parse(code) {
                        codes.push(currency.code());
                    }
                }
            }
        }
        codes
    }

    /// The upper-case code, `"USD"`.
    pub fn code(self) -> &'static str {
        self.iso.code()
    }

    /// Digits after the decimal point of the minor unit: USD 2, JPY 0, KWD 3.
    pub fn exponent(self) -> u32 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

/// Serialises as the code, as the API's `currency` and `currency_iso` fields show it.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_codes_lists_what_parse_accepts_and_nothing_else() {
        let codes = Currency::all_codes();
        for code in ["USD", "EUR", "ZAR", "JPY", "KWD", "CLF"] {
            assert!(codes.contains(&code), "{code}");
        }
        for code in ["XAU", "XDR", "XTS", "XXX"] {
            assert!(!codes.contains(&code), "{code}");
        }
        assert!(codes.len() > 150, "{}", codes.len());
    }

    #[test]
    fn parse_accepts_any_case_and_answers_upper_case() {
        for input in ["zar", "ZAR", "Zar", " zar "] {
            assert_eq!(Currency::parse(input).map(Currency::code), Ok("ZAR"));
        }
        assert_eq!(
            "usd".parse::<Currency>().map(|c| c.to_string()),
            Ok("USD".to_string())
        );
    }

    #[test]
    fn exponents_follow_iso_4217() {
        let exp = |code| Currency::parse(code).map(Currency::exponent);
        assert_eq!(exp("USD"), Ok(2));
        assert_eq!(exp("JPY"), Ok(0));
        assert_eq!(exp("KWD"), Ok(3));
        assert_eq!(exp("CLF"), Ok(4));
    }

    #[test]
    fn unknown_and_unpriceable_codes_are_refused() {
        for input in [
            "", "US", "USDD", "ABC", "XAU", "XXX", "XTS", "U$D", "ÜSD", "usd\0",
        ] {
            assert_eq!(Currency::parse(input), Err(UnknownCurrency), "{input:?}");
        }
        assert_eq!(
            UnknownCurrency.to_string(),
            "is not a known ISO 4217 currency code"
        );
    }

    #[test]
    fn serialises_as_its_code() {
        let usd = Currency::parse("usd");
        assert_eq!(
            usd.ok().and_then(|c| serde_json::to_string(&c).ok()),
            Some("\"USD\"".to_string())
        );
    }
}
