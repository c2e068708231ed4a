//! United Kingdom, England and Wales bank holidays, with substitute days
//! for weekend holidays and the one-off changes announced so far (2020 VE
//! day, 2022 Platinum Jubilee and State Funeral, 2023 Coronation).

use chrono::Weekday;

use super::rules::{easter, last_weekday, nth_weekday, substitute_next_free_weekday, ymd};
use super::Holiday;

pub fn holidays(y: i32) -> Vec<Holiday> {
    let mut fixed = vec![(ymd(y, 1, 1), "New Year's Day")];
    fixed.push((ymd(y, 12, 25), "Christmas Day"));
    fixed.push((ymd(y, 12, 26), "Boxing Day"));
    let mut days = substitute_next_free_weekday(&fixed);
    days.push((easter(y, -2), "Good Friday"));
    days.push((easter(y, 1), "Easter Monday"));
    // Early May: first Monday, except 2020 when it moved to VE day (Fri 8 May).
    days.push(if y == 2020 {
        (ymd(2020, 5, 8), "Early May bank holiday (VE day)")
    } else {
        (nth_weekday(y, 5, Weekday::Mon, 1), "Early May bank holiday")
    });
    // Spring: last Monday of May, except 2022 when it moved to 2 June.
    days.push(if y == 2022 {
        (ymd(2022, 6, 2), "Spring bank holiday")
    } else {
        (last_weekday(y, 5, Weekday::Mon), "Spring bank holiday")
    });
    days.push((last_weekday(y, 8, Weekday::Mon), "Summer bank holiday"));
    match y {
        2022 => {
            days.push((ymd(2022, 6, 3), "Platinum Jubilee bank holiday"));
            days.push((ymd(2022, 9, 19), "State Funeral of Queen Elizabeth II"));
        }
        2023 => days.push((ymd(2023, 5, 8), "Coronation of King Charles III")),
        _ => {}
    }
    days.into_iter()
        .map(|(date, name)| Holiday { date, name })
        .collect()
}
