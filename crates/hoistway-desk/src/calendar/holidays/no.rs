//! Norway: the helligdager and the two national days.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Første nyttårsdag"),
        h(easter(y, -3), "Skjærtorsdag"),
        h(easter(y, -2), "Langfredag"),
        h(easter(y, 1), "Andre påskedag"),
        h(ymd(y, 5, 1), "Arbeidernes dag"),
        h(ymd(y, 5, 17), "Grunnlovsdag"),
        h(easter(y, 39), "Kristi himmelfartsdag"),
        h(easter(y, 50), "Andre pinsedag"),
        h(ymd(y, 12, 25), "Første juledag"),
        h(ymd(y, 12, 26), "Andre juledag"),
    ]
}
