//! Poland: the dni wolne od pracy (Christmas Eve from 2025).

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    let mut v = vec![
        h(ymd(y, 1, 1), "Nowy Rok"),
        h(ymd(y, 1, 6), "Święto Trzech Króli"),
        h(easter(y, 0), "Wielkanoc"),
        h(easter(y, 1), "Poniedziałek Wielkanocny"),
        h(ymd(y, 5, 1), "Święto Pracy"),
        h(ymd(y, 5, 3), "Święto Konstytucji 3 Maja"),
        h(easter(y, 49), "Zielone Świątki"),
        h(easter(y, 60), "Boże Ciało"),
        h(ymd(y, 8, 15), "Wniebowzięcie Najświętszej Maryi Panny"),
        h(ymd(y, 11, 1), "Wszystkich Świętych"),
        h(ymd(y, 11, 11), "Narodowe Święto Niepodległości"),
        h(ymd(y, 12, 25), "Boże Narodzenie"),
        h(ymd(y, 12, 26), "Drugi dzień Bożego Narodzenia"),
    ];
    if y >= 2025 {
        v.push(h(ymd(y, 12, 24), "Wigilia Bożego Narodzenia"));
    }
    v
}
