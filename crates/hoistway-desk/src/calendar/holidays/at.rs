//! Austria: the gesetzliche Feiertage.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Neujahr"),
        h(ymd(y, 1, 6), "Heilige Drei Könige"),
        h(easter(y, 1), "Ostermontag"),
        h(ymd(y, 5, 1), "Staatsfeiertag"),
        h(easter(y, 39), "Christi Himmelfahrt"),
        h(easter(y, 50), "Pfingstmontag"),
        h(easter(y, 60), "Fronleichnam"),
        h(ymd(y, 8, 15), "Mariä Himmelfahrt"),
        h(ymd(y, 10, 26), "Nationalfeiertag"),
        h(ymd(y, 11, 1), "Allerheiligen"),
        h(ymd(y, 12, 8), "Mariä Empfängnis"),
        h(ymd(y, 12, 25), "Christtag"),
        h(ymd(y, 12, 26), "Stefanitag"),
    ]
}
