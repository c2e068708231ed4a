//! Finland: statutory holidays plus Midsummer Eve and Christmas Eve, which
//! are not statutory but on which practically all businesses close.

use chrono::Weekday;

use super::rules::{easter, weekday_on_or_after, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Uudenvuodenpäivä"),
        h(ymd(y, 1, 6), "Loppiainen"),
        h(easter(y, -2), "Pitkäperjantai"),
        h(easter(y, 0), "Pääsiäispäivä"),
        h(easter(y, 1), "2. pääsiäispäivä"),
        h(ymd(y, 5, 1), "Vappu"),
        h(easter(y, 39), "Helatorstai"),
        h(easter(y, 49), "Helluntaipäivä"),
        h(
            weekday_on_or_after(ymd(y, 6, 19), Weekday::Fri),
            "Juhannusaatto",
        ),
        h(
            weekday_on_or_after(ymd(y, 6, 20), Weekday::Sat),
            "Juhannuspäivä",
        ),
        h(
            weekday_on_or_after(ymd(y, 10, 31), Weekday::Sat),
            "Pyhäinpäivä",
        ),
        h(ymd(y, 12, 6), "Itsenäisyyspäivä"),
        h(ymd(y, 12, 24), "Jouluaatto"),
        h(ymd(y, 12, 25), "Joulupäivä"),
        h(ymd(y, 12, 26), "Tapaninpäivä"),
    ]
}
