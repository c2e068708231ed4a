//! A building's maintenance window: the weekdays and hours work may happen,
//! blackout dates (on top of the country's public holidays) and the region
//! technicians' territories refer to. Buildings without one get Mon–Fri
//! 08:00–17:00 in their own time zone.

use super::{scheduler, split_list};
use crate::audit::{self, Actor};
use crate::buildings;
use crate::business_hours::{parse_time, weekdays, DAY_NAMES};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::NaiveDate;
use hoistway_desk::{BusinessCalendar, Country, OpeningHours};
use hoistway_domain::text::{optional_text, parse_date};
use hoistway_domain::{Invalid, Scope};
use hoistway_maintenance::schedule::Site;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MaintenanceWindow {
    pub building_id: i64,
    /// `mon` … `sun`.
    pub working_days: Vec<String>,
    /// Local time `HH:MM`.
    pub opens: String,
    pub closes: String,
    /// YYYY-MM-DD dates with no maintenance (on top of public holidays).
    pub blackout_dates: Vec<String>,
    /// Region within the country, matched against technicians' territories.
    pub region: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    pub working_days: Option<Vec<String>>,
    pub opens: Option<String>,
    pub closes: Option<String>,
    pub blackout_dates: Option<Vec<String>>,
    pub region: Option<String>,
}

fn default_window(building_id: i64) -> MaintenanceWindow {
    MaintenanceWindow {
        building_id,
        working_days: DAY_NAMES[..5].iter().map(|d| d.to_string()).collect(),
        opens: "08:00".into(),
        closes: "17:00".into(),
        blackout_dates: vec![],
        region: None,
    }
}

impl MaintenanceWindow {
    /// The calendar the scheduler plans in.
    fn calendar(&self, timezone: &str, country: &str) -> Result<BusinessCalendar, Invalid> {
        let tz = timezone
            .parse()
            .map_err(|_| Invalid::new("timezone", format!("unknown time zone {timezone}")))?;
        let hours = OpeningHours::new(
            parse_time("opens", &self.opens)?,
            parse_time("closes", &self.closes)?,
        )
        .map_err(|e| Invalid::new("closes", e.to_string()))?;
        let blackout = self
            .blackout_dates
            .iter()
            .map(|d| parse_date("blackout_dates", d))
            .collect::<Result<Vec<NaiveDate>, _>>()?;
        BusinessCalendar::new(
            tz,
            Country::parse(country).ok(),
            &weekdays("working_days", &self.working_days)?,
            hours,
            &blackout,
        )
        .map_err(|e| Invalid::new("working_days", e.to_string()))
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<MaintenanceWindow, sqlx::Error> {
    Ok(MaintenanceWindow {
        building_id: r.int("building_id")?,
        working_days: split_list(&r.text("working_days")?),
        opens: r.text("opens")?,
        closes: r.text("closes")?,
        blackout_dates: split_list(&r.text("blackout_dates")?),
        region: r.opt_text("region")?,
    })
}

async fn stored(tx: &mut Tx<'_>, building_id: i64) -> Result<MaintenanceWindow> {
    let mut sql = Sql::new("SELECT * FROM maintenance_windows WHERE building_id = ");
    sql.bind(building_id);
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => from_row(&r)?,
        None => default_window(building_id),
    })
}

pub async fn get(db: &Db, scope: &Scope, building_id: i64) -> Result<MaintenanceWindow> {
    let mut tx = db.begin().await?;
    buildings::fetch(&mut *tx, scope, building_id).await?;
    stored(&mut tx, building_id).await
}

/// Replaces the fields sent and reschedules the building's units at once.
pub async fn set(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    building_id: i64,
    input: WindowInput,
) -> Result<MaintenanceWindow> {
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, building_id).await?;
    let before = stored(&mut tx, building_id).await?;
    let mut w = before.clone();
    if let Some(days) = input.working_days {
        let mut parsed = weekdays("working_days", &days)?;
        parsed.sort_by_key(|d| d.num_days_from_monday());
        parsed.dedup();
        w.working_days = parsed
            .iter()
            .map(|d| DAY_NAMES[d.num_days_from_monday() as usize].to_string())
            .collect();
    }
    if let Some(o) = input.opens {
        w.opens = parse_time("opens", &o)?.format("%H:%M").to_string();
    }
    if let Some(c) = input.closes {
        w.closes = parse_time("closes", &c)?.format("%H:%M").to_string();
    }
    if let Some(b) = input.blackout_dates {
        let mut dates = b
            .iter()
            .map(|d| parse_date("blackout_dates", d).map(|d| d.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        dates.sort();
        dates.dedup();
        if dates.len() > 1000 {
            return Err(Invalid::new("blackout_dates", "at most 1000 dates").into());
        }
        w.blackout_dates = dates;
    }
    if input.region.is_some() {
        w.region = optional_text("region", input.region.as_deref(), 100)?;
    }
    // Refuses what the calendar cannot be built from (no day, closes first).
    w.calendar(&building.timezone, &building.country)?;
    let mut del = Sql::new("DELETE FROM maintenance_windows WHERE building_id = ");
    del.bind(building_id);
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new("INSERT INTO maintenance_windows (building_id, working_days, opens, closes, blackout_dates, region, updated_at) VALUES (");
    ins.bind(building_id)
        .push(", ")
        .bind(w.working_days.join(","))
        .push(", ")
        .bind(w.opens.clone())
        .push(", ")
        .bind(w.closes.clone());
    ins.push(", ")
        .bind(w.blackout_dates.join(","))
        .push(", ")
        .bind(w.region.clone())
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(")");
    ins.execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        Some(building.customer_id),
        "maintenance_window",
        building_id,
        "update",
        Some(&before),
        Some(&w),
    )
    .await?;
    let mut units = Sql::new("SELECT id FROM units WHERE building_id = ");
    units.bind(building_id);
    let ids = units
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<Vec<_>, _>>()?;
    scheduler::schedule_units(&mut tx, actor, &Default::default(), Some(&ids)).await?;
    tx.commit().await?;
    Ok(w)
}

/// The scheduler's view of `buildings`. A building whose stored window no
/// longer builds a calendar is skipped with a warning rather than failing
/// every other building's schedule.
pub(crate) async fn load_sites(tx: &mut Tx<'_>, buildings: &[i64]) -> Result<BTreeMap<i64, Site>> {
    let mut out = BTreeMap::new();
    if buildings.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new("SELECT b.id, b.country, b.timezone, w.building_id, w.working_days, w.opens, w.closes, w.blackout_dates, w.region FROM buildings b LEFT JOIN maintenance_windows w ON w.building_id = b.id WHERE b.id IN ");
    sql.bind_list(buildings);
    for r in sql.fetch_all(&mut **tx).await? {
        let id = r.int("id")?;
        let window = match r.opt_int("building_id")? {
            Some(_) => from_row(&r)?,
            None => default_window(id),
        };
        let country = r.text("country")?;
        match window.calendar(&r.text("timezone")?, &country) {
            Ok(calendar) => {
                out.insert(
                    id,
                    Site {
                        id,
                        country,
                        region: window.region,
                        calendar,
                    },
                );
            }
            Err(e) => {
                tracing::warn!(building = id, error = %e, "skipping building: bad maintenance window")
            }
        }
    }
    Ok(out)
}
