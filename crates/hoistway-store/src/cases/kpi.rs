//! The case records behind KPIs: which units a KPI covers, and each case
//! as `hoistway_desk::CaseRecord` (with its stays on hold waiting for
//! parts, from `case_holds`). The figures themselves are the desk's.

use super::model::{self, Case};
use crate::error::Result;
use crate::row::{from_millis, RowExt};
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, customers, portfolios, units, Db};
use chrono::{DateTime, Utc};
use hoistway_desk::CaseRecord;
use hoistway_domain::{Invalid, Scope};
use std::collections::HashMap;

/// What a KPI is about.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Unit(i64),
    Building(i64),
    Portfolio(i64),
    Customer(i64),
    /// Everything the caller sees.
    All,
}

impl Target {
    pub fn parse(kind: Option<&str>, id: Option<i64>) -> Result<Target, Invalid> {
        let need =
            |id: Option<i64>| id.ok_or_else(|| Invalid::new("id", "give the id of the scope"));
        Ok(match kind.unwrap_or("all") {
            "unit" => Target::Unit(need(id)?),
            "building" => Target::Building(need(id)?),
            "portfolio" => Target::Portfolio(need(id)?),
            "customer" => Target::Customer(need(id)?),
            "all" => Target::All,
            other => {
                return Err(Invalid::new(
                    "scope",
                    format!("unknown scope {other:?}; unit, building, portfolio, customer or all"),
                ))
            }
        })
    }
}

/// The units a target covers (refusing a target the caller cannot see, as
/// not found) and the records of their cases.
pub async fn records(db: &Db, scope: &Scope, target: Target) -> Result<(Vec<CaseRecord>, u32)> {
    match target {
        Target::Unit(id) => drop(units::get(db, scope, id).await?),
        Target::Building(id) => drop(buildings::get(db, scope, id).await?),
        Target::Portfolio(id) => drop(portfolios::get(db, scope, id).await?),
        Target::Customer(id) => drop(customers::get(db, scope, id).await?),
        Target::All => {}
    }
    let mut sql = Sql::new("SELECT u.id FROM units u WHERE 1=1");
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    match target {
        Target::Unit(id) => sql.push(" AND u.id = ").bind(id),
        Target::Building(id) => sql.push(" AND u.building_id = ").bind(id),
        Target::Portfolio(id) => sql
            .push(" AND u.building_id IN (SELECT building_id FROM portfolio_buildings WHERE portfolio_id = ")
            .bind(id)
            .push(")"),
        Target::Customer(id) => sql.push(" AND u.customer_id = ").bind(id),
        Target::All => &mut sql,
    };
    let unit_ids: Vec<i64> = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_, _>>()?;
    let mut cases = Sql::new("SELECT * FROM cases c WHERE c.unit_id IN ");
    cases.bind_list(&unit_ids);
    restrict(&mut cases, scope, "c", Shape::InBuilding);
    let rows = cases.fetch_all(&db.pool).await?;
    let mut holds = parts_holds(db, scope, &unit_ids).await?;
    let records = rows
        .iter()
        .map(|r| {
            model::from_row(r).map(|c| {
                let mut rec = record(&c);
                rec.parts_holds = holds.remove(&c.id).unwrap_or_default();
                rec
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((records, unit_ids.len() as u32))
}

/// A stay on hold: from, until (`None` while it lasts).
type Hold = (DateTime<Utc>, Option<DateTime<Utc>>);

/// The waiting-for-parts holds of the cases of `unit_ids`, by case id.
async fn parts_holds(db: &Db, scope: &Scope, unit_ids: &[i64]) -> Result<HashMap<i64, Vec<Hold>>> {
    let mut sql = Sql::new("SELECT h.case_id, h.from_at, h.until_at FROM case_holds h JOIN cases c ON c.id = h.case_id WHERE h.kind = 'waiting_for_parts' AND c.unit_id IN ");
    sql.bind_list(unit_ids);
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    let mut out: HashMap<i64, Vec<Hold>> = HashMap::new();
    for r in sql.fetch_all(&db.pool).await? {
        out.entry(r.int("case_id")?).or_default().push((
            from_millis(r.int("from_at")?),
            r.opt_int("until_at")?.map(from_millis),
        ));
    }
    Ok(out)
}

fn met(state: Option<&str>) -> Option<bool> {
    match state {
        Some("met") => Some(true),
        Some("breached") => Some(false),
        _ => None,
    }
}

fn record(c: &Case) -> CaseRecord {
    let down =
        c.safety.unit_out_of_service || c.safety.unit_removed_from_service || c.passengers_trapped;
    CaseRecord {
        unit: c.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        priority: c.priority(),
        opened_at: c.created_at,
        resolved_at: c.resolved_at,
        cancelled: c.status == "cancelled",
        preemptive: c.channel == "connected",
        entrapment: c.passengers_trapped,
        first_time_fix: c.first_time_fix,
        downtime: down.then_some((c.created_at, c.resolved_at)),
        response_met: met(c.sla.response.as_deref()),
        resolution_met: met(c.sla.resolution.as_deref()),
        parts_holds: Vec::new(),
    }
}
