//! Sweden: helgdagar plus the de facto closed eves (Midsummer, Christmas,
//! New Year's Eve), on which service desks run holiday staffing.

use chrono::Weekday;

use super::rules::{easter, weekday_on_or_after, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Nyårsdagen"),
        h(ymd(y, 1, 6), "Trettondedag jul"),
        h(easter(y, -2), "Långfredagen"),
        h(easter(y, 0), "Påskdagen"),
        h(easter(y, 1), "Annandag påsk"),
        h(ymd(y, 5, 1), "Första maj"),
        h(easter(y, 39), "Kristi himmelsfärdsdag"),
        h(easter(y, 49), "Pingstdagen"),
        h(ymd(y, 6, 6), "Sveriges nationaldag"),
        h(
            weekday_on_or_after(ymd(y, 6, 19), Weekday::Fri),
            "Midsommarafton",
        ),
        h(
            weekday_on_or_after(ymd(y, 6, 20), Weekday::Sat),
            "Midsommardagen",
        ),
        h(
            weekday_on_or_after(ymd(y, 10, 31), Weekday::Sat),
            "Alla helgons dag",
        ),
        h(ymd(y, 12, 24), "Julafton"),
        h(ymd(y, 12, 25), "Juldagen"),
        h(ymd(y, 12, 26), "Annandag jul"),
        h(ymd(y, 12, 31), "Nyårsafton"),
    ]
}
