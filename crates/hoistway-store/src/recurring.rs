//! The edge of the recurring-fault rule (issue #21): reads the caller's
//! cases as classified facts (`hoistway_maintenance::recurring`), then
//! answers the flagged units and the portfolio ranking with the names a
//! person reads (unit, building) and the analysis already open on each.
//!
//! Cancelled cases are not counted (nobody found a fault); a case's family
//! is its report's cause code, else its pre-emptive episode's family.

use crate::error::Result;
use crate::row::{from_millis, RowExt};
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Duration, Utc};
use hoistway_domain::Scope;
use hoistway_maintenance::recurring::{self, CaseFact, CauseFamily, FamilyCount, Flag, Rule};
use serde::Serialize;
use std::collections::BTreeMap;

/// The family of one case row: the report's cause code first.
fn family_of(report: Option<&str>, episode: Option<&str>) -> Option<CauseFamily> {
    let code = report
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .and_then(|r| r["cause_code"].as_str().map(str::to_string));
    if let Some(code) = code {
        return Some(CauseFamily::of_cause_code(&code));
    }
    // `unit:family` of a pre-emptive episode.
    episode
        .and_then(|k| k.split_once(':'))
        .map(|(_, family)| CauseFamily::of_finding_family(family))
}

/// The caller's classified cases opened after `since`.
pub async fn case_facts(
    db: &Db,
    scope: &Scope,
    customer_id: Option<i64>,
    since: DateTime<Utc>,
) -> Result<Vec<CaseFact>> {
    let mut sql = Sql::new(
        "SELECT c.number, c.unit_id, c.created_at, c.report, c.episode_key, c.finding_key FROM cases c WHERE c.unit_id IS NOT NULL AND c.status <> 'cancelled' AND c.created_at > ",
    );
    sql.bind(since.timestamp_millis());
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    if let Some(c) = customer_id {
        sql.push(" AND c.customer_id = ").bind(c);
    }
    let mut facts = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        let report = r.opt_text("report")?;
        let episode = r.opt_text("episode_key")?.or(r.opt_text("finding_key")?);
        if let Some(family) = family_of(report.as_deref(), episode.as_deref()) {
            facts.push(CaseFact {
                unit_id: r.int("unit_id")?,
                number: r.text("number")?,
                opened_at: from_millis(r.int("created_at")?),
                family,
            });
        }
    }
    Ok(facts)
}

/// A unit as the lists name it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub unit_id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub building_name: String,
    pub equipment_number: String,
    pub unit_name: Option<String>,
    pub kind: String,
    /// Analyses of the unit that are not closed.
    pub open_analyses: Vec<i64>,
}

async fn unit_refs(db: &Db, ids: &[i64]) -> Result<BTreeMap<i64, UnitRef>> {
    let mut out = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new("SELECT u.id, u.customer_id, u.building_id, u.equipment_number, u.name, u.kind, b.name AS building_name FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id IN ");
    sql.bind_list(ids);
    for r in sql.fetch_all(&db.pool).await? {
        let id = r.int("id")?;
        out.insert(
            id,
            UnitRef {
                unit_id: id,
                customer_id: r.int("customer_id")?,
                building_id: r.int("building_id")?,
                building_name: r.text("building_name")?,
                equipment_number: r.text("equipment_number")?,
                unit_name: r.opt_text("name")?,
                kind: r.text("kind")?,
                open_analyses: Vec::new(),
            },
        );
    }
    let mut sql =
        Sql::new("SELECT id, unit_id FROM root_causes WHERE status <> 'closed' AND unit_id IN ");
    sql.bind_list(ids).push(" ORDER BY id");
    for r in sql.fetch_all(&db.pool).await? {
        if let Some(u) = out.get_mut(&r.int("unit_id")?) {
            u.open_analyses.push(r.int("id")?);
        }
    }
    Ok(out)
}

/// A flagged unit with its flags (one per family).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlaggedUnit {
    pub unit: UnitRef,
    pub flags: Vec<Flag>,
}

/// The units the rule flags at `now`, in unit order.
pub async fn flagged(
    db: &Db,
    scope: &Scope,
    customer_id: Option<i64>,
    rule: Rule,
    now: DateTime<Utc>,
) -> Result<Vec<FlaggedUnit>> {
    let since = now - Duration::days(i64::from(rule.window_days));
    let facts = case_facts(db, scope, customer_id, since).await?;
    let flags = recurring::flag(rule, now, &facts);
    let mut per_unit: BTreeMap<i64, Vec<Flag>> = BTreeMap::new();
    for f in flags {
        per_unit.entry(f.unit_id).or_default().push(f);
    }
    let ids: Vec<i64> = per_unit.keys().copied().collect();
    let mut refs = unit_refs(db, &ids).await?;
    Ok(per_unit
        .into_iter()
        .filter_map(|(id, flags)| refs.remove(&id).map(|unit| FlaggedUnit { unit, flags }))
        .collect())
}

/// One row of the portfolio ranking.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RankedUnit {
    /// 1 for the unit with the most repeat faults.
    pub rank: usize,
    pub unit: UnitRef,
    /// Cases beyond the first of each family in the period.
    pub repeats: u32,
    pub cases: u32,
    pub top_family: CauseFamily,
    pub families: Vec<FamilyCount>,
    /// The recurring-fault rule (its defaults) flags this unit now.
    pub flagged: bool,
}

/// Units by recurrent issues over the `days` before `now`, most repeats
/// first (see `recurring::rank`).
pub async fn ranking(
    db: &Db,
    scope: &Scope,
    customer_id: Option<i64>,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Vec<RankedUnit>> {
    let rule = Rule::default();
    let since = now - Duration::days(i64::from(days.max(rule.window_days)));
    let facts = case_facts(db, scope, customer_id, since).await?;
    let period_start = now - Duration::days(i64::from(days));
    let ranked = recurring::rank(period_start, now, &facts);
    let flagged: Vec<i64> = recurring::flag(rule, now, &facts)
        .iter()
        .map(|f| f.unit_id)
        .collect();
    let ids: Vec<i64> = ranked.iter().map(|r| r.unit_id).collect();
    let mut refs = unit_refs(db, &ids).await?;
    Ok(ranked
        .into_iter()
        .filter_map(|r| refs.remove(&r.unit_id).map(|unit| (r, unit)))
        .enumerate()
        .map(|(i, (r, unit))| RankedUnit {
            rank: i + 1,
            flagged: flagged.contains(&r.unit_id),
            unit,
            repeats: r.repeats,
            cases: r.cases,
            top_family: r.top_family,
            families: r.families,
        })
        .collect())
}
