//! The Netherlands: the national feestdagen. King's Day moves to the 26th
//! when the 27th is a Sunday; Liberation Day is a day off in lustrum years.

use chrono::{Datelike, Weekday};

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    let kings_day = match ymd(y, 4, 27).weekday() {
        Weekday::Sun => ymd(y, 4, 26),
        _ => ymd(y, 4, 27),
    };
    let mut v = vec![
        h(ymd(y, 1, 1), "Nieuwjaarsdag"),
        h(easter(y, 1), "Tweede Paasdag"),
        h(kings_day, "Koningsdag"),
        h(easter(y, 39), "Hemelvaartsdag"),
        h(easter(y, 50), "Tweede Pinksterdag"),
        h(ymd(y, 12, 25), "Eerste Kerstdag"),
        h(ymd(y, 12, 26), "Tweede Kerstdag"),
    ];
    if y % 5 == 0 {
        v.push(h(ymd(y, 5, 5), "Bevrijdingsdag"));
    }
    v
}
