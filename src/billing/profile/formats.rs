//! The profile's small formats: BIC, locale (BCP 47's shape), colour, numbering prefix.

use crate::billing::profile::countries;

/// A BIC (ISO 9362): bank (4 letters), country (ISO 3166-1), location (2 letters or
/// digits), optional branch (3); 8 or 11 characters, stored upper-case.
pub fn bic(input: &str) -> Result<String, String> {
    let bic: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = matches!(bic.len(), 8 | 11)
        && bic.chars().all(|c| c.is_ascii_alphanumeric())
        && bic[..4].chars().all(|c| c.is_ascii_alphabetic())
        && countries::code(&bic[4..6]).is_some();
    if ok {
        Ok(bic)
    } else {
        Err("is not a BIC (8 or 11 characters: bank, country, location, branch)".into())
    }
}

pub const LOCALE_MAX: usize = 35;

/// A BCP 47 language tag's shape: language (2–3 letters, or 5–8), then optional script
/// (4 letters), region (2 letters or 3 digits), variants, extensions (a singleton and
/// its subtags) and private use (`x-…`). Answered in the canonical case (`en-US`,
/// `zh-Hant-TW`). Whether the language exists is not checked (the documents fall back).
pub fn locale(input: &str) -> Result<String, String> {
    let err = || "is not a locale (a BCP 47 tag such as en, en-US or pt-BR)".to_string();
    if input.len() > LOCALE_MAX {
        return Err(err());
    }
    let mut subtags = input.split('-');
    let language = subtags.next().unwrap_or_default();
    if !(matches!(language.len(), 2 | 3 | 5..=8)
        && language.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Err(err());
    }
    let mut out = vec![language.to_ascii_lowercase()];
    // 0 script, 1 region, 2 variants, 3 extensions, 4 private use: each subtag may only
    // move forward.
    let mut stage = 0;
    let mut expect_extension_subtag = false;
    for tag in subtags {
        let alpha = tag.chars().all(|c| c.is_ascii_alphabetic());
        let alnum = !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric());
        if !alnum || tag.len() > 8 {
            return Err(err());
        }
        if stage == 4 {
            out.push(tag.to_ascii_lowercase());
            continue;
        }
        if tag.len() == 1 {
            if expect_extension_subtag {
                return Err(err());
            }
            stage = if tag.eq_ignore_ascii_case("x") { 4 } else { 3 };
            expect_extension_subtag = stage == 3;
            out.push(tag.to_ascii_lowercase());
            continue;
        }
        if stage == 3 {
            if tag.len() < 2 {
                return Err(err());
            }
            expect_extension_subtag = false;
            out.push(tag.to_ascii_lowercase());
            continue;
        }
        if stage == 0 && tag.len() == 4 && alpha {
            let mut script = tag.to_ascii_lowercase();
            script[..1].make_ascii_uppercase();
            out.push(script);
            stage = 1;
        } else if stage <= 1
            && ((tag.len() == 2 && alpha)
                || (tag.len() == 3 && tag.chars().all(|c| c.is_ascii_digit())))
        {
            out.push(tag.to_ascii_uppercase());
            stage = 2;
        } else if (5..=8).contains(&tag.len())
            || (tag.len() == 4 && tag.starts_with(|c: char| c.is_ascii_digit()))
        {
            out.push(tag.to_ascii_lowercase());
            stage = 2;
        } else {
            return Err(err());
        }
    }
    if expect_extension_subtag || out.last().is_some_and(|t| t == "x") {
        return Err(err());
    }
    Ok(out.join("-"))
}

/// `#rrggbb`, answered lower-case.
pub fn color(input: &str) -> Result<String, String> {
    let ok = input.len() == 7
        && input.starts_with('#')
        && input[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(input.to_ascii_lowercase())
    } else {
        Err("is not a colour (#rrggbb)".into())
    }
}

pub const PREFIX_MAX: usize = 16;

/// A numbering prefix: at most `PREFIX_MAX` printable characters (`INV-`, `2026/`).
pub fn prefix(input: &str) -> Result<String, String> {
    if input.chars().any(char::is_control) {
        Err("must be printable characters".into())
    } else if input.chars().count() > PREFIX_MAX {
        Err(format!("is too long (maximum is {PREFIX_MAX} characters)"))
    } else {
        Ok(input.to_string())
    }
}

/// The digits a number is zero-padded to, at least.
pub const PADDING: std::ops::RangeInclusive<i64> = 1..=12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bics_are_8_or_11_with_a_country() {
        assert_eq!(bic("deutdeff").unwrap(), "DEUTDEFF");
        assert_eq!(bic("DEUTDEFF500").unwrap(), "DEUTDEFF500");
        assert!(bic("DEUTDEF").is_err());
        assert!(bic("DEUTZZFF").is_err());
        assert!(bic("DEU1DEFF").is_err());
        assert!(bic("DEUTDEFF50").is_err());
    }

    #[test]
    fn locales_have_the_bcp47_shape_and_case() {
        assert_eq!(locale("en").unwrap(), "en");
        assert_eq!(locale("en-us").unwrap(), "en-US");
        assert_eq!(locale("zh-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(locale("es-419").unwrap(), "es-419");
        assert_eq!(locale("de-CH-1996").unwrap(), "de-CH-1996");
        assert_eq!(locale("en-US-u-ca-gregory").unwrap(), "en-US-u-ca-gregory");
        assert_eq!(locale("en-x-koteshen").unwrap(), "en-x-koteshen");
        for bad in [
            "", "e", "english!", "en_US", "en-", "en-US-u", "en-x", "1en", "en-USA1",
        ] {
            assert!(locale(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colours_and_prefixes() {
        assert_eq!(color("#1A2B3C").unwrap(), "#1a2b3c");
        assert!(color("1a2b3c").is_err());
        assert!(color("#12345").is_err());
        assert!(color("#ggg000").is_err());
        assert_eq!(prefix("INV-").unwrap(), "INV-");
        assert!(prefix(&"x".repeat(17)).is_err());
        assert!(prefix("A\tB").is_err());
    }
}
