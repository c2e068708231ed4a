//! On call and dispatch suggestions (issue #21): the rota ([`shifts`]),
//! declared extreme weather ([`weather`]), who is on call at an instant
//! (this module, over `hoistway_desk::on_call`) and the ranked dispatch
//! suggestions of a case ([`suggest`]), with their replay over the past
//! ([`replay`]).

pub mod replay;
pub mod shifts;
pub mod suggest;
pub mod weather;

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Tx;
use chrono::{DateTime, Duration, Utc};
use hoistway_desk::on_call::{self as rules, Cover, Territory};
use hoistway_domain::text::{optional_text, CountryCode};
use hoistway_domain::Invalid;
use serde::Serialize;

/// An RFC 3339 instant, or a refusal naming `field`.
pub fn parse_instant(field: &'static str, raw: &str) -> Result<DateTime<Utc>, Invalid> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Invalid::new(field, "an RFC 3339 instant such as 2026-12-07T16:00:00Z"))
}

/// A validated territory: upper-case country code, trimmed region.
pub fn territory_of(
    country: &str,
    region: Option<&str>,
) -> Result<(String, Option<String>), Invalid> {
    let country = CountryCode::parse(country)
        .map_err(|e| e.in_field("country"))?
        .into_inner()
        .to_ascii_uppercase();
    let region = optional_text("region", region, 100)?;
    Ok((country, region))
}

/// The territory a building is in: its country and the region of its
/// maintenance window, if one is set.
pub(crate) async fn building_territory(tx: &mut Tx<'_>, building_id: i64) -> Result<Territory> {
    let mut sql = Sql::new(
        "SELECT b.country, w.region FROM buildings b \
         LEFT JOIN maintenance_windows w ON w.building_id = b.id WHERE b.id = ",
    );
    sql.bind(building_id);
    let r = sql.fetch_one(&mut **tx).await?;
    Ok(Territory {
        country: r.text("country")?.to_ascii_uppercase(),
        region: r.opt_text("region")?.filter(|r| !r.trim().is_empty()),
    })
}

/// The rota entries and declarations of a country around `t`.
pub(crate) async fn around(
    tx: &mut Tx<'_>,
    country: &str,
    t: DateTime<Utc>,
) -> Result<(Vec<shifts::Shift>, Vec<weather::WeatherPeriod>)> {
    let w = shifts::ShiftWindow {
        from: t,
        to: t + Duration::milliseconds(1),
        country: Some(country.to_string()),
        technician_id: None,
    };
    let s = shifts::list(&mut **tx, &w).await?;
    let p = weather::list(&mut **tx, w.from, w.to, Some(country)).await?;
    Ok((s, p))
}

/// Technicians on call (not merely working) for a building at `t`: the
/// extra recipients of its escalations.
pub(crate) async fn on_call_for_building(
    tx: &mut Tx<'_>,
    building_id: i64,
    t: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let place = building_territory(tx, building_id).await?;
    let (s, _) = around(tx, &place.country, t).await?;
    let rules_shifts: Vec<_> = s.iter().map(|s| s.rule()).collect();
    Ok(rules::on_call_for_escalation(&rules_shifts, &place, t))
}

/// One technician on duty.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnDuty {
    pub technician_id: i64,
    pub name: String,
    /// `working` (a regular shift) or `on_call`.
    pub cover: String,
    /// The rota entry that puts them there (the one ending last).
    pub shift_id: i64,
    pub until: DateTime<Utc>,
    /// The entry's region; `null` for the whole country.
    pub region: Option<String>,
}

/// Who is on duty in a territory at an instant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnCallNow {
    pub at: DateTime<Utc>,
    pub country: String,
    pub region: Option<String>,
    /// Technicians on a shift or on call covering the territory.
    pub technicians: Vec<OnDuty>,
    /// Extreme weather declared for the territory at `at`.
    pub extreme_weather: Vec<weather::WeatherPeriod>,
}

/// Who is on duty in `country` (and `region`) at `at`.
pub async fn on_call_now(
    db: &crate::Db,
    at: DateTime<Utc>,
    country: &str,
    region: Option<&str>,
) -> Result<OnCallNow> {
    let (country, region) = territory_of(country, region)?;
    let place = Territory {
        country: country.clone(),
        region: region.clone(),
    };
    let mut tx = db.begin().await?;
    let (s, p) = around(&mut tx, &country, at).await?;
    let rule_shifts: Vec<_> = s.iter().map(|s| s.rule()).collect();
    let mut technicians = Vec::new();
    for (id, cover) in rules::on_duty(&rule_shifts, &place, at) {
        let kind = if cover == Cover::Working {
            "regular"
        } else {
            "on_call"
        };
        let Some(entry) = s
            .iter()
            .filter(|x| x.technician_id == id && x.kind == kind && x.rule().covers(&place, at))
            .max_by_key(|x| x.ends_at)
        else {
            continue;
        };
        technicians.push(OnDuty {
            technician_id: id,
            name: entry.technician_name.clone(),
            cover: cover.as_str().to_string(),
            shift_id: entry.id,
            until: entry.ends_at,
            region: entry.region.clone(),
        });
    }
    let extreme_weather = p
        .into_iter()
        .filter(|w| w.rule().covers(&place, at))
        .collect();
    Ok(OnCallNow {
        at,
        country,
        region,
        technicians,
        extreme_weather,
    })
}
