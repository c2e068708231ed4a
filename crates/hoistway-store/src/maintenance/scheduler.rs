//! The scheduler at the edge of the database: loads what the pure core
//! needs, runs it, and writes its changes with an audit row each, all in
//! the caller's transaction. [`run_scheduler`] is the daily job: it marks
//! visits whose day passed as missed, then (re)schedules every active plan.

use super::{sites, stored_date, technicians, usage};
use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::Clock;
use hoistway_maintenance::schedule::{
    self, Change, Config, ExistingVisit, History, PlannedVisit, Request, UnitPlan,
};
use hoistway_maintenance::{PlanRule, Usage, VisitKind, VisitStatus};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RunSummary {
    pub missed: usize,
    pub created: usize,
    pub moved: usize,
    pub cancelled: usize,
    pub kept: usize,
    pub unassigned: usize,
}

/// The visit fields an audit row of the scheduler records.
#[derive(Debug, Serialize)]
struct VisitAudit<'a> {
    unit_id: i64,
    kind: VisitKind,
    status: VisitStatus,
    reason: &'a str,
    due_on: Option<String>,
    planned_for: DateTime<Utc>,
    technician_id: Option<i64>,
}

/// The daily job: idempotent (a second run the same day changes nothing).
/// The lead adds a database lease around it so one node runs it.
pub async fn run_scheduler(db: &Db, clock: &dyn Clock, horizon_days: i64) -> Result<RunSummary> {
    let actor = Actor {
        user_id: None,
        at: clock.now(),
    };
    let config = Config {
        horizon_days,
        ..Config::default()
    };
    let mut tx = db.begin().await?;
    let missed = mark_missed(&mut tx, actor).await?;
    let mut summary = schedule_units(&mut tx, actor, &config, None).await?;
    summary.missed = missed;
    tx.commit().await?;
    tracing::info!(?summary, "maintenance scheduler ran");
    Ok(summary)
}

/// Planned visits whose local day is before today become `missed`; the
/// next scheduling run books a catch-up visit for them.
pub async fn mark_missed(tx: &mut Tx<'_>, actor: Actor) -> Result<usize> {
    let today = actor.at.date_naive().to_string();
    let mut sql = Sql::new(
        "SELECT id, unit_id, customer_id, planned_date FROM visits WHERE status = 'planned' AND planned_date < ",
    );
    sql.bind(today).push(" ORDER BY id");
    let rows = sql.fetch_all(&mut **tx).await?;
    for r in &rows {
        missed(tx, actor, r).await?;
    }
    Ok(rows.len())
}

/// Marks one planned visit missed (as [`mark_missed`] would on the day
/// after it), for a replay of past work where nobody came.
pub async fn mark_visit_missed(tx: &mut Tx<'_>, actor: Actor, id: i64) -> Result<()> {
    let mut sql = Sql::new(
        "SELECT id, unit_id, customer_id, planned_date FROM visits WHERE status = 'planned' AND id = ",
    );
    sql.bind(id);
    match sql.fetch_optional(&mut **tx).await? {
        Some(r) => missed(tx, actor, &r).await,
        None => Err(crate::StoreError::Conflict(format!(
            "visit {id} is not planned"
        ))),
    }
}

async fn missed(tx: &mut Tx<'_>, actor: Actor, r: &sqlx::any::AnyRow) -> Result<()> {
    let id = r.int("id")?;
    let mut up = Sql::new("UPDATE visits SET status = 'missed', updated_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    up.execute(&mut **tx).await?;
    audit::record(
        tx,
        actor,
        Some(r.int("customer_id")?),
        "visit",
        id,
        "missed",
        Some(&serde_json::json!({"status": "planned", "planned_date": r.text("planned_date")?})),
        Some(&serde_json::json!({"status": "missed"})),
    )
    .await
}

/// Cancels the open planned visits of `units` (a plan switched off, a unit
/// leaving its contract). Visits in progress are left to finish.
pub async fn cancel_open(tx: &mut Tx<'_>, actor: Actor, units: &[i64], why: &str) -> Result<()> {
    let mut sql =
        Sql::new("SELECT id, customer_id FROM visits WHERE status = 'planned' AND unit_id IN ");
    sql.bind_list(units).push(" ORDER BY id");
    for r in sql.fetch_all(&mut **tx).await? {
        cancel(tx, actor, r.int("id")?, r.int("customer_id")?, why).await?;
    }
    Ok(())
}

async fn cancel(tx: &mut Tx<'_>, actor: Actor, id: i64, customer: i64, why: &str) -> Result<()> {
    let mut up = Sql::new("UPDATE visits SET status = 'cancelled', notes = ");
    up.bind(why.to_string())
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND status = 'planned'");
    up.execute(&mut **tx).await?;
    audit::record(
        tx,
        actor,
        Some(customer),
        "visit",
        id,
        "cancel",
        Some(&serde_json::json!({"status": "planned"})),
        Some(&serde_json::json!({"status": "cancelled", "notes": why})),
    )
    .await
}

/// A unit's plan row joined with what the scheduler needs.
struct Loaded {
    plan: UnitPlan,
    plan_id: i64,
    customer_id: i64,
}

async fn load_plans(tx: &mut Tx<'_>, units: Option<&[i64]>) -> Result<Vec<Loaded>> {
    let mut sql = Sql::new("SELECT p.*, u.kind, u.building_id, u.modernization_date FROM maintenance_plans p JOIN units u ON u.id = p.unit_id WHERE p.active = 1");
    if let Some(list) = units {
        sql.push(" AND p.unit_id IN ").bind_list(list);
    }
    sql.push(" ORDER BY p.unit_id");
    let mut out = Vec::new();
    for r in sql.fetch_all(&mut **tx).await? {
        let date = |col: &str| -> Result<Option<NaiveDate>> {
            r.opt_text(col)?.map(|d| stored_date(&d)).transpose()
        };
        let plan = PlanRule {
            interval_weeks: r.int("interval_weeks")? as u32,
            interval_starts: r.opt_int("interval_starts")?.map(|s| s as u64),
            inspection_months: r.opt_int("inspection_months")?.map(|m| m as u32),
            anchor: stored_date(&r.text("anchor_date")?)?,
            since: stored_date(&r.text("since_date")?)?,
            until: date("until_date")?,
        };
        out.push(Loaded {
            plan: UnitPlan {
                unit_id: r.int("unit_id")?,
                site_id: r.int("building_id")?,
                kind: UnitKind::parse(&r.text("kind")?)?,
                plan,
                history: History {
                    modernized_on: date("modernization_date")?,
                    ..History::default()
                },
                usage: Usage::default(),
            },
            plan_id: r.int("id")?,
            customer_id: r.int("customer_id")?,
        });
    }
    Ok(out)
}

/// Fills each plan's history from completed and missed visits and from
/// inspection certificates.
async fn load_history(tx: &mut Tx<'_>, loaded: &mut [Loaded], units: Option<&[i64]>) -> Result<()> {
    let index: HashMap<i64, usize> = loaded
        .iter()
        .enumerate()
        .map(|(i, l)| (l.plan.unit_id, i))
        .collect();
    let mut sql = Sql::new("SELECT unit_id, kind, status, MAX(CASE WHEN status = 'completed' THEN completed_on ELSE planned_date END) AS d FROM visits WHERE status IN ('completed', 'missed')");
    if let Some(list) = units {
        sql.push(" AND unit_id IN ").bind_list(list);
    }
    sql.push(" GROUP BY unit_id, kind, status");
    for r in sql.fetch_all(&mut **tx).await? {
        let Some(&i) = index.get(&r.int("unit_id")?) else {
            continue;
        };
        let Some(d) = r.opt_text("d")?.map(|d| stored_date(&d)).transpose()? else {
            continue;
        };
        let h = &mut loaded[i].plan.history;
        let slot = match (r.text("kind")?.as_str(), r.text("status")?.as_str()) {
            ("preventive", "completed") => &mut h.last_preventive,
            ("preventive", "missed") => &mut h.last_missed_preventive,
            ("inspection", "completed") => &mut h.last_inspection,
            ("inspection", "missed") => &mut h.last_missed_inspection,
            _ => continue,
        };
        *slot = Some(slot.map_or(d, |x| x.max(d)));
    }
    let mut sql =
        Sql::new("SELECT unit_id, MAX(issued_on) AS d FROM inspection_certificates WHERE 1=1");
    if let Some(list) = units {
        sql.push(" AND unit_id IN ").bind_list(list);
    }
    sql.push(" GROUP BY unit_id");
    for r in sql.fetch_all(&mut **tx).await? {
        if let (Some(&i), Some(d)) = (index.get(&r.int("unit_id")?), r.opt_text("d")?) {
            let d = stored_date(&d)?;
            let h = &mut loaded[i].plan.history;
            h.last_inspection = Some(h.last_inspection.map_or(d, |x| x.max(d)));
        }
    }
    Ok(())
}

fn existing_from_row(r: &sqlx::any::AnyRow) -> Result<ExistingVisit> {
    Ok(ExistingVisit {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        kind: VisitKind::parse(&r.text("kind")?)?,
        status: VisitStatus::parse(&r.text("status")?)?,
        due_on: r.opt_text("due_on")?.map(|d| stored_date(&d)).transpose()?,
        date: stored_date(&r.text("planned_date")?)?,
        planned_for: r.instant("planned_for")?,
        duration_min: r.int("duration_min")? as u32,
        technician_id: r.opt_int("technician_id")?,
        pinned: r.int("pinned")? != 0,
    })
}

/// Schedules the active plans of `units` (all when `None`) against every
/// open visit, and writes the changes. Runs inside the caller's transaction.
pub async fn schedule_units(
    tx: &mut Tx<'_>,
    actor: Actor,
    config: &Config,
    units: Option<&[i64]>,
) -> Result<RunSummary> {
    if units.is_some_and(|u| u.is_empty()) {
        return Ok(RunSummary::default());
    }
    let today = actor.at.date_naive();
    let mut loaded = load_plans(tx, units).await?;
    load_history(tx, &mut loaded, units).await?;
    // A modernization still to come (a planned date in the register) does
    // not restart the maintenance chains before it happens.
    for l in &mut loaded {
        let h = &mut l.plan.history;
        h.modernized_on = h.modernized_on.filter(|d| *d <= today);
    }
    let ids: Vec<i64> = loaded.iter().map(|l| l.plan.unit_id).collect();
    let daily = usage::daily_starts(tx, &ids, today - chrono::Duration::days(730), today).await?;
    for l in &mut loaded {
        if let Some(days) = daily.get(&l.plan.unit_id) {
            l.plan.usage = Usage::from_daily(days, l.plan.preventive_base(), today);
        }
    }
    let building_ids: Vec<i64> = {
        let mut b: Vec<i64> = loaded.iter().map(|l| l.plan.site_id).collect();
        b.sort_unstable();
        b.dedup();
        b
    };
    let sites = sites::load_sites(tx, &building_ids).await?;
    let techs = technicians::load_for_scheduler(tx).await?;
    let mut sql = Sql::new("SELECT * FROM visits WHERE (status = 'in_progress' OR (status = 'planned' AND planned_date >= ");
    sql.bind(today.to_string()).push(")) ORDER BY id");
    let existing = sql
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(existing_from_row)
        .collect::<Result<Vec<_>>>()?;
    let plans: Vec<UnitPlan> = loaded.iter().map(|l| l.plan.clone()).collect();
    let outcome = schedule::schedule(&Request {
        today,
        now: Some(actor.at),
        units: &plans,
        sites: &sites,
        technicians: &techs,
        existing: &existing,
        config,
    });
    let by_unit: BTreeMap<i64, &Loaded> = loaded.iter().map(|l| (l.plan.unit_id, l)).collect();
    let mut summary = RunSummary {
        kept: outcome.kept,
        unassigned: outcome.unassigned,
        ..RunSummary::default()
    };
    for change in &outcome.changes {
        match change {
            Change::Cancel { id, unit_id } => {
                let customer = by_unit.get(unit_id).map_or(0, |l| l.customer_id);
                cancel(tx, actor, *id, customer, "plan changed").await?;
                summary.cancelled += 1;
            }
            Change::Move { id, visit } => {
                write_move(tx, actor, *id, visit, by_unit[&visit.unit_id]).await?;
                summary.moved += 1;
            }
            Change::Create(visit) => {
                write_create(tx, actor, visit, by_unit[&visit.unit_id]).await?;
                summary.created += 1;
            }
        }
    }
    Ok(summary)
}

fn audit_of(v: &PlannedVisit) -> VisitAudit<'_> {
    VisitAudit {
        unit_id: v.unit_id,
        kind: v.kind,
        status: VisitStatus::Planned,
        reason: v.reason.as_str(),
        due_on: Some(v.due_on.to_string()),
        planned_for: v.slot.planned_for,
        technician_id: v.slot.technician_id,
    }
}

async fn write_create(tx: &mut Tx<'_>, actor: Actor, v: &PlannedVisit, l: &Loaded) -> Result<()> {
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new("INSERT INTO visits (unit_id, customer_id, plan_id, kind, status, reason, due_on, planned_for, planned_date, duration_min, technician_id, created_at, updated_at) VALUES (");
    sql.bind(v.unit_id)
        .push(", ")
        .bind(l.customer_id)
        .push(", ")
        .bind(l.plan_id)
        .push(", ")
        .bind(v.kind.as_str().to_string());
    sql.push(", 'planned', ")
        .bind(v.reason.as_str().to_string())
        .push(", ")
        .bind(v.due_on.to_string())
        .push(", ")
        .bind(v.slot.planned_for.timestamp_millis());
    sql.push(", ")
        .bind(v.slot.date.to_string())
        .push(", ")
        .bind(i64::from(v.slot.duration_min))
        .push(", ")
        .bind(v.slot.technician_id);
    sql.push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut **tx).await?.int("id")?;
    audit::record(
        tx,
        actor,
        Some(l.customer_id),
        "visit",
        id,
        "create",
        None::<&()>,
        Some(&audit_of(v)),
    )
    .await
}

async fn write_move(
    tx: &mut Tx<'_>,
    actor: Actor,
    id: i64,
    v: &PlannedVisit,
    l: &Loaded,
) -> Result<()> {
    let mut before = Sql::new("SELECT * FROM visits WHERE id = ");
    before.bind(id);
    let before = existing_from_row(&before.fetch_one(&mut **tx).await?)?;
    let mut sql = Sql::new("UPDATE visits SET reason = ");
    sql.bind(v.reason.as_str().to_string())
        .push(", due_on = ")
        .bind(v.due_on.to_string())
        .push(", planned_for = ")
        .bind(v.slot.planned_for.timestamp_millis());
    sql.push(", planned_date = ")
        .bind(v.slot.date.to_string())
        .push(", duration_min = ")
        .bind(i64::from(v.slot.duration_min))
        .push(", technician_id = ")
        .bind(v.slot.technician_id);
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut **tx).await?;
    let before = serde_json::json!({
        "due_on": before.due_on.map(|d| d.to_string()),
        "planned_for": before.planned_for,
        "technician_id": before.technician_id,
    });
    audit::record(
        tx,
        actor,
        Some(l.customer_id),
        "visit",
        id,
        "reschedule",
        Some(&before),
        Some(&audit_of(v)),
    )
    .await
}
