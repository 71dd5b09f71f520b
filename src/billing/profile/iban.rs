//! IBANs (ISO 13616): the country's length from the SWIFT registry and the mod-97 check
//! digits. Accepted with spaces and in any case; stored compact and upper-case.

/// IBAN lengths by country (SWIFT IBAN registry), sorted by code.
const LENGTHS: [(&str, usize); 89] = [
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The IBAN compact and upper-case, or why it is not one.
pub fn check(input: &str) -> Result<String, String> {
    let iban: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("is not an IBAN (letters and digits only)".into());
    }
    let country = iban.get(..2).unwrap_or_default();
    let Ok(at) = LENGTHS.binary_search_by(|(code, _)| (*code).cmp(country)) else {
        return Err("is not an IBAN (unknown country)".into());
    };
    let length = LENGTHS[at].1;
    if iban.len() != length {
        return Err(format!(
            "is not an IBAN ({country} IBANs have {length} characters)"
        ));
    }
    if !iban[2..4].chars().all(|c| c.is_ascii_digit()) || mod97(&iban) != 1 {
        return Err("is not an IBAN (the check digits do not match)".into());
    }
    Ok(iban)
}

/// The IBAN's remainder mod 97, its first four characters moved to the end and each
/// letter read as two digits (A = 10 … Z = 35), one digit at a time.
fn mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.chars().chain(head.chars()).fold(0, |rem, c| {
        let value = c.to_digit(36).expect("alphanumeric");
        if value < 10 {
            (rem * 10 + value) % 97
        } else {
            (rem * 100 + value) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lengths_are_sorted() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn valid_ibans_are_kept_compact_and_upper_case() {
        assert_eq!(
            check("de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert_eq!(
            check("GB82WEST12345698765432").unwrap(),
            "GB82WEST12345698765432"
        );
        assert_eq!(check("NO9386011117947").unwrap(), "NO9386011117947");
    }

    #[test]
    fn bad_check_digits_lengths_and_countries_are_refused() {
        assert!(
            check("DE89370400440532013001")
                .unwrap_err()
                .contains("check digits")
        );
        assert!(check("DE8937040044053201300").unwrap_err().contains("22"));
        assert!(
            check("ZZ89370400440532013000")
                .unwrap_err()
                .contains("country")
        );
        assert!(check("DE89-3704").is_err());
    }
}
