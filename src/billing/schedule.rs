//! Calendar arithmetic in a business's time zone, for recurring invoices and reminders.
//! Pure: no database, no clock.
//!
//! Occurrence N of a schedule is computed from its anchor (`starts_at` + N periods), never
//! from the previous occurrence, so a month end stays a month end (Jan 31 → Feb 28 →
//! Mar 31) and the local time of day survives daylight-saving changes.

use chrono::{
    DateTime, Datelike, Days, Duration, LocalResult, Months, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Tz;

pub const FREQUENCIES: [&str; 5] = ["daily", "weekly", "monthly", "quarterly", "yearly"];

/// A business's time zone; an unknown name reads as UTC.
pub fn time_zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// Whether a name is an IANA time zone this server knows.
pub fn is_time_zone(name: &str) -> bool {
    name.parse::<Tz>().is_ok()
}

/// The instant of a local wall-clock time. In a gap (clocks jumped forward) the time
/// moves forward by the gap; when ambiguous (clocks went back) the earlier instant wins.
pub fn from_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are at most a couple of hours; step forward until the clock exists.
            (1..=4)
                .find_map(|h| {
                    tz.from_local_datetime(&(local + Duration::hours(h)))
                        .earliest()
                })
                .map(|at| at.with_timezone(&Utc))
                .unwrap_or_else(|| local.and_utc())
        }
    }
}

/// Occurrence `n` (0 = `starts_at` itself) of a schedule repeating every `interval`
/// `frequency` periods, at the same local time of day. `None` past the calendar's range
/// or for an unknown frequency.
pub fn occurrence(
    starts_at: DateTime<Utc>,
    tz: Tz,
    frequency: &str,
    interval: u32,
    n: u32,
) -> Option<DateTime<Utc>> {
    let local = starts_at.with_timezone(&tz).naive_local();
    let steps = interval.checked_mul(n)?;
    let date = local.date();
    let date = match frequency {
        "daily" => date.checked_add_days(Days::new(u64::from(steps)))?,
        "weekly" => date.checked_add_days(Days::new(u64::from(steps) * 7))?,
        // chrono clamps to the month's last day: Jan 31 + 1 month = Feb 28 (or 29).
        "monthly" => date.checked_add_months(Months::new(steps))?,
        "quarterly" => date.checked_add_months(Months::new(steps.checked_mul(3)?))?,
        "yearly" => date.checked_add_months(Months::new(steps.checked_mul(12)?))?,
        _ => return None,
    };
    Some(from_local(tz, date.and_time(local.time())))
}

/// The first occurrence number at or above `from` that falls at or after `at`; `None`
/// past the calendar's range or for an unknown frequency. Computed from the time
/// between the anchor and `at` (then corrected by a step or two for the time of day and
/// month ends), not by stepping through every occurrence: a daily schedule from year 1
/// is some 740,000 occurrences before today.
pub fn first_at_or_after(
    starts_at: DateTime<Utc>,
    tz: Tz,
    frequency: &str,
    interval: u32,
    from: u32,
    at: DateTime<Utc>,
) -> Option<u32> {
    let occurrence = |n| occurrence(starts_at, tz, frequency, interval, n);
    if occurrence(from)? >= at {
        return Some(from);
    }
    let start = starts_at.with_timezone(&tz).date_naive();
    let target = at.with_timezone(&tz).date_naive();
    let days = (target - start).num_days();
    let months = (i64::from(target.year()) - i64::from(start.year())) * 12
        + i64::from(target.month())
        - i64::from(start.month());
    let interval = i64::from(interval.max(1));
    let periods = match frequency {
        "daily" => days / interval,
        "weekly" => days / (7 * interval),
        "monthly" => months / interval,
        "quarterly" => months / (3 * interval),
        "yearly" => months / (12 * interval),
        _ => return None,
    };
    let mut n = u32::try_from(periods.max(i64::from(from))).ok()?;
    while n > from && occurrence(n - 1).is_some_and(|t| t >= at) {
        n -= 1;
    }
    while occurrence(n)? < at {
        n = n.checked_add(1)?;
    }
    Some(n)
}

/// `at` moved by whole local days (negative: earlier), keeping the local time of day.
pub fn shift_days(at: DateTime<Utc>, tz: Tz, days: i64) -> Option<DateTime<Utc>> {
    let local = at.with_timezone(&tz).naive_local();
    let date = if days >= 0 {
        local.date().checked_add_days(Days::new(days as u64))?
    } else {
        local
            .date()
            .checked_sub_days(Days::new(days.unsigned_abs()))?
    };
    Some(from_local(tz, date.and_time(local.time())))
}

/// `at` moved by whole local months (negative: earlier), keeping the local time of day;
/// a day past the target month's end clamps to it (Jan 31 + 1 month = Feb 28).
pub fn shift_months(at: DateTime<Utc>, tz: Tz, months: i64) -> Option<DateTime<Utc>> {
    let local = at.with_timezone(&tz).naive_local();
    let n = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let date = if months >= 0 {
        local.date().checked_add_months(n)?
    } else {
        local.date().checked_sub_months(n)?
    };
    Some(from_local(tz, date.and_time(local.time())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn monthly_from_january_31_clamps_each_month_from_the_anchor() {
        let start = utc("2026-01-31T09:00:00Z");
        let runs: Vec<String> = (0..5)
            .map(|n| {
                occurrence(start, Tz::UTC, "monthly", 1, n)
                    .unwrap()
                    .to_rfc3339()
            })
            .collect();
        assert_eq!(
            runs,
            [
                "2026-01-31T09:00:00+00:00",
                "2026-02-28T09:00:00+00:00",
                "2026-03-31T09:00:00+00:00",
                "2026-04-30T09:00:00+00:00",
                "2026-05-31T09:00:00+00:00",
            ]
        );
        let leap = occurrence(utc("2028-01-31T09:00:00Z"), Tz::UTC, "monthly", 1, 1).unwrap();
        assert_eq!(leap, utc("2028-02-29T09:00:00Z"));
    }

    #[test]
    fn the_local_time_of_day_survives_daylight_saving() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 09:00 in Berlin: UTC+1 in March before the change, UTC+2 after it.
        let start = utc("2026-03-15T08:00:00Z");
        assert_eq!(
            occurrence(start, berlin, "monthly", 1, 1).unwrap(),
            utc("2026-04-15T07:00:00Z")
        );
        assert_eq!(
            occurrence(start, berlin, "weekly", 1, 2).unwrap(),
            utc("2026-03-29T07:00:00Z")
        );
    }

    #[test]
    fn quarterly_yearly_daily_and_intervals() {
        let start = utc("2025-11-30T00:00:00Z");
        assert_eq!(
            occurrence(start, Tz::UTC, "quarterly", 1, 1).unwrap(),
            utc("2026-02-28T00:00:00Z")
        );
        assert_eq!(
            occurrence(start, Tz::UTC, "yearly", 2, 1).unwrap(),
            utc("2027-11-30T00:00:00Z")
        );
        assert_eq!(
            occurrence(start, Tz::UTC, "daily", 3, 2).unwrap(),
            utc("2025-12-06T00:00:00Z")
        );
        assert_eq!(occurrence(start, Tz::UTC, "hourly", 1, 1), None);
        assert_eq!(occurrence(start, Tz::UTC, "yearly", u32::MAX, 2), None);
    }

    #[test]
    fn a_time_in_a_gap_moves_forward_and_an_ambiguous_one_takes_the_first() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let gap = chrono::NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(from_local(berlin, gap), utc("2026-03-29T01:30:00Z"));
        let twice = chrono::NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(from_local(berlin, twice), utc("2026-10-25T00:30:00Z"));
    }

    /// The first occurrence at or after `at` by stepping through them all.
    fn stepping(start: DateTime<Utc>, tz: Tz, f: &str, interval: u32, at: DateTime<Utc>) -> u32 {
        (0..)
            .find(|n| occurrence(start, tz, f, interval, *n).unwrap() >= at)
            .unwrap()
    }

    #[test]
    fn the_first_occurrence_after_a_time_is_computed_as_stepping_would_find_it() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let starts = [
            utc("2024-01-31T09:00:00Z"),
            utc("2023-03-26T00:30:00Z"),
            utc("2020-02-29T23:59:00Z"),
        ];
        let ats = [
            utc("2026-02-28T08:59:59Z"),
            utc("2026-02-28T09:00:00Z"),
            utc("2026-03-29T01:00:00Z"),
            utc("2026-10-25T00:30:00Z"),
            utc("2028-02-29T23:59:00Z"),
        ];
        for start in starts {
            for at in ats {
                for tz in [Tz::UTC, berlin] {
                    for f in FREQUENCIES {
                        for interval in [1, 2, 5] {
                            assert_eq!(
                                first_at_or_after(start, tz, f, interval, 0, at),
                                Some(stepping(start, tz, f, interval, at)),
                                "{start} {at} {tz} {f} {interval}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_first_occurrence_after_a_time_from_year_one_and_from_a_later_number() {
        let start = utc("0001-01-01T09:00:00Z");
        let n = first_at_or_after(start, Tz::UTC, "daily", 1, 0, utc("2026-02-10T12:00:00Z"));
        let n = n.unwrap();
        assert_eq!(
            occurrence(start, Tz::UTC, "daily", 1, n).unwrap(),
            utc("2026-02-11T09:00:00Z")
        );
        assert_eq!(
            occurrence(start, Tz::UTC, "daily", 1, n - 1).unwrap(),
            utc("2026-02-10T09:00:00Z")
        );
        // Never below `from`, even when earlier numbers are later than `at`.
        let soon = utc("2026-01-01T00:00:00Z");
        assert_eq!(
            first_at_or_after(utc("2026-01-05T00:00:00Z"), Tz::UTC, "daily", 1, 3, soon),
            Some(3)
        );
        assert_eq!(
            first_at_or_after(start, Tz::UTC, "hourly", 1, 0, soon),
            None
        );
    }

    #[test]
    fn shifting_days_keeps_the_local_time() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let due = utc("2026-03-30T08:00:00Z"); // 10:00 local (summer time)
        assert_eq!(
            shift_days(due, berlin, -3).unwrap(),
            utc("2026-03-27T09:00:00Z") // 10:00 local (winter time)
        );
        assert_eq!(time_zone("Nowhere/Else"), Tz::UTC);
    }

    #[test]
    fn shifting_months_clamps_to_the_month_end() {
        let due = utc("2026-03-31T09:00:00Z");
        assert_eq!(
            shift_months(due, Tz::UTC, -1).unwrap(),
            utc("2026-02-28T09:00:00Z")
        );
        assert_eq!(
            shift_months(due, Tz::UTC, 2).unwrap(),
            utc("2026-05-31T09:00:00Z")
        );
    }
}
