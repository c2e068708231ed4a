//! Visits: reading them (list with filters, one by id) and changing them by
//! hand (reschedule, reassign, cancel). A visit is tenant data through its
//! unit: every read joins the unit and restricts it by the caller's scope.

use super::stored_date;
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{Page, MAX_LIMIT};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::text::{optional_text, parse_date};
use hoistway_domain::{Invalid, Role, Scope};
use hoistway_maintenance::{VisitKind, VisitStatus};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Visit {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub equipment_number: String,
    pub building_name: String,
    pub address: String,
    pub timezone: String,
    pub plan_id: Option<i64>,
    pub kind: VisitKind,
    pub status: VisitStatus,
    /// Why it was planned: time, use, catch_up, plan_start, inspection, manual.
    pub reason: String,
    /// YYYY-MM-DD the plan's chain is due (null for visits booked by hand).
    pub due_on: Option<String>,
    /// When the technician is expected on site.
    pub planned_for: DateTime<Utc>,
    /// The building's local date of `planned_for`.
    pub planned_date: String,
    pub duration_min: u32,
    pub technician_id: Option<i64>,
    /// Moved by hand; the scheduler leaves it where it is.
    pub pinned: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// A failed safety item is waiting to become a service case.
    pub case_pending: bool,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Query parameters of `GET /api/v1/visits`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VisitFilter {
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    pub customer_id: Option<i64>,
    pub portfolio_id: Option<i64>,
    pub building_id: Option<i64>,
    pub contract_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub technician_id: Option<i64>,
    /// preventive, inspection or follow_up.
    pub kind: Option<String>,
    /// planned, in_progress, completed, missed or cancelled.
    pub status: Option<String>,
    /// First local date, YYYY-MM-DD (inclusive).
    pub from: Option<String>,
    /// Last local date, YYYY-MM-DD (inclusive).
    pub to: Option<String>,
    /// Search over address, building name and equipment number.
    pub q: Option<String>,
}

const SELECT: &str = "SELECT v.*, u.building_id, u.equipment_number, b.name AS building_name, b.address, b.timezone FROM visits v JOIN units u ON u.id = v.unit_id JOIN buildings b ON b.id = u.building_id WHERE 1=1";

fn from_row(r: &AnyRow) -> Result<Visit> {
    Ok(Visit {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        equipment_number: r.text("equipment_number")?,
        building_name: r.text("building_name")?,
        address: r.text("address")?,
        timezone: r.text("timezone")?,
        plan_id: r.opt_int("plan_id")?,
        kind: VisitKind::parse(&r.text("kind")?)?,
        status: VisitStatus::parse(&r.text("status")?)?,
        reason: r.text("reason")?,
        due_on: r.opt_text("due_on")?,
        planned_for: r.instant("planned_for")?,
        planned_date: r.text("planned_date")?,
        duration_min: r.int("duration_min")? as u32,
        technician_id: r.opt_int("technician_id")?,
        pinned: r.int("pinned")? != 0,
        started_at: r.opt_int("started_at")?.map(crate::row::from_millis),
        completed_at: r.opt_int("completed_at")?.map(crate::row::from_millis),
        case_pending: r.int("case_pending")? != 0,
        notes: r.opt_text("notes")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<Visit> {
    let mut sql = Sql::new(SELECT);
    sql.push(" AND v.id = ").bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("visit"))?;
    from_row(&row)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Visit> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

/// Keyset cursor over `(planned_for, id)`: lists read in calendar order and
/// a page never repeats or skips a visit however the table grows.
fn parse_cursor(c: Option<&str>) -> Result<Option<(i64, i64)>, Invalid> {
    match c {
        None | Some("") => Ok(None),
        Some(c) => c
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .map(Some)
            .ok_or_else(|| Invalid::new("cursor", "is not a cursor this server issued")),
    }
}

/// The period a filter asks for, checked.
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Invalid> {
    let from = from.map(|d| parse_date("from", d)).transpose()?;
    let to = to.map(|d| parse_date("to", d)).transpose()?;
    hoistway_domain::text::ordered_dates("from", from.unwrap_or(NaiveDate::MIN), "to", to)?;
    Ok((from, to))
}

/// Builds the filtered query (without order and limit).
fn filtered(scope: &Scope, f: &VisitFilter) -> Result<Sql> {
    let mut sql = Sql::new(SELECT);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let eq = |sql: &mut Sql, col: &str, v: Option<i64>| {
        if let Some(v) = v {
            sql.push(&format!(" AND {col} = ")).bind(v);
        }
    };
    eq(&mut sql, "v.customer_id", f.customer_id);
    eq(&mut sql, "u.building_id", f.building_id);
    eq(&mut sql, "v.unit_id", f.unit_id);
    eq(&mut sql, "v.technician_id", f.technician_id);
    if let Some(p) = f.portfolio_id {
        sql.push(" AND u.building_id IN (SELECT building_id FROM portfolio_buildings WHERE portfolio_id = ")
            .bind(p)
            .push(")");
    }
    if let Some(c) = f.contract_id {
        sql.push(" AND v.unit_id IN (SELECT unit_id FROM contract_units WHERE contract_id = ")
            .bind(c)
            .push(")");
    }
    if let Some(k) = &f.kind {
        sql.push(" AND v.kind = ")
            .bind(VisitKind::parse(k)?.as_str().to_string());
    }
    if let Some(s) = &f.status {
        sql.push(" AND v.status = ")
            .bind(VisitStatus::parse(s)?.as_str().to_string());
    }
    let (from, to) = period(f.from.as_deref(), f.to.as_deref())?;
    if let Some(d) = from {
        sql.push(" AND v.planned_date >= ").bind(d.to_string());
    }
    if let Some(d) = to {
        sql.push(" AND v.planned_date <= ").bind(d.to_string());
    }
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if let Some(q) = q {
        let like = crate::page::like_pattern(q);
        sql.push(" AND (LOWER(b.address) LIKE ")
            .bind_like(like.clone())
            .push(" OR LOWER(b.name) LIKE ")
            .bind_like(like.clone())
            .push(" OR LOWER(u.equipment_number) LIKE ")
            .bind_like(like)
            .push(")");
    }
    Ok(sql)
}

pub async fn list(db: &Db, scope: &Scope, f: &VisitFilter) -> Result<Page<Visit>> {
    let limit = match f.limit {
        None => crate::page::DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return Err(Invalid::new("limit", format!("must be 1 to {MAX_LIMIT}")).into()),
    };
    let after = parse_cursor(f.cursor.as_deref())?;
    let mut sql = filtered(scope, f)?;
    if let Some((ms, id)) = after {
        sql.push(" AND (v.planned_for > ")
            .bind(ms)
            .push(" OR (v.planned_for = ")
            .bind(ms)
            .push(" AND v.id > ")
            .bind(id)
            .push("))");
    }
    sql.push(" ORDER BY v.planned_for, v.id LIMIT ")
        .bind(limit + 1);
    let mut items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            items
                .last()
                .map(|v| format!("{}.{}", v.planned_for.timestamp_millis(), v.id))
        })
        .flatten();
    Ok(Page { items, next_cursor })
}

/// Every visit matching `f`, up to `cap` (calendar feeds and exports).
pub async fn all(db: &Db, scope: &Scope, f: &VisitFilter, cap: i64) -> Result<Vec<Visit>> {
    let mut sql = filtered(scope, f)?;
    sql.push(" ORDER BY v.planned_for, v.id LIMIT ").bind(cap);
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// What a PATCH may change on a visit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitPatch {
    /// New start (RFC 3339); pins the visit so the scheduler leaves it there.
    pub planned_for: Option<DateTime<Utc>>,
    /// A technician's user id, or null to unassign.
    #[serde(default, deserialize_with = "some")]
    #[schema(value_type = Option<i64>)]
    pub technician_id: Option<Option<i64>>,
    pub notes: Option<String>,
    /// Only `cancelled`: other statuses follow from the work itself.
    pub status: Option<String>,
}

fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Reschedules, reassigns, annotates or cancels a visit.
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Visit> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let p: VisitPatch =
        serde_json::from_value(changes).map_err(|e| Invalid::new("body", e.to_string()))?;
    let mut status = before.status;
    if let Some(s) = &p.status {
        let to = VisitStatus::parse(s)?;
        if to != VisitStatus::Cancelled {
            return Err(Invalid::new("status", "only cancelled can be set by hand").into());
        }
        status = before.status.transition(to).map_err(super::rule)?;
    }
    let moving = p.planned_for.is_some() || p.technician_id.is_some();
    if moving && before.status != VisitStatus::Planned {
        return Err(StoreError::Conflict(format!(
            "a {} visit cannot be rescheduled",
            before.status
        )));
    }
    let planned_for = p.planned_for.unwrap_or(before.planned_for);
    let tz: chrono_tz::Tz = before
        .timezone
        .parse()
        .map_err(|_| Invalid::new("timezone", "the building's time zone is unknown"))?;
    let planned_date = planned_for.with_timezone(&tz).date_naive();
    if p.planned_for.is_some() && planned_date < actor.at.date_naive() {
        return Err(Invalid::new("planned_for", "cannot be moved into the past").into());
    }
    let technician_id = p.technician_id.unwrap_or(before.technician_id);
    if let Some(t) = technician_id.filter(|t| Some(*t) != before.technician_id) {
        let mut sql = Sql::new("SELECT role, disabled FROM users WHERE id = ");
        sql.bind(t);
        let ok = match sql.fetch_optional(&mut *tx).await? {
            Some(r) => r.text("role")? == Role::Technician.as_str() && r.int("disabled")? == 0,
            None => false,
        };
        if !ok {
            return Err(Invalid::new(
                "technician_id",
                format!("user {t} is not an active technician"),
            )
            .into());
        }
    }
    let notes = match &p.notes {
        Some(n) => optional_text("notes", Some(n), 2000)?,
        None => before.notes.clone(),
    };
    let mut sql = Sql::new("UPDATE visits SET status = ");
    sql.bind(status.as_str().to_string())
        .push(", planned_for = ")
        .bind(planned_for.timestamp_millis())
        .push(", planned_date = ")
        .bind(planned_date.to_string());
    sql.push(", technician_id = ")
        .bind(technician_id)
        .push(", notes = ")
        .bind(notes)
        .push(", pinned = ")
        .bind(i64::from(before.pinned || moving));
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "visit",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The local date a visit was planned for, parsed.
pub fn local_date(v: &Visit) -> Result<NaiveDate> {
    stored_date(&v.planned_date)
}
