//! Tax ids. An EU VAT number (a member state's VIES prefix, `EL` for Greece, `XI` for
//! Northern Ireland) is checked against its country's shape and kept compact and
//! upper-case (`DE 123 456 789` → `DE123456789`); any other tax id (an EIN, an ABN, a
//! Swiss UID…) is taken as sent: printable, at most `MAX` characters.

pub const MAX: usize = 32;

/// Each prefix's shapes, the part after the prefix: `#` a digit, `@` a letter, `*` a
/// letter or digit (Ireland's second character may also be `+` or `*`), anything else
/// itself.
const SHAPES: [(&str, &[&str]); 29] = [
    ("AT", &["U########"]),
    ("BE", &["##########"]),
    ("BG", &["#########", "##########"]),
    ("CY", &["########@"]),
    ("CZ", &["########", "#########", "##########"]),
    ("DE", &["#########"]),
    ("DK", &["########"]),
    ("EE", &["#########"]),
    ("EL", &["#########"]),
    ("ES", &["*#######*"]),
    ("FI", &["########"]),
    ("FR", &["**#########"]),
    ("HR", &["###########"]),
    ("HU", &["########"]),
    ("IE", &["#*#####@", "#*#####@@"]),
    ("IT", &["###########"]),
    ("LT", &["#########", "############"]),
    ("LU", &["########"]),
    ("LV", &["###########"]),
    ("MT", &["########"]),
    ("NL", &["#########B##"]),
    ("PL", &["##########"]),
    ("PT", &["#########"]),
    (
        "RO",
        &[
            "##",
            "###",
            "####",
            "#####",
            "######",
            "#######",
            "########",
            "#########",
            "##########",
        ],
    ),
    ("SE", &["############"]),
    ("SI", &["########"]),
    ("SK", &["##########"]),
    ("XI", &["#########", "############", "GD###", "HA###"]),
    ("GR", &[]),
];

/// The tax id as stored, or why it is refused.
pub fn check(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.chars().any(char::is_control) {
        return Err("must be printable characters".into());
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    let prefix = compact.get(..2).unwrap_or_default();
    // A VAT number only when it carries a member state's prefix and the rest is what
    // VAT numbers are made of; `Ltd 42` or `12-3456789` are other tax ids.
    let rest = compact.get(2..).unwrap_or_default();
    let vat_like = !rest.is_empty()
        && trimmed.chars().take(2).all(|c| c.is_ascii_uppercase())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '*')
        && rest.chars().any(|c| c.is_ascii_digit());
    match SHAPES.iter().find(|(p, _)| *p == prefix) {
        Some((_, [])) if vat_like => {
            Err("is not a VAT number (Greek VAT numbers start with EL)".into())
        }
        Some((p, shapes)) if vat_like => {
            if shapes.iter().any(|shape| fits(rest, shape)) {
                Ok(compact)
            } else {
                Err(format!("is not a valid {p} VAT number"))
            }
        }
        _ if trimmed.chars().count() > MAX => {
            Err(format!("is too long (maximum is {MAX} characters)"))
        }
        _ => Ok(trimmed.to_string()),
    }
}

fn fits(s: &str, shape: &str) -> bool {
    s.len() == shape.len()
        && s.chars().zip(shape.chars()).all(|(c, p)| match p {
            '#' => c.is_ascii_digit(),
            '@' => c.is_ascii_uppercase(),
            '*' => c.is_ascii_alphanumeric() || c == '+' || c == '*',
            literal => c == literal,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_vat_numbers_are_checked_and_compacted() {
        assert_eq!(check("DE 123 456 789").unwrap(), "DE123456789");
        assert_eq!(check("ATU12345678").unwrap(), "ATU12345678");
        assert_eq!(check("NL123456789B01").unwrap(), "NL123456789B01");
        assert_eq!(check("FRXX123456789").unwrap(), "FRXX123456789");
        assert_eq!(check("IE1234567T").unwrap(), "IE1234567T");
        assert_eq!(check("ESX1234567X").unwrap(), "ESX1234567X");
        assert!(check("DE12345678").unwrap_err().contains("DE VAT"));
        assert!(check("ATU1234567").is_err());
        assert!(check("NL123456789C01").is_err());
        assert!(check("GR123456789").unwrap_err().contains("EL"));
    }

    #[test]
    fn other_tax_ids_are_printable_and_bounded() {
        assert_eq!(check("12-3456789").unwrap(), "12-3456789");
        assert_eq!(
            check("CHE-123.456.789 MWST").unwrap(),
            "CHE-123.456.789 MWST"
        );
        assert_eq!(check("GB123456789").unwrap(), "GB123456789");
        assert_eq!(check("Ltd 42").unwrap(), "Ltd 42");
        assert!(check(&"1".repeat(33)).is_err());
        assert!(check("12\u{7}34").is_err());
    }
}
