//! Dispatch suggestions of a case (issue #21): every active technician,
//! their standing at the instant (working, on call, territory, off), their
//! last known position and the predicted on-site time against the case's
//! response due time, ranked by `hoistway_desk::dispatch_rank`.
//!
//! A technician's position is the building of their latest case they were
//! on site at (or, live, are driving to or standing at), else their next
//! planned visit within a day, else an older case, else the first building of their territory;
//! without any of those they have no position and rank last, labelled so.

use super::{around, building_territory};
use crate::cases::{self, sla};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Duration, Utc};
use hoistway_desk::dispatch_rank::{
    self as rank, Candidate, Clues, LatLon, Reason, AVERAGE_ROAD_SPEED_KMH, DETOUR_FACTOR,
    EXTREME_WEATHER_SLOWDOWN, SET_OFF_MINUTES,
};
use hoistway_desk::on_call::{self as rules, Situation, Territory};
use hoistway_domain::Scope;
use serde::Serialize;

/// How far ahead a planned visit still says where someone will be: a
/// visit days away says nothing of where they are now (the demo showed a
/// technician placed 400 km off by next week's visit).
const NEXT_VISIT_HOURS: i64 = 24;

/// A position in degrees.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
}

/// The travel model's constants, so a reader of the answer knows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TravelModel {
    pub average_speed_kmh: f64,
    pub detour_factor: f64,
    pub set_off_minutes: i64,
    pub extreme_weather_slowdown: f64,
    /// What the model leaves out.
    pub ignores: String,
}

impl TravelModel {
    fn current() -> Self {
        Self {
            average_speed_kmh: AVERAGE_ROAD_SPEED_KMH,
            detour_factor: DETOUR_FACTOR,
            set_off_minutes: SET_OFF_MINUTES,
            extreme_weather_slowdown: EXTREME_WEATHER_SLOWDOWN,
            ignores: "traffic, real routes, the job a technician is on now, time of day".into(),
        }
    }
}

/// One ranked technician.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggested {
    pub technician_id: i64,
    pub name: String,
    /// Offered as available: on a shift or on call, or (in normal working
    /// time only) covering the territory.
    pub available: bool,
    /// `working`, `on_call`, `territory` or `off`.
    pub cover: String,
    /// `recent_case`, `next_visit`, `older_case`, `territory`; `null`
    /// when nothing is known of where they are.
    pub position_source: Option<String>,
    /// Straight-line distance to the building, km.
    pub distance_km: Option<f64>,
    pub travel_minutes: Option<i64>,
    pub predicted_on_site: Option<DateTime<Utc>>,
    /// Response due minus predicted on-site time, minutes; negative is late.
    pub slack_minutes: Option<i64>,
    pub meets_sla: Option<bool>,
    /// `meets_sla`, `misses_sla`, `no_sla_due`, `not_on_duty`,
    /// `no_position` or `building_unplaced`.
    pub reason: String,
    /// The reason in words.
    pub explanation: String,
}

/// The ranking of a case's technicians.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DispatchSuggestions {
    pub case_number: String,
    /// The instant the ranking is for.
    pub at: DateTime<Utc>,
    pub building_id: i64,
    pub building_position: Option<Position>,
    pub country: String,
    pub region: Option<String>,
    /// Technician on site by then (the response SLA).
    pub response_due: Option<DateTime<Utc>>,
    /// Within the building's business hours.
    pub business_hours: bool,
    /// A public holiday (or closed date) of the building's calendar.
    pub holiday: bool,
    /// Extreme weather declared for the building's territory now.
    pub extreme_weather: Vec<super::weather::WeatherPeriod>,
    /// What the operator should know first (extreme weather, outside
    /// working time), in words.
    pub notices: Vec<String>,
    pub model: TravelModel,
    /// Best first.
    pub suggestions: Vec<Suggested>,
}

fn explain(s: &rank::Suggestion) -> String {
    let when = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.format("%H:%M UTC").to_string())
            .unwrap_or_default()
    };
    match s.reason {
        Reason::MeetsSla => format!(
            "On site by {} ({} min), {} min before the response is due",
            when(s.predicted_on_site),
            s.travel_minutes.unwrap_or(0),
            s.slack_minutes.unwrap_or(0)
        ),
        Reason::MissesSla => format!(
            "On site by {} ({} min), {} min after the response is due",
            when(s.predicted_on_site),
            s.travel_minutes.unwrap_or(0),
            -s.slack_minutes.unwrap_or(0)
        ),
        Reason::NoSlaDue => format!(
            "On site by {} ({} min); the case has no response due time",
            when(s.predicted_on_site),
            s.travel_minutes.unwrap_or(0)
        ),
        Reason::NotOnDuty => "Not on shift or on call now".into(),
        Reason::NoPosition => "Nothing known of where they are: no prediction".into(),
        Reason::BuildingUnplaced => "The building has no coordinates: no prediction".into(),
    }
}

fn latlon(r: &sqlx::any::AnyRow) -> Result<Option<LatLon>> {
    Ok(r.opt_float("latitude")?
        .zip(r.opt_float("longitude")?)
        .map(|(lat, lon)| LatLon { lat, lon }))
}

/// What is known of where `technician_id` is at `at`; `live` adds the case
/// they are driving to or standing at now.
async fn clues(
    tx: &mut Tx<'_>,
    technician_id: i64,
    countries: &[String],
    at: DateTime<Utc>,
    except_case: i64,
    live: bool,
) -> Result<Clues> {
    let mut out = Clues::default();
    if live {
        let mut sql = Sql::new(
            "SELECT b.latitude, b.longitude FROM cases c JOIN buildings b ON b.id = c.building_id \
             WHERE c.status IN ('en_route', 'on_site') AND b.latitude IS NOT NULL AND c.technician_id = ",
        );
        sql.bind(technician_id)
            .push(" AND c.id <> ")
            .bind(except_case)
            .push(" ORDER BY c.updated_at DESC LIMIT 1");
        if let Some(r) = sql.fetch_optional(&mut **tx).await? {
            out.last_case = latlon(&r)?.map(|p| (p, at));
        }
    }
    if out.last_case.is_none() {
        let mut sql = Sql::new(
            "SELECT b.latitude, b.longitude, c.first_on_site_at FROM cases c \
             JOIN buildings b ON b.id = c.building_id \
             WHERE b.latitude IS NOT NULL AND c.first_on_site_at IS NOT NULL AND c.technician_id = ",
        );
        sql.bind(technician_id)
            .push(" AND c.first_on_site_at <= ")
            .bind(at.timestamp_millis())
            .push(" AND c.id <> ")
            .bind(except_case)
            .push(" ORDER BY c.first_on_site_at DESC LIMIT 1");
        if let Some(r) = sql.fetch_optional(&mut **tx).await? {
            let since = r.instant("first_on_site_at")?;
            out.last_case = latlon(&r)?.map(|p| (p, since));
        }
    }
    let mut sql = Sql::new(
        "SELECT b.latitude, b.longitude FROM visits v JOIN units un ON un.id = v.unit_id \
         JOIN buildings b ON b.id = un.building_id \
         WHERE v.status <> 'cancelled' AND b.latitude IS NOT NULL AND v.technician_id = ",
    );
    sql.bind(technician_id)
        .push(" AND v.planned_for >= ")
        .bind(at.timestamp_millis())
        .push(" AND v.planned_for < ")
        .bind((at + Duration::hours(NEXT_VISIT_HOURS)).timestamp_millis())
        .push(" ORDER BY v.planned_for LIMIT 1");
    if let Some(r) = sql.fetch_optional(&mut **tx).await? {
        out.next_visit = latlon(&r)?;
    }
    if !countries.is_empty() {
        let mut sql = Sql::new(
            "SELECT latitude, longitude FROM buildings WHERE latitude IS NOT NULL AND country IN (",
        );
        for (i, c) in countries.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(c.to_ascii_uppercase());
        }
        sql.push(") ORDER BY id LIMIT 1");
        if let Some(r) = sql.fetch_optional(&mut **tx).await? {
            out.territory = latlon(&r)?;
        }
    }
    Ok(out)
}

/// A technician as the ranking needs them.
struct Tech {
    id: i64,
    name: String,
    countries: Vec<String>,
    regions: Vec<String>,
}

async fn technicians(tx: &mut Tx<'_>) -> Result<Vec<Tech>> {
    let sql = Sql::new(
        "SELECT u.id, u.name, p.countries, p.regions FROM users u \
         LEFT JOIN technician_profiles p ON p.user_id = u.id \
         WHERE u.role = 'technician' AND u.disabled = 0 ORDER BY u.id",
    );
    let list = |s: Option<String>| {
        s.unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    sql.fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Tech {
                id: r.int("id")?,
                name: r.text("name")?,
                countries: list(r.opt_text("countries")?),
                regions: list(r.opt_text("regions")?),
            })
        })
        .collect()
}

fn profile_covers(t: &Tech, place: &Territory) -> bool {
    let country = t
        .countries
        .iter()
        .any(|c| c.eq_ignore_ascii_case(&place.country));
    let region = t.regions.is_empty()
        || place
            .region
            .as_ref()
            .is_none_or(|r| t.regions.iter().any(|x| x.eq_ignore_ascii_case(r)));
    country && region
}

/// The case facts a ranking needs.
pub(crate) struct CaseFacts {
    pub id: i64,
    pub number: String,
    pub building_id: i64,
    pub response_due: Option<DateTime<Utc>>,
}

/// Ranks every active technician for `case` at `at`.
pub(crate) async fn rank_for(
    tx: &mut Tx<'_>,
    case: &CaseFacts,
    at: DateTime<Utc>,
    live: bool,
) -> Result<DispatchSuggestions> {
    let place = building_territory(tx, case.building_id).await?;
    let mut b = Sql::new("SELECT latitude, longitude FROM buildings WHERE id = ");
    b.bind(case.building_id);
    let building = latlon(&b.fetch_one(&mut **tx).await?)?;
    let cal = sla::calendar(tx, case.building_id).await?;
    let (shifts, weather) = around(tx, &place.country, at).await?;
    let rule_shifts: Vec<_> = shifts.iter().map(|s| s.rule()).collect();
    let rule_weather: Vec<_> = weather.iter().map(|w| w.rule()).collect();
    let situation: Situation = rules::situation(&cal, &rule_weather, &place, at);
    let techs = technicians(tx).await?;
    let mut candidates = Vec::with_capacity(techs.len());
    for t in &techs {
        let cover = rules::cover_of(t.id, profile_covers(t, &place), &rule_shifts, &place, at);
        let c = clues(tx, t.id, &t.countries, at, case.id, live).await?;
        candidates.push(Candidate {
            technician_id: t.id,
            cover,
            position: rank::position(&c, at),
        });
    }
    let ranked = rank::rank(&candidates, building, case.response_due, situation, at);
    let mut notices = Vec::new();
    let storms: Vec<_> = weather
        .into_iter()
        .filter(|w| w.rule().covers(&place, at))
        .collect();
    for w in &storms {
        notices.push(format!(
            "Extreme weather declared until {}: {}. Only technicians on shift or on call are offered; travel is estimated {}× slower; SLA targets are unchanged.",
            w.until.format("%Y-%m-%d %H:%M UTC"),
            w.note,
            EXTREME_WEATHER_SLOWDOWN
        ));
    }
    if !situation.extreme_weather && !situation.normal() {
        notices.push(if situation.holiday {
            "Public holiday: only technicians on shift or on call are offered.".to_string()
        } else {
            "Outside business hours: only technicians on shift or on call are offered.".to_string()
        });
    }
    let suggestions = ranked
        .iter()
        .map(|s| Suggested {
            technician_id: s.technician_id,
            name: techs
                .iter()
                .find(|t| t.id == s.technician_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            available: s.available,
            cover: s.cover.as_str().to_string(),
            position_source: s.position_source.map(|p| p.as_str().to_string()),
            distance_km: s.distance_km,
            travel_minutes: s.travel_minutes,
            predicted_on_site: s.predicted_on_site,
            slack_minutes: s.slack_minutes,
            meets_sla: s.meets_sla,
            reason: serde_json::to_value(s.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            explanation: explain(s),
        })
        .collect();
    Ok(DispatchSuggestions {
        case_number: case.number.clone(),
        at,
        building_id: case.building_id,
        building_position: building.map(|p| Position {
            latitude: p.lat,
            longitude: p.lon,
        }),
        country: place.country,
        region: place.region,
        response_due: case.response_due,
        business_hours: situation.business_hours,
        holiday: situation.holiday,
        extreme_weather: storms,
        notices,
        model: TravelModel::current(),
        suggestions,
    })
}

/// The ranking for a case the caller can see, now.
pub async fn for_case(
    db: &Db,
    scope: &Scope,
    number: &str,
    now: DateTime<Utc>,
) -> Result<DispatchSuggestions> {
    let mut tx = db.begin().await?;
    let case = cases::fetch(&mut tx, scope, number).await?;
    let facts = CaseFacts {
        id: case.id,
        number: case.number.clone(),
        building_id: case.building_id,
        response_due: case.sla.response_due,
    };
    rank_for(&mut tx, &facts, now, true).await
}
