//! Who is working or on call at an instant in a territory (issue #21,
//! seed 000: "on-call coverage during holidays and extreme weather").
//!
//! Inputs are plain data: the rota's shifts, the declared extreme-weather
//! periods and the building's [`BusinessCalendar`] (its hours, time zone
//! and public holidays). The rule the dispatcher follows:
//!
//! * during **normal working time** (the building's business hours, not a
//!   public holiday, no extreme weather declared for its territory) every
//!   technician covering the territory by their profile is available, and
//!   those with a shift now are marked working or on call;
//! * **outside it** (evenings, nights, weekends, public holidays, declared
//!   extreme weather) only technicians with a shift (regular or on call)
//!   covering the territory at that instant are available.
//!
//! SLA targets do not change during declared extreme weather: seed 000
//! tells customers to *confirm on-call coverage* for such events, not that
//! the commitments lapse, so the desk keeps the contract's clock and says
//! so in the suggestion instead (the travel estimate is slowed, see
//! `dispatch_rank`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;

/// A rota entry's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftKind {
    /// A working shift (the technician is at work).
    Regular,
    /// On call: reachable and ready to go out, typically nights, weekends,
    /// holidays.
    OnCall,
}

impl ShiftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ShiftKind::Regular => "regular",
            ShiftKind::OnCall => "on_call",
        }
    }

    /// `regular` or `on_call`; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "regular" => Some(ShiftKind::Regular),
            "on_call" => Some(ShiftKind::OnCall),
            _ => None,
        }
    }
}

/// A country (ISO alpha-2) and optionally a region within it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub country: String,
    pub region: Option<String>,
}

impl Territory {
    pub fn new(country: &str, region: Option<&str>) -> Self {
        Self {
            country: country.to_string(),
            region: region.map(str::to_string),
        }
    }

    /// Whether this territory (a shift's, a declaration's) covers a place
    /// in `place`. A territory without region covers its whole country; one
    /// with a region covers places of that region, and places whose region
    /// is not known (a building without a region is somewhere in the
    /// country, and leaving it uncovered would be the worse mistake).
    pub fn covers(&self, place: &Territory) -> bool {
        if !self.country.eq_ignore_ascii_case(&place.country) {
            return false;
        }
        match (&self.region, &place.region) {
            (None, _) | (_, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        }
    }
}

/// One rota entry: `[starts_at, ends_at)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub technician_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub kind: ShiftKind,
    pub territory: Territory,
}

impl Shift {
    pub fn covers(&self, place: &Territory, t: DateTime<Utc>) -> bool {
        self.starts_at <= t && t < self.ends_at && self.territory.covers(place)
    }
}

/// A declared extreme-weather period: `[from, until)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeatherPeriod {
    pub territory: Territory,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl WeatherPeriod {
    pub fn covers(&self, place: &Territory, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.until && self.territory.covers(place)
    }
}

/// What kind of time it is at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Situation {
    /// Within the building's business hours on a business day.
    pub business_hours: bool,
    /// A public holiday (or a closed date) of the building's calendar.
    pub holiday: bool,
    /// Extreme weather declared for the place's territory.
    pub extreme_weather: bool,
}

impl Situation {
    /// Normal working time: only then is everyone of the territory
    /// available without a shift.
    pub fn normal(&self) -> bool {
        self.business_hours && !self.holiday && !self.extreme_weather
    }
}

/// The situation at `t` at a place with calendar `cal` in `place`.
pub fn situation(
    cal: &BusinessCalendar,
    weather: &[WeatherPeriod],
    place: &Territory,
    t: DateTime<Utc>,
) -> Situation {
    Situation {
        business_hours: cal.is_open_at(t),
        holiday: cal.is_closed_date(cal.local_date(t)),
        extreme_weather: weather.iter().any(|w| w.covers(place, t)),
    }
}

/// A technician's standing at an instant, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cover {
    /// On a regular shift covering the place.
    Working,
    /// On call for the place.
    OnCall,
    /// No shift now, but their profile covers the territory (available in
    /// normal working time only).
    Territory,
    /// Neither.
    Off,
}

impl Cover {
    pub fn as_str(self) -> &'static str {
        match self {
            Cover::Working => "working",
            Cover::OnCall => "on_call",
            Cover::Territory => "territory",
            Cover::Off => "off",
        }
    }

    /// Whether a technician with this standing is offered as available.
    pub fn available(self, s: Situation) -> bool {
        match self {
            Cover::Working | Cover::OnCall => true,
            Cover::Territory => s.normal(),
            Cover::Off => false,
        }
    }
}

/// A technician's standing at `t` for `place`: a covering shift (a regular
/// one beats on call), else their profile's territory, else off.
pub fn cover_of(
    technician_id: i64,
    profile_covers: bool,
    shifts: &[Shift],
    place: &Territory,
    t: DateTime<Utc>,
) -> Cover {
    shifts
        .iter()
        .filter(|s| s.technician_id == technician_id && s.covers(place, t))
        .map(|s| match s.kind {
            ShiftKind::Regular => Cover::Working,
            ShiftKind::OnCall => Cover::OnCall,
        })
        .min()
        .unwrap_or(if profile_covers {
            Cover::Territory
        } else {
            Cover::Off
        })
}

/// Technicians with a shift covering `place` at `t`, each once with their
/// strongest standing, ordered by id.
pub fn on_duty(shifts: &[Shift], place: &Territory, t: DateTime<Utc>) -> Vec<(i64, Cover)> {
    let mut ids: Vec<i64> = shifts
        .iter()
        .filter(|s| s.covers(place, t))
        .map(|s| s.technician_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| (id, cover_of(id, false, shifts, place, t)))
        .collect()
}

/// Who escalations reach beyond the roles: the technicians **on call**
/// (not merely working) for `place` at `t`.
pub fn on_call_for_escalation(shifts: &[Shift], place: &Territory, t: DateTime<Utc>) -> Vec<i64> {
    on_duty(shifts, place, t)
        .into_iter()
        .filter(|(_, c)| *c == Cover::OnCall)
        .map(|(id, _)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Country;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn fi() -> Territory {
        Territory::new("FI", None)
    }

    fn shift(id: i64, from: DateTime<Utc>, to: DateTime<Utc>, kind: ShiftKind) -> Shift {
        Shift {
            technician_id: id,
            starts_at: from,
            ends_at: to,
            kind,
            territory: fi(),
        }
    }

    fn helsinki() -> BusinessCalendar {
        BusinessCalendar::standard(chrono_tz::Europe::Helsinki, Some(Country::Fi))
    }

    #[test]
    fn territories_cover_their_country_and_region() {
        let uusimaa = Territory::new("FI", Some("Uusimaa"));
        assert!(fi().covers(&uusimaa));
        assert!(uusimaa.covers(&Territory::new("fi", Some("uusimaa"))));
        assert!(!uusimaa.covers(&Territory::new("FI", Some("Lapland"))));
        assert!(
            uusimaa.covers(&fi()),
            "a place of unknown region is covered"
        );
        assert!(!fi().covers(&Territory::new("SE", None)));
    }

    #[test]
    fn the_situation_reads_hours_holidays_and_weather() {
        let cal = helsinki();
        // Tuesday 2026-12-08 10:00 Helsinki (08:00 UTC): working time.
        let s = situation(&cal, &[], &fi(), at(2026, 12, 8, 8));
        assert!(s.normal());
        // 22:00 Helsinki: evening.
        let s = situation(&cal, &[], &fi(), at(2026, 12, 8, 20));
        assert!(!s.business_hours && !s.normal());
        // Independence Day (6 Dec) and Christmas Day are holidays.
        let s = situation(&cal, &[], &fi(), at(2026, 12, 25, 9));
        assert!(s.holiday && !s.normal());
        let storm = WeatherPeriod {
            territory: fi(),
            from: at(2026, 12, 8, 0),
            until: at(2026, 12, 9, 0),
        };
        let s = situation(
            &cal,
            std::slice::from_ref(&storm),
            &fi(),
            at(2026, 12, 8, 8),
        );
        assert!(s.extreme_weather && !s.normal());
        // The storm is Finland's, not Sweden's; and it ends.
        let se = Territory::new("SE", None);
        assert!(
            !situation(&cal, std::slice::from_ref(&storm), &se, at(2026, 12, 8, 8)).extreme_weather
        );
        assert!(!situation(&cal, &[storm], &fi(), at(2026, 12, 9, 0)).extreme_weather);
    }

    #[test]
    fn outside_working_time_only_shifts_make_someone_available() {
        let night = at(2026, 12, 8, 22);
        let shifts = vec![
            shift(
                1,
                at(2026, 12, 8, 15),
                at(2026, 12, 9, 6),
                ShiftKind::OnCall,
            ),
            shift(
                2,
                at(2026, 12, 8, 6),
                at(2026, 12, 8, 15),
                ShiftKind::Regular,
            ),
        ];
        let s = situation(&helsinki(), &[], &fi(), night);
        assert_eq!(cover_of(1, true, &shifts, &fi(), night), Cover::OnCall);
        assert_eq!(cover_of(2, true, &shifts, &fi(), night), Cover::Territory);
        assert_eq!(cover_of(3, false, &shifts, &fi(), night), Cover::Off);
        assert!(Cover::OnCall.available(s));
        assert!(!Cover::Territory.available(s));
        // In working time the territory's technicians are available too.
        let day = at(2026, 12, 8, 9);
        let s = situation(&helsinki(), &[], &fi(), day);
        assert!(Cover::Territory.available(s));
        assert!(!Cover::Off.available(s));
        assert_eq!(cover_of(2, true, &shifts, &fi(), day), Cover::Working);
    }

    #[test]
    fn a_regular_shift_beats_on_call_and_ends_are_exclusive() {
        let t = at(2026, 12, 8, 10);
        let shifts = vec![
            shift(1, at(2026, 12, 8, 0), at(2026, 12, 9, 0), ShiftKind::OnCall),
            shift(
                1,
                at(2026, 12, 8, 6),
                at(2026, 12, 8, 10),
                ShiftKind::Regular,
            ),
            shift(
                2,
                at(2026, 12, 8, 6),
                at(2026, 12, 8, 14),
                ShiftKind::Regular,
            ),
        ];
        assert_eq!(
            on_duty(&shifts, &fi(), t),
            vec![(1, Cover::OnCall), (2, Cover::Working)]
        );
        assert_eq!(on_call_for_escalation(&shifts, &fi(), t), vec![1]);
        assert!(on_duty(&shifts, &Territory::new("SE", None), t).is_empty());
    }

    #[test]
    fn kinds_round_trip() {
        for k in [ShiftKind::Regular, ShiftKind::OnCall] {
            assert_eq!(ShiftKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ShiftKind::parse("standby"), None);
    }
}
