//! Denmark: the helligdage (Store bededag until 2023) and Christmas Eve,
//! when service desks close.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    let mut v = vec![
        h(ymd(y, 1, 1), "Nytårsdag"),
        h(easter(y, -3), "Skærtorsdag"),
        h(easter(y, -2), "Langfredag"),
        h(easter(y, 1), "Anden påskedag"),
        h(easter(y, 39), "Kristi himmelfartsdag"),
        h(easter(y, 50), "Anden pinsedag"),
        h(ymd(y, 12, 24), "Juleaftensdag"),
        h(ymd(y, 12, 25), "Juledag"),
        h(ymd(y, 12, 26), "Anden juledag"),
    ];
    if y <= 2023 {
        v.push(h(easter(y, 26), "Store bededag"));
    }
    v
}
