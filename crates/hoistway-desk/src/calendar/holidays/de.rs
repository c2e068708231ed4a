//! Germany: the nine nationwide holidays. State holidays (e.g. Epiphany in
//! Bavaria, Reformation Day in the north) go in a building's closed dates.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Neujahr"),
        h(easter(y, -2), "Karfreitag"),
        h(easter(y, 1), "Ostermontag"),
        h(ymd(y, 5, 1), "Tag der Arbeit"),
        h(easter(y, 39), "Christi Himmelfahrt"),
        h(easter(y, 50), "Pfingstmontag"),
        h(ymd(y, 10, 3), "Tag der Deutschen Einheit"),
        h(ymd(y, 12, 25), "1. Weihnachtstag"),
        h(ymd(y, 12, 26), "2. Weihnachtstag"),
    ]
}
