//! Italy: the national feste. San Francesco (4 October) is national again from 2026.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    let mut v = vec![
        h(ymd(y, 1, 1), "Capodanno"),
        h(ymd(y, 1, 6), "Epifania"),
        h(easter(y, 1), "Lunedì dell'Angelo"),
        h(ymd(y, 4, 25), "Festa della Liberazione"),
        h(ymd(y, 5, 1), "Festa del Lavoro"),
        h(ymd(y, 6, 2), "Festa della Repubblica"),
        h(ymd(y, 8, 15), "Ferragosto"),
        h(ymd(y, 11, 1), "Ognissanti"),
        h(ymd(y, 12, 8), "Immacolata Concezione"),
        h(ymd(y, 12, 25), "Natale"),
        h(ymd(y, 12, 26), "Santo Stefano"),
    ];
    if y >= 2026 {
        v.push(h(ymd(y, 10, 4), "San Francesco d'Assisi"));
    }
    v
}
