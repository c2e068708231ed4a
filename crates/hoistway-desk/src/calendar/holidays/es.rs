//! Spain: the national fiestas. Regional days (Jueves Santo in most
//! regions, each region's own day) go in a building's closed dates.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Año Nuevo"),
        h(ymd(y, 1, 6), "Epifanía del Señor"),
        h(easter(y, -2), "Viernes Santo"),
        h(ymd(y, 5, 1), "Fiesta del Trabajo"),
        h(ymd(y, 8, 15), "Asunción de la Virgen"),
        h(ymd(y, 10, 12), "Fiesta Nacional de España"),
        h(ymd(y, 11, 1), "Todos los Santos"),
        h(ymd(y, 12, 6), "Día de la Constitución"),
        h(ymd(y, 12, 8), "Inmaculada Concepción"),
        h(ymd(y, 12, 25), "Natividad del Señor"),
    ]
}
