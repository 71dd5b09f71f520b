//! Koteshen's pages' way of naming a schedule (`every month`, `every 3 months`, `every 2
//! weeks`) and a date (`2025-11-30`, `30 Nov 2025`), read into and shown from our
//! `frequency` + `interval`. Pure.

use chrono::NaiveDate;

/// The most periods between two runs (as `interval` allows).
const MAX_INTERVAL: u32 = 1000;

/// `(frequency, interval)` of a phrase: `every month`, `every 3 months`, `every other
/// week`, `every 2 years`, `every quarter`, or one of our frequencies (`monthly`).
/// `None` when it is none of these.
pub fn parse(phrase: &str) -> Option<(&'static str, u32)> {
    let phrase = phrase.trim().to_ascii_lowercase();
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let (count, unit) = match words.as_slice() {
        [one] => return frequency_of_adverb(one).map(|f| (f, 1)),
        ["every", unit] => (1, *unit),
        ["every", "other", unit] => (2, *unit),
        ["every", n, unit] => (n.parse::<u32>().ok()?, *unit),
        _ => return None,
    };
    if count == 0 || count > MAX_INTERVAL {
        return None;
    }
    let frequency = match unit.strip_suffix('s').unwrap_or(unit) {
        "day" => "daily",
        "week" => "weekly",
        "month" => "monthly",
        "quarter" => "quarterly",
        "year" => "yearly",
        _ => return None,
    };
    // "every 1 months" and "every 3 month" read fine; "every months" does not.
    if count == 1 && unit.ends_with('s') && words.len() == 2 {
        return None;
    }
    Some((frequency, count))
}

fn frequency_of_adverb(word: &str) -> Option<&'static str> {
    Some(match word {
        "daily" => "daily",
        "weekly" => "weekly",
        "monthly" => "monthly",
        "quarterly" => "quarterly",
        "yearly" | "annually" => "yearly",
        _ => return None,
    })
}

/// The phrase of a schedule, as the pages show it: `every month`, `every 3 months`
/// (quarterly shows in months).
pub fn format(frequency: &str, interval: i32) -> String {
    let (unit, n) = match frequency {
        "daily" => ("day", interval),
        "weekly" => ("week", interval),
        "monthly" => ("month", interval),
        "quarterly" => ("month", interval.saturating_mul(3)),
        "yearly" => ("year", interval),
        other => return other.to_string(),
    };
    if n == 1 {
        format!("every {unit}")
    } else {
        format!("every {n} {unit}s")
    }
}

/// A calendar date without a time: `2025-11-30`, `30 Nov 2025`, `30 November 2025`,
/// `Nov 30, 2025`.
pub fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_phrases_read_as_frequency_and_interval() {
        assert_eq!(parse("every month"), Some(("monthly", 1)));
        assert_eq!(parse("Every 3 months"), Some(("monthly", 3)));
        assert_eq!(parse("every week"), Some(("weekly", 1)));
        assert_eq!(parse("every 2 weeks"), Some(("weekly", 2)));
        assert_eq!(parse("every other week"), Some(("weekly", 2)));
        assert_eq!(parse("every day"), Some(("daily", 1)));
        assert_eq!(parse("every year"), Some(("yearly", 1)));
        assert_eq!(parse("every quarter"), Some(("quarterly", 1)));
        assert_eq!(parse("monthly"), Some(("monthly", 1)));
        assert_eq!(parse("every 1 month"), Some(("monthly", 1)));
        for bad in [
            "",
            "every",
            "every months",
            "every 0 days",
            "every 1001 days",
            "every -1 days",
            "every fortnight",
            "each month",
            "every 3 hours",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn schedules_show_as_phrases_that_read_back() {
        assert_eq!(format("monthly", 1), "every month");
        assert_eq!(format("monthly", 3), "every 3 months");
        assert_eq!(format("quarterly", 1), "every 3 months");
        assert_eq!(format("weekly", 2), "every 2 weeks");
        assert_eq!(format("daily", 1), "every day");
        assert_eq!(format("yearly", 1), "every year");
        for (f, n) in [("daily", 5), ("weekly", 1), ("monthly", 12), ("yearly", 2)] {
            assert_eq!(parse(&format(f, n)), Some((f, n as u32)));
        }
    }

    #[test]
    fn dates_read_in_the_pages_forms() {
        let day = NaiveDate::from_ymd_opt(2025, 11, 30);
        assert_eq!(date("2025-11-30"), day);
        assert_eq!(date("30 Nov 2025"), day);
        assert_eq!(date("30 November 2025"), day);
        assert_eq!(date("Nov 30, 2025"), day);
        assert_eq!(date("2025-11-30T10:00:00Z"), None);
        assert_eq!(date("31 Nov 2025"), None);
    }
}
