//! Belgium: the ten legal public holidays.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "New Year's Day"),
        h(easter(y, 1), "Easter Monday"),
        h(ymd(y, 5, 1), "Labour Day"),
        h(easter(y, 39), "Ascension Day"),
        h(easter(y, 50), "Whit Monday"),
        h(ymd(y, 7, 21), "National Day"),
        h(ymd(y, 8, 15), "Assumption"),
        h(ymd(y, 11, 1), "All Saints' Day"),
        h(ymd(y, 11, 11), "Armistice Day"),
        h(ymd(y, 12, 25), "Christmas Day"),
    ]
}
