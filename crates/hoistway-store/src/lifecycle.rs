//! The edge of lifecycle planning (issue #21): reads the caller's units
//! from the asset register (install and modernization dates, controller,
//! drive and door operator models), their cases of the last twelve months,
//! the recurring-fault flags and each unit's contract currency, and hands
//! them to `hoistway_maintenance::lifecycle` for ages, candidates and the
//! budget per year.
//!
//! A unit's currency is that of the latest-starting contract covering it;
//! a unit without a contract is budgeted in EUR, the currency contracts
//! default to.

use crate::error::Result;
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{recurring, Db};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::Scope;
use hoistway_maintenance::lifecycle::{self, Assessment, Asset, BudgetYear};
use hoistway_maintenance::recurring::{flag, Rule};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Currency of a unit no contract covers.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// One unit of the view: what the register says, and the assessment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LifecycleUnit {
    pub unit_id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub building_name: String,
    pub equipment_number: String,
    pub unit_name: Option<String>,
    pub kind: String,
    pub install_date: Option<String>,
    pub modernization_date: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub controller_type: Option<String>,
    pub drive_type: Option<String>,
    pub door_operator_model: Option<String>,
    pub currency: String,
    pub cases_last_year: u32,
    pub candidate: bool,
    pub assessment: Assessment,
}

/// The lifecycle view over a horizon.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LifecycleView {
    /// The day the view was computed for (YYYY-MM-DD, UTC).
    pub as_of: String,
    /// Horizon in calendar years, this year included.
    pub years: u32,
    pub units: Vec<LifecycleUnit>,
    pub candidates: usize,
    /// Per year and currency, every year of the horizon.
    pub budget: Vec<BudgetYear>,
}

fn date(raw: Option<&str>) -> Option<NaiveDate> {
    raw.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The view for the caller's units (optionally one customer's) at `now`.
pub async fn view(
    db: &Db,
    scope: &Scope,
    customer_id: Option<i64>,
    years: u32,
    now: DateTime<Utc>,
) -> Result<LifecycleView> {
    let today = now.date_naive();
    let mut sql = Sql::new("SELECT u.*, b.name AS building_name FROM units u JOIN buildings b ON b.id = u.building_id WHERE 1=1");
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    if let Some(c) = customer_id {
        sql.push(" AND u.customer_id = ").bind(c);
    }
    sql.push(" ORDER BY u.id");
    let rows = sql.fetch_all(&db.pool).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.int("id")).collect::<Result<_, _>>()?;

    let mut currency: BTreeMap<i64, String> = BTreeMap::new();
    if !ids.is_empty() {
        let mut sql = Sql::new("SELECT cu.unit_id, c.currency FROM contract_units cu JOIN contracts c ON c.id = cu.contract_id WHERE cu.unit_id IN ");
        sql.bind_list(&ids).push(" ORDER BY c.start_date, c.id");
        for r in sql.fetch_all(&db.pool).await? {
            // Later contracts overwrite earlier ones.
            currency.insert(r.int("unit_id")?, r.text("currency")?);
        }
    }
    let year_ago = now - Duration::days(365);
    let facts = recurring::case_facts(db, scope, customer_id, year_ago).await?;
    let mut cases: BTreeMap<i64, u32> = BTreeMap::new();
    let mut sql = Sql::new("SELECT c.unit_id, COUNT(*) AS n FROM cases c WHERE c.unit_id IS NOT NULL AND c.status <> 'cancelled' AND c.created_at > ");
    sql.bind(year_ago.timestamp_millis());
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    if let Some(c) = customer_id {
        sql.push(" AND c.customer_id = ").bind(c);
    }
    sql.push(" GROUP BY c.unit_id");
    for r in sql.fetch_all(&db.pool).await? {
        cases.insert(r.int("unit_id")?, r.int("n")?.max(0) as u32);
    }
    let mut recurring: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for f in flag(Rule::default(), now, &facts) {
        recurring.entry(f.unit_id).or_default().push(f.family);
    }

    let mut units = Vec::with_capacity(rows.len());
    let mut currencies = BTreeSet::new();
    for r in &rows {
        let id = r.int("id")?;
        let kind_text = r.text("kind")?;
        let Ok(kind) = UnitKind::parse(&kind_text) else {
            continue;
        };
        let unit_currency = currency
            .get(&id)
            .cloned()
            .unwrap_or_else(|| DEFAULT_CURRENCY.to_string());
        let install_date = r.opt_text("install_date")?;
        let modernization_date = r.opt_text("modernization_date")?;
        let asset = Asset {
            unit_id: id,
            kind,
            install_date: date(install_date.as_deref()),
            modernization_date: date(modernization_date.as_deref()),
            controller_type: r.opt_text("controller_type")?,
            drive_type: r.opt_text("drive_type")?,
            door_operator_model: r.opt_text("door_operator_model")?,
            currency: unit_currency.clone(),
            cases_last_year: cases.get(&id).copied().unwrap_or(0),
            recurring: recurring.remove(&id).unwrap_or_default(),
        };
        let assessment = lifecycle::assess(&asset, today, years);
        currencies.insert(unit_currency.clone());
        units.push(LifecycleUnit {
            unit_id: id,
            customer_id: r.int("customer_id")?,
            building_id: r.int("building_id")?,
            building_name: r.text("building_name")?,
            equipment_number: r.text("equipment_number")?,
            unit_name: r.opt_text("name")?,
            kind: kind_text,
            install_date,
            modernization_date,
            manufacturer: r.opt_text("manufacturer")?,
            model: r.opt_text("model")?,
            controller_type: asset.controller_type.clone(),
            drive_type: asset.drive_type.clone(),
            door_operator_model: asset.door_operator_model.clone(),
            currency: unit_currency,
            cases_last_year: asset.cases_last_year,
            candidate: assessment.is_candidate(),
            assessment,
        });
    }
    let assessments: Vec<Assessment> = units.iter().map(|u| u.assessment.clone()).collect();
    let budget = lifecycle::budget(&assessments, &currencies, today, years);
    Ok(LifecycleView {
        as_of: today.to_string(),
        years,
        candidates: units.iter().filter(|u| u.candidate).count(),
        units,
        budget,
    })
}
