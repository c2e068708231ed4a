//! The case records behind KPIs: which units a KPI covers, and each case
//! as `hoistway_desk::CaseRecord`. The figures themselves are the desk's.

use super::model::{self, Case};
use crate::error::Result;
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, customers, portfolios, units, Db};
use hoistway_desk::CaseRecord;
use hoistway_domain::{Invalid, Scope};

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
    let records = rows
        .iter()
        .map(|r| model::from_row(r).map(|c| record(&c)))
        .collect::<Result<Vec<_>>>()?;
    Ok((records, unit_ids.len() as u32))
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
    }
}
