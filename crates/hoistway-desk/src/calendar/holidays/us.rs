//! United States federal holidays (5 U.S.C. 6103) with the federal observed
//! rule: Saturday → preceding Friday, Sunday → following Monday. A New
//! Year's Day on Saturday is observed on 31 December of the year before.

use chrono::Weekday;

use super::rules::{last_weekday, nth_weekday, us_observed, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    let mut v = vec![
        h(us_observed(ymd(y, 1, 1)), "New Year's Day"),
        h(
            nth_weekday(y, 1, Weekday::Mon, 3),
            "Martin Luther King Jr. Day",
        ),
        h(nth_weekday(y, 2, Weekday::Mon, 3), "Washington's Birthday"),
        h(last_weekday(y, 5, Weekday::Mon), "Memorial Day"),
        h(us_observed(ymd(y, 7, 4)), "Independence Day"),
        h(nth_weekday(y, 9, Weekday::Mon, 1), "Labor Day"),
        h(nth_weekday(y, 10, Weekday::Mon, 2), "Columbus Day"),
        h(us_observed(ymd(y, 11, 11)), "Veterans Day"),
        h(nth_weekday(y, 11, Weekday::Thu, 4), "Thanksgiving Day"),
        h(us_observed(ymd(y, 12, 25)), "Christmas Day"),
        // Next year's New Year may be observed on this year's 31 December;
        // the caller keeps only dates inside `y`.
        h(us_observed(ymd(y + 1, 1, 1)), "New Year's Day (observed)"),
    ];
    if y >= 2021 {
        v.push(h(us_observed(ymd(y, 6, 19)), "Juneteenth"));
    }
    v
}
