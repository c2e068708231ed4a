//! Singapore: fixed and Easter-based days by rule; Chinese New Year,
//! Hari Raya Puasa, Vesak, Hari Raya Haji and Deepavali from a table, since
//! they follow lunar or Islamic calendars and the dates used are the ones the
//! Ministry of Manpower gazettes. A holiday on Sunday gives the next day off
//! (the next non-holiday weekday if that is one too, as CNY 2023 showed).
//!
//! The table holds the gazetted dates for 2020–2027 and Chinese New Year
//! (astronomically fixed) up to 2035. The Islamic, Vesak and Deepavali dates
//! of 2028 onwards were not yet gazetted when this was written; rather than
//! guess (a wrong closed day is as bad as a missing one), [`coverage`]
//! reports those years as partial and the server should add the dates as
//! extra closed dates once published.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::rules::{easter, ymd};
use super::{Holiday, HolidayCoverage};

/// Last year whose every holiday is in the table.
pub const GAZETTED_UNTIL: i32 = 2027;

/// First day of Chinese New Year (the second day follows).
const CNY: &[(i32, u32, u32)] = &[
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

/// Gazetted dates of the other moving holidays and one-off polling days.
const MOVING: &[(i32, u32, u32, &str)] = &[
    (2020, 5, 7, "Vesak Day"),
    (2020, 5, 24, "Hari Raya Puasa"),
    (2020, 7, 10, "Polling Day"),
    (2020, 7, 31, "Hari Raya Haji"),
    (2020, 11, 14, "Deepavali"),
    (2021, 5, 13, "Hari Raya Puasa"),
    (2021, 5, 26, "Vesak Day"),
    (2021, 7, 20, "Hari Raya Haji"),
    (2021, 11, 4, "Deepavali"),
    (2022, 5, 3, "Hari Raya Puasa"),
    (2022, 5, 15, "Vesak Day"),
    (2022, 7, 10, "Hari Raya Haji"),
    (2022, 10, 24, "Deepavali"),
    (2023, 4, 22, "Hari Raya Puasa"),
    (2023, 6, 2, "Vesak Day"),
    (2023, 6, 29, "Hari Raya Haji"),
    (2023, 9, 1, "Polling Day"),
    (2023, 11, 12, "Deepavali"),
    (2024, 4, 10, "Hari Raya Puasa"),
    (2024, 5, 22, "Vesak Day"),
    (2024, 6, 17, "Hari Raya Haji"),
    (2024, 10, 31, "Deepavali"),
    (2025, 3, 31, "Hari Raya Puasa"),
    (2025, 5, 3, "Polling Day"),
    (2025, 5, 12, "Vesak Day"),
    (2025, 6, 7, "Hari Raya Haji"),
    (2025, 10, 20, "Deepavali"),
    (2026, 3, 21, "Hari Raya Puasa"),
    (2026, 5, 27, "Hari Raya Haji"),
    (2026, 5, 31, "Vesak Day"),
    (2026, 11, 8, "Deepavali"),
    (2027, 3, 10, "Hari Raya Puasa"),
    (2027, 5, 17, "Hari Raya Haji"),
    (2027, 5, 20, "Vesak Day"),
    (2027, 10, 28, "Deepavali"),
];

pub fn holidays(y: i32) -> Vec<Holiday> {
    let mut raw: Vec<(NaiveDate, &'static str)> = vec![
        (ymd(y, 1, 1), "New Year's Day"),
        (easter(y, -2), "Good Friday"),
        (ymd(y, 5, 1), "Labour Day"),
        (ymd(y, 8, 9), "National Day"),
        (ymd(y, 12, 25), "Christmas Day"),
    ];
    if let Some(&(_, m, d)) = CNY.iter().find(|(cy, _, _)| *cy == y) {
        let first = ymd(y, m, d);
        raw.push((first, "Chinese New Year"));
        raw.push((first + Duration::days(1), "Chinese New Year (day 2)"));
    }
    raw.extend(
        MOVING
            .iter()
            .filter(|r| r.0 == y)
            .map(|&(_, m, d, n)| (ymd(y, m, d), n)),
    );
    raw.sort_by_key(|r| r.0);
    let mut out: Vec<(NaiveDate, &'static str)> = raw.clone();
    for &(d, name) in raw.iter().filter(|(d, _)| d.weekday() == Weekday::Sun) {
        let mut s = d + Duration::days(1);
        while s.weekday() == Weekday::Sun || out.iter().any(|(o, _)| *o == s) {
            s += Duration::days(1);
        }
        out.push((s, name));
    }
    out.into_iter()
        .map(|(date, name)| Holiday { date, name })
        .collect()
}

pub fn coverage(y: i32) -> HolidayCoverage {
    if (2020..=GAZETTED_UNTIL).contains(&y) {
        HolidayCoverage::Complete
    } else if CNY.iter().any(|c| c.0 == y) {
        HolidayCoverage::Partial("Hari Raya Puasa, Vesak Day, Hari Raya Haji, Deepavali")
    } else {
        HolidayCoverage::Partial(
            "Chinese New Year, Hari Raya Puasa, Vesak Day, Hari Raya Haji, Deepavali",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_inside_its_years_and_coverage_is_honest() {
        for &(y, m, d, _) in MOVING {
            assert!(NaiveDate::from_ymd_opt(y, m, d).is_some());
        }
        for &(y, m, d) in CNY {
            // Chinese New Year always falls between 21 January and 20 February.
            let date = ymd(y, m, d);
            assert!(date >= ymd(y, 1, 21) && date <= ymd(y, 2, 20), "{date}");
        }
        assert_eq!(coverage(2027), HolidayCoverage::Complete);
        assert!(matches!(coverage(2028), HolidayCoverage::Partial(_)));
        assert!(matches!(coverage(2040), HolidayCoverage::Partial(_)));
    }

    #[test]
    fn cny_2020_weekend_gives_monday() {
        let v = holidays(2020);
        assert!(v.iter().any(|h| h.date == ymd(2020, 1, 27)));
    }
}
