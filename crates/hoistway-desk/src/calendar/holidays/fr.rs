//! France (metropolitan): the eleven jours fériés. Whit Monday is kept
//! although many firms work it as the journée de solidarité; Alsace-Moselle's
//! extra days go in a building's closed dates.

use super::rules::{easter, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let h = |date, name| Holiday { date, name };
    vec![
        h(ymd(y, 1, 1), "Jour de l'an"),
        h(easter(y, 1), "Lundi de Pâques"),
        h(ymd(y, 5, 1), "Fête du Travail"),
        h(ymd(y, 5, 8), "Victoire 1945"),
        h(easter(y, 39), "Ascension"),
        h(easter(y, 50), "Lundi de Pentecôte"),
        h(ymd(y, 7, 14), "Fête nationale"),
        h(ymd(y, 8, 15), "Assomption"),
        h(ymd(y, 11, 1), "Toussaint"),
        h(ymd(y, 11, 11), "Armistice 1918"),
        h(ymd(y, 12, 25), "Noël"),
    ]
}
