//! Date rules shared by the country modules: Easter, nth weekday, windows,
//! and weekend substitution.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A calendar date; panics only on impossible constants in this crate's own
/// tables (all callers pass literal or computed valid dates).
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date in holiday rules")
}

pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

/// Western (Gregorian) Easter Sunday, by the anonymous Gregorian computus
/// (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    ymd(year, month as u32, day as u32)
}

/// Easter Sunday plus `days` (negative for before).
pub fn easter(year: i32, days: i64) -> NaiveDate {
    easter_sunday(year) + Duration::days(days)
}

/// The `n`th (1-based) `wd` of a month.
pub fn nth_weekday(year: i32, month: u32, wd: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, wd, n as u8).expect("nth weekday exists")
}

/// The last `wd` of a month.
pub fn last_weekday(year: i32, month: u32, wd: Weekday) -> NaiveDate {
    let next_month = if month == 12 {
        ymd(year + 1, 1, 1)
    } else {
        ymd(year, month + 1, 1)
    };
    let mut d = next_month - Duration::days(1);
    while d.weekday() != wd {
        d -= Duration::days(1);
    }
    d
}

/// The first `wd` on or after `from` (e.g. Midsummer Eve: Friday from 19 June).
pub fn weekday_on_or_after(from: NaiveDate, wd: Weekday) -> NaiveDate {
    let mut d = from;
    while d.weekday() != wd {
        d += Duration::days(1);
    }
    d
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// GB-style substitution: holidays on a weekend move to the next weekday
/// that is not already a holiday. Weekday holidays keep their date and are
/// placed first, so Boxing Day on a Monday stays and Christmas on the
/// Sunday before moves to Tuesday.
pub fn substitute_next_free_weekday(
    days: &[(NaiveDate, &'static str)],
) -> Vec<(NaiveDate, &'static str)> {
    let mut out: Vec<(NaiveDate, &'static str)> = days
        .iter()
        .copied()
        .filter(|(d, _)| !is_weekend(*d))
        .collect();
    for &(d, name) in days.iter().filter(|(d, _)| is_weekend(*d)) {
        let mut s = d + Duration::days(1);
        while is_weekend(s) || out.iter().any(|(o, _)| *o == s) {
            s += Duration::days(1);
        }
        out.push((s, name));
    }
    out
}

/// US federal rule: Saturday → Friday before, Sunday → Monday after.
pub fn us_observed(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computus_matches_published_easter_dates() {
        let known = [
            (2020, 4, 12),
            (2021, 4, 4),
            (2022, 4, 17),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2031, 4, 13),
            (2032, 3, 28),
            (2033, 4, 17),
            (2034, 4, 9),
            (2035, 3, 25),
            (2038, 4, 25),
            (1818, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), ymd(y, m, d), "{y}");
        }
    }

    #[test]
    fn weekday_helpers() {
        assert_eq!(nth_weekday(2026, 11, Weekday::Thu, 4), ymd(2026, 11, 26));
        assert_eq!(last_weekday(2026, 5, Weekday::Mon), ymd(2026, 5, 25));
        assert_eq!(last_weekday(2026, 12, Weekday::Thu), ymd(2026, 12, 31));
        assert_eq!(
            weekday_on_or_after(ymd(2026, 6, 19), Weekday::Fri),
            ymd(2026, 6, 19)
        );
        assert_eq!(
            weekday_on_or_after(ymd(2027, 6, 19), Weekday::Fri),
            ymd(2027, 6, 25)
        );
    }
}
