//! Dispatch that suggests (issue #21): rank technicians for a case by
//! estimated arrival and SLA slack.
//!
//! The travel model is deliberately simple and named here so its limits
//! are plain: the great-circle (haversine) distance between the
//! technician's last known position and the building, times a detour
//! factor for roads, driven at an average speed, plus a fixed set-off time
//! (finishing up, walking to the van). It ignores traffic, real routes,
//! ferries and borders, the job the technician is on, and the time of day;
//! declared extreme weather slows the drive by a fixed factor.
//!
//! The ranking: available technicians first (see [`crate::on_call`]:
//! outside working time only those on a shift); then those with a known
//! position; then those whose predicted on-site time meets the response
//! SLA; then the earliest predicted arrival; ties by standing and id.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::on_call::{Cover, Situation};

/// Average road speed, km/h: mixed urban and suburban driving of a service
/// van, between city traffic (~25) and ring roads (~60).
pub const AVERAGE_ROAD_SPEED_KMH: f64 = 40.0;
/// Road distance over straight-line distance; 1.3 is the usual figure for
/// road networks in built-up areas.
pub const DETOUR_FACTOR: f64 = 1.3;
/// Minutes from accepting the job to driving off.
pub const SET_OFF_MINUTES: i64 = 15;
/// Travel takes this much longer during declared extreme weather.
pub const EXTREME_WEATHER_SLOWDOWN: f64 = 1.5;
/// A case the technician was on site at within this many hours is where
/// they are; older than that, their next planned visit says more.
pub const FRESH_POSITION_HOURS: i64 = 12;
/// Earth's mean radius, km.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// A position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// Great-circle distance in km.
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Minutes from the call to on site over `km` of straight-line distance.
pub fn travel_minutes(km: f64, extreme_weather: bool) -> i64 {
    let hours = km * DETOUR_FACTOR / AVERAGE_ROAD_SPEED_KMH;
    let slow = if extreme_weather {
        EXTREME_WEATHER_SLOWDOWN
    } else {
        1.0
    };
    SET_OFF_MINUTES + (hours * 60.0 * slow).ceil() as i64
}

/// Where a technician's position estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionSource {
    /// The building of a case they were on site at (or driving to)
    /// within [`FRESH_POSITION_HOURS`].
    RecentCase,
    /// The building of their next planned visit.
    NextVisit,
    /// The building of an older case they were on site at.
    OlderCase,
    /// The first building of their territory: a guess.
    Territory,
}

impl PositionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PositionSource::RecentCase => "recent_case",
            PositionSource::NextVisit => "next_visit",
            PositionSource::OlderCase => "older_case",
            PositionSource::Territory => "territory",
        }
    }
}

/// What is known of where a technician is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clues {
    /// Their latest case on site (or en route) and since when.
    pub last_case: Option<(LatLon, DateTime<Utc>)>,
    /// Their next planned visit.
    pub next_visit: Option<LatLon>,
    /// Their territory's first building.
    pub territory: Option<LatLon>,
}

/// The best position estimate at `now`: a fresh case, then the next
/// visit, then an older case, then the territory's first building.
pub fn position(clues: &Clues, now: DateTime<Utc>) -> Option<(LatLon, PositionSource)> {
    if let Some((p, at)) = clues.last_case {
        if now - at <= Duration::hours(FRESH_POSITION_HOURS) {
            return Some((p, PositionSource::RecentCase));
        }
    }
    clues
        .next_visit
        .map(|p| (p, PositionSource::NextVisit))
        .or(clues.last_case.map(|(p, _)| (p, PositionSource::OlderCase)))
        .or(clues.territory.map(|p| (p, PositionSource::Territory)))
}

/// One technician to rank.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub technician_id: i64,
    pub cover: Cover,
    pub position: Option<(LatLon, PositionSource)>,
}

/// Why a suggestion sits where it does, for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Available, and predicted on site within the response SLA.
    MeetsSla,
    /// Available, but predicted on site after the response is due.
    MissesSla,
    /// Available; the case has no response due time.
    NoSlaDue,
    /// Not on shift or on call now (outside working time).
    NotOnDuty,
    /// No known position: no prediction.
    NoPosition,
    /// The building has no coordinates: no prediction for anyone.
    BuildingUnplaced,
}

/// A ranked technician.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub technician_id: i64,
    pub cover: Cover,
    pub available: bool,
    pub position_source: Option<PositionSource>,
    pub distance_km: Option<f64>,
    pub travel_minutes: Option<i64>,
    pub predicted_on_site: Option<DateTime<Utc>>,
    /// Response due minus predicted on site, minutes (negative: late).
    pub slack_minutes: Option<i64>,
    pub meets_sla: Option<bool>,
    pub reason: Reason,
}

/// Ranks `candidates` for a case at `building` (its coordinates, if any)
/// whose response is due at `response_due`, called at `now`.
pub fn rank(
    candidates: &[Candidate],
    building: Option<LatLon>,
    response_due: Option<DateTime<Utc>>,
    situation: Situation,
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .map(|c| {
            let available = c.cover.available(situation);
            let from = c.position.zip(building);
            let distance_km = from.map(|((p, _), b)| haversine_km(p, b));
            let travel = distance_km.map(|km| travel_minutes(km, situation.extreme_weather));
            let predicted = travel.map(|m| now + Duration::minutes(m));
            let slack = predicted
                .zip(response_due)
                .map(|(p, due)| (due - p).num_minutes());
            let meets_sla = predicted.zip(response_due).map(|(p, due)| p <= due);
            let reason = if building.is_none() {
                Reason::BuildingUnplaced
            } else if c.position.is_none() {
                Reason::NoPosition
            } else if !available {
                Reason::NotOnDuty
            } else {
                match meets_sla {
                    Some(true) => Reason::MeetsSla,
                    Some(false) => Reason::MissesSla,
                    None => Reason::NoSlaDue,
                }
            };
            Suggestion {
                technician_id: c.technician_id,
                cover: c.cover,
                available,
                position_source: c.position.map(|(_, s)| s),
                distance_km: distance_km.map(|d| (d * 10.0).round() / 10.0),
                travel_minutes: travel,
                predicted_on_site: predicted,
                slack_minutes: slack,
                meets_sla,
                reason,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |s: &Suggestion| {
            (
                !s.available,
                s.predicted_on_site.is_none(),
                s.meets_sla != Some(true),
                s.predicted_on_site,
                s.cover,
                s.technician_id,
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const HELSINKI: LatLon = LatLon {
        lat: 60.1699,
        lon: 24.9384,
    };
    const ESPOO: LatLon = LatLon {
        lat: 60.2055,
        lon: 24.6559,
    };
    const TAMPERE: LatLon = LatLon {
        lat: 61.4978,
        lon: 23.7610,
    };

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, 8, 0, 0).unwrap()
    }

    fn normal() -> Situation {
        Situation {
            business_hours: true,
            holiday: false,
            extreme_weather: false,
        }
    }

    fn cand(id: i64, cover: Cover, p: Option<LatLon>) -> Candidate {
        Candidate {
            technician_id: id,
            cover,
            position: p.map(|p| (p, PositionSource::RecentCase)),
        }
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Helsinki–Tampere is about 160 km as the crow flies.
        let d = haversine_km(HELSINKI, TAMPERE);
        assert!((155.0..165.0).contains(&d), "{d}");
        assert!(haversine_km(HELSINKI, HELSINKI).abs() < 1e-9);
        // Symmetric.
        assert!((haversine_km(ESPOO, HELSINKI) - haversine_km(HELSINKI, ESPOO)).abs() < 1e-9);
    }

    #[test]
    fn travel_is_set_off_plus_driving_and_slower_in_storms() {
        assert_eq!(travel_minutes(0.0, false), SET_OFF_MINUTES);
        // 40 km straight → 52 km road → 78 min at 40 km/h.
        assert_eq!(travel_minutes(40.0, false), SET_OFF_MINUTES + 78);
        assert_eq!(travel_minutes(40.0, true), SET_OFF_MINUTES + 117);
    }

    #[test]
    fn a_fresh_case_beats_the_next_visit_which_beats_an_old_case() {
        let clues = Clues {
            last_case: Some((ESPOO, now() - Duration::hours(2))),
            next_visit: Some(TAMPERE),
            territory: Some(HELSINKI),
        };
        assert_eq!(
            position(&clues, now()),
            Some((ESPOO, PositionSource::RecentCase))
        );
        let stale = Clues {
            last_case: Some((ESPOO, now() - Duration::hours(FRESH_POSITION_HOURS + 1))),
            ..clues
        };
        assert_eq!(
            position(&stale, now()),
            Some((TAMPERE, PositionSource::NextVisit))
        );
        let no_visit = Clues {
            next_visit: None,
            ..stale
        };
        assert_eq!(
            position(&no_visit, now()),
            Some((ESPOO, PositionSource::OlderCase))
        );
        let only_territory = Clues {
            territory: Some(HELSINKI),
            ..Clues::default()
        };
        assert_eq!(
            position(&only_territory, now()),
            Some((HELSINKI, PositionSource::Territory))
        );
        assert_eq!(position(&Clues::default(), now()), None);
    }

    #[test]
    fn available_first_then_meeting_the_sla_then_earliest() {
        let due = now() + Duration::minutes(60);
        let ranked = rank(
            &[
                cand(1, Cover::Territory, Some(TAMPERE)), // far: misses
                cand(2, Cover::Off, Some(HELSINKI)),      // not available
                cand(3, Cover::Territory, Some(ESPOO)),   // near: meets
                cand(4, Cover::OnCall, None),             // no position
                cand(5, Cover::Working, Some(HELSINKI)),  // nearest
            ],
            Some(HELSINKI),
            Some(due),
            normal(),
            now(),
        );
        let order: Vec<i64> = ranked.iter().map(|s| s.technician_id).collect();
        assert_eq!(order, vec![5, 3, 1, 4, 2]);
        assert_eq!(ranked[0].reason, Reason::MeetsSla);
        assert_eq!(
            ranked[0].predicted_on_site,
            Some(now() + Duration::minutes(SET_OFF_MINUTES))
        );
        assert_eq!(ranked[0].slack_minutes, Some(60 - SET_OFF_MINUTES));
        assert_eq!(ranked[2].reason, Reason::MissesSla);
        assert!(ranked[2].slack_minutes.unwrap() < 0);
        assert_eq!(ranked[3].reason, Reason::NoPosition);
        assert_eq!(ranked[3].predicted_on_site, None);
        assert_eq!(ranked[4].reason, Reason::NotOnDuty);
        assert!(!ranked[4].available);
    }

    #[test]
    fn at_night_only_the_on_call_technician_is_available() {
        let night = Situation {
            business_hours: false,
            holiday: false,
            extreme_weather: false,
        };
        let ranked = rank(
            &[
                cand(1, Cover::Territory, Some(HELSINKI)),
                cand(2, Cover::OnCall, Some(TAMPERE)),
            ],
            Some(HELSINKI),
            Some(now() + Duration::hours(4)),
            night,
            now(),
        );
        assert_eq!(ranked[0].technician_id, 2);
        assert!(ranked[0].available && !ranked[1].available);
    }

    #[test]
    fn extreme_weather_slows_the_prediction_and_can_cost_the_sla() {
        let due = now() + Duration::minutes(30);
        let storm = Situation {
            extreme_weather: true,
            ..normal()
        };
        let c = [cand(1, Cover::OnCall, Some(ESPOO))];
        let calm = rank(&c, Some(HELSINKI), Some(due), normal(), now());
        let rough = rank(&c, Some(HELSINKI), Some(due), storm, now());
        assert!(rough[0].travel_minutes > calm[0].travel_minutes);
        assert!(rough[0].predicted_on_site > calm[0].predicted_on_site);
    }

    #[test]
    fn an_unplaced_building_gets_no_predictions() {
        let ranked = rank(
            &[cand(1, Cover::Working, Some(HELSINKI))],
            None,
            Some(now()),
            normal(),
            now(),
        );
        assert_eq!(ranked[0].reason, Reason::BuildingUnplaced);
        assert_eq!(ranked[0].predicted_on_site, None);
        assert_eq!(ranked[0].meets_sla, None);
    }
}
