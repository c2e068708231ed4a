//! Maintenance plans, one per unit. Contracts create them (with the tier's
//! defaults) through [`sync_contract`]; a provider admin or operator may
//! change a plan, which makes it custom and reschedules its unit at once.

use super::{scheduler, stored_date};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::fleet::{Tier, UnitKind};
use hoistway_domain::{Invalid, Scope};
use hoistway_maintenance::plan::{check_intervals, inspection_months};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    pub contract_id: Option<i64>,
    /// A preventive visit at least every this many weeks…
    pub interval_weeks: u32,
    /// …or after this many starts, whichever comes first.
    pub interval_starts: Option<u64>,
    /// Authority inspection every this many months.
    pub inspection_months: Option<u32>,
    /// Changed by hand; tier changes no longer reset it.
    pub custom: bool,
    /// YYYY-MM-DD the chain counts from when the unit has no history.
    pub anchor_date: String,
    /// YYYY-MM-DD the plan took effect.
    pub since_date: String,
    pub until_date: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a PATCH may change on a plan.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    pub interval_weeks: Option<u32>,
    /// `null` turns the use trigger off.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub interval_starts: Option<Option<u64>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<u32>)]
    pub inspection_months: Option<Option<u32>>,
    pub active: Option<bool>,
}

/// Tells a missing field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn from_row(r: &AnyRow) -> Result<Plan, sqlx::Error> {
    Ok(Plan {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        contract_id: r.opt_int("contract_id")?,
        interval_weeks: r.int("interval_weeks")? as u32,
        interval_starts: r.opt_int("interval_starts")?.map(|s| s as u64),
        inspection_months: r.opt_int("inspection_months")?.map(|m| m as u32),
        custom: r.int("custom")? != 0,
        anchor_date: r.text("anchor_date")?,
        since_date: r.text("since_date")?,
        until_date: r.opt_text("until_date")?,
        active: r.int("active")? != 0,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

const SELECT: &str =
    "SELECT p.* FROM maintenance_plans p JOIN units u ON u.id = p.unit_id WHERE 1=1";

pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<Plan> {
    let mut sql = Sql::new(SELECT);
    sql.push(" AND p.id = ").bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("plan"))?;
    Ok(from_row(&row)?)
}

async fn for_unit(tx: &mut Tx<'_>, unit_id: i64) -> Result<Option<Plan>> {
    let mut sql = Sql::new("SELECT * FROM maintenance_plans WHERE unit_id = ");
    sql.bind(unit_id);
    Ok(sql
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| from_row(&r))
        .transpose()?)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Plan> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Plan>> {
    f.only(
        "plans",
        &["customer_id", "building_id", "contract_id", "unit_id"],
    )?;
    let mut sql = Sql::new(SELECT);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND p.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND u.building_id = ").bind(b);
    }
    if let Some(c) = f.contract_id {
        sql.push(" AND p.contract_id = ").bind(c);
    }
    if let Some(u) = f.unit_id {
        sql.push(" AND p.unit_id = ").bind(u);
    }
    let limit = finish(&mut sql, "p", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |p| p.id))
}

/// Changes a plan by hand and reschedules its unit in the same transaction.
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Plan> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let p: PlanPatch =
        serde_json::from_value(changes).map_err(|e| Invalid::new("body", e.to_string()))?;
    let weeks = p.interval_weeks.unwrap_or(before.interval_weeks);
    let starts = p.interval_starts.unwrap_or(before.interval_starts);
    let months = p.inspection_months.unwrap_or(before.inspection_months);
    check_intervals(weeks, starts, months)?;
    let active = p.active.unwrap_or(before.active);
    let today = actor.at.date_naive().to_string();
    let mut sql = Sql::new("UPDATE maintenance_plans SET interval_weeks = ");
    sql.bind(i64::from(weeks))
        .push(", interval_starts = ")
        .bind(starts.map(|s| s as i64))
        .push(", inspection_months = ")
        .bind(months.map(i64::from));
    sql.push(", active = ")
        .bind(i64::from(active))
        .push(", custom = 1, since_date = ")
        .bind(today)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis());
    sql.push(" WHERE id = ").bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "plan",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    if !active {
        scheduler::cancel_open(&mut tx, actor, &[after.unit_id], "plan deactivated").await?;
    }
    scheduler::schedule_units(&mut tx, actor, &Default::default(), Some(&[after.unit_id])).await?;
    tx.commit().await?;
    Ok(after)
}

/// What a contract says about its units' plans.
struct ContractTerms {
    customer_id: i64,
    tier: Tier,
    start: NaiveDate,
    end: Option<NaiveDate>,
    units: Vec<(i64, UnitKind, String)>,
}

async fn terms(tx: &mut Tx<'_>, contract_id: i64) -> Result<ContractTerms> {
    let mut sql = Sql::new("SELECT * FROM contracts WHERE id = ");
    sql.bind(contract_id);
    let c = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("contract"))?;
    let mut sql = Sql::new("SELECT u.id, u.kind, b.country FROM contract_units cu JOIN units u ON u.id = cu.unit_id JOIN buildings b ON b.id = u.building_id WHERE cu.contract_id = ");
    sql.bind(contract_id).push(" ORDER BY u.id");
    let mut units = Vec::new();
    for r in sql.fetch_all(&mut **tx).await? {
        units.push((
            r.int("id")?,
            UnitKind::parse(&r.text("kind")?)?,
            r.text("country")?,
        ));
    }
    Ok(ContractTerms {
        customer_id: c.int("customer_id")?,
        tier: Tier::parse(&c.text("tier")?)?,
        start: stored_date(&c.text("start_date")?)?,
        end: c
            .opt_text("end_date")?
            .map(|d| stored_date(&d))
            .transpose()?,
        units,
    })
}

/// THE hook of contract writes (create and update, inside their
/// transaction): every unit the contract covers gets a plan with the tier's
/// defaults (a custom plan keeps its intervals but follows the contract's
/// dates), units no longer covered lose their plan and open visits, and the
/// affected units are scheduled at once, so planned visits exist when the
/// contract write commits.
pub async fn sync_contract(tx: &mut Tx<'_>, actor: Actor, contract_id: i64) -> Result<()> {
    let t = terms(tx, contract_id).await?;
    let defaults = super::defaults::load(tx).await?;
    let today = actor.at.date_naive();
    let since = t.start.max(today);
    let now = actor.at.timestamp_millis();
    let mut touched = Vec::new();
    for (unit_id, kind, country) in &t.units {
        let d = defaults.get(t.tier, *kind);
        let months = inspection_months(country, *kind);
        let existing = for_unit(tx, *unit_id).await?;
        let (weeks, starts, insp) = match &existing {
            Some(p) if p.custom => (p.interval_weeks, p.interval_starts, p.inspection_months),
            _ => (d.interval_weeks, d.interval_starts, Some(months)),
        };
        let anchor = t.start.to_string();
        let until = t.end.map(|e| e.to_string());
        let unchanged = existing.as_ref().is_some_and(|p| {
            p.active
                && p.contract_id == Some(contract_id)
                && p.interval_weeks == weeks
                && p.interval_starts == starts
                && p.inspection_months == insp
                && p.anchor_date == anchor
                && p.until_date == until
        });
        if unchanged {
            continue;
        }
        let mut sql = match &existing {
            None => {
                let mut sql = Sql::new("INSERT INTO maintenance_plans (unit_id, customer_id, contract_id, interval_weeks, interval_starts, inspection_months, anchor_date, since_date, until_date, created_at, updated_at) VALUES (");
                sql.bind(*unit_id)
                    .push(", ")
                    .bind(t.customer_id)
                    .push(", ")
                    .bind(contract_id);
                sql.push(", ")
                    .bind(i64::from(weeks))
                    .push(", ")
                    .bind(starts.map(|s| s as i64))
                    .push(", ")
                    .bind(insp.map(i64::from));
                sql.push(", ")
                    .bind(anchor)
                    .push(", ")
                    .bind(since.to_string())
                    .push(", ")
                    .bind(until);
                sql.push(", ")
                    .bind(now)
                    .push(", ")
                    .bind(now)
                    .push(") RETURNING id");
                sql
            }
            Some(p) => {
                let mut sql = Sql::new("UPDATE maintenance_plans SET contract_id = ");
                sql.bind(contract_id)
                    .push(", interval_weeks = ")
                    .bind(i64::from(weeks))
                    .push(", interval_starts = ")
                    .bind(starts.map(|s| s as i64));
                sql.push(", inspection_months = ")
                    .bind(insp.map(i64::from))
                    .push(", anchor_date = ")
                    .bind(anchor)
                    .push(", since_date = ")
                    .bind(since.to_string());
                sql.push(", until_date = ")
                    .bind(until)
                    .push(", active = 1, updated_at = ")
                    .bind(now)
                    .push(" WHERE id = ")
                    .bind(p.id)
                    .push(" RETURNING id");
                sql
            }
        };
        let id = std::mem::replace(&mut sql, Sql::new(""))
            .fetch_one(&mut **tx)
            .await?
            .int("id")?;
        let after = fetch(tx, &Scope::All, id).await?;
        audit::record(
            tx,
            actor,
            Some(t.customer_id),
            "plan",
            id,
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            existing.as_ref(),
            Some(&after),
        )
        .await?;
        touched.push(*unit_id);
    }
    // Units this contract no longer covers.
    let mut sql = Sql::new("SELECT * FROM maintenance_plans WHERE active = 1 AND contract_id = ");
    sql.bind(contract_id);
    let covered: Vec<i64> = t.units.iter().map(|u| u.0).collect();
    let mut dropped = Vec::new();
    for r in sql.fetch_all(&mut **tx).await? {
        let p = from_row(&r)?;
        if covered.contains(&p.unit_id) {
            continue;
        }
        let mut off = Sql::new("UPDATE maintenance_plans SET active = 0, updated_at = ");
        off.bind(now).push(" WHERE id = ").bind(p.id);
        off.execute(&mut **tx).await?;
        let after = Plan {
            active: false,
            ..p.clone()
        };
        audit::record(
            tx,
            actor,
            Some(p.customer_id),
            "plan",
            p.id,
            "deactivate",
            Some(&p),
            Some(&after),
        )
        .await?;
        dropped.push(p.unit_id);
    }
    if !dropped.is_empty() {
        scheduler::cancel_open(tx, actor, &dropped, "unit left its contract").await?;
    }
    if !touched.is_empty() {
        scheduler::schedule_units(tx, actor, &Default::default(), Some(&touched)).await?;
    }
    Ok(())
}
