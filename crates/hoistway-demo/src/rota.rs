//! The demo's rota (issue #21): one on-call entry per country the field
//! force covers and week, Monday 00:00 UTC to the next, from the start of
//! the demo's past (or a week back without history) to four weeks ahead,
//! so dispatch suggestions and the history's replay have someone on call
//! at every instant; and, with the history, one declared extreme-weather
//! period in the past (a Finnish snow storm) so the replay meets one.

use chrono::{DateTime, Datelike, Duration, Utc};
use hoistway_store::on_call::shifts::{self, ShiftInput};
use hoistway_store::on_call::weather::{self, WeatherInput};
use hoistway_store::{Actor, Db, StoreError};
use std::collections::HashMap;

/// How far ahead the rota is planned.
pub const WEEKS_AHEAD: i64 = 4;

/// Monday 00:00 UTC of the week holding `t`.
fn monday_of(t: DateTime<Utc>) -> DateTime<Utc> {
    let d = t.date_naive();
    let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    monday
        .and_hms_opt(0, 0, 0)
        .map(|n| n.and_utc())
        .unwrap_or(t)
}

/// Seeds the rota from `from` to four weeks after `actor.at`, in one
/// transaction (each entry audited); `storm` adds the past declaration.
pub async fn seed(
    db: &Db,
    actor: Actor,
    by_country: &HashMap<String, i64>,
    from: DateTime<Utc>,
    storm: bool,
) -> Result<(), StoreError> {
    let mut countries: Vec<(&String, &i64)> = by_country.iter().collect();
    countries.sort();
    let end = actor.at + Duration::weeks(WEEKS_AHEAD);
    let mut tx = db.begin().await?;
    let mut week = monday_of(from);
    while week < end {
        for (country, tech) in &countries {
            let input = ShiftInput {
                technician_id: **tech,
                starts_at: week.to_rfc3339(),
                ends_at: (week + Duration::weeks(1)).to_rfc3339(),
                kind: "on_call".into(),
                country: (*country).clone(),
                region: None,
                note: Some("Weekly on-call rota".into()),
            };
            shifts::create_in(&mut tx, actor, &input).await?;
        }
        week += Duration::weeks(1);
    }
    if storm {
        let at = monday_of(actor.at - Duration::days(45)) + Duration::hours(30);
        weather::declare_in(
            &mut tx,
            actor,
            &WeatherInput {
                country: "FI".into(),
                region: None,
                from: at.to_rfc3339(),
                until: (at + Duration::hours(36)).to_rfc3339(),
                note: "Heavy snowfall; roads slow around Helsinki".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn weeks_start_on_monday_midnight() {
        // Thursday 10 Dec 2026 → Monday 7 Dec.
        let t = Utc.with_ymd_and_hms(2026, 12, 10, 15, 30, 0).unwrap();
        assert_eq!(
            monday_of(t),
            Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap()
        );
        assert_eq!(monday_of(monday_of(t)), monday_of(t));
    }
}
