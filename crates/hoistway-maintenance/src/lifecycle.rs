//! Lifecycle planning (issue #21, seed 000: "pair [the service history]
//! with an asset register listing make/model, controller type, door operator
//! model, and last modernization date to support budgeting and lifecycle
//! planning"): each unit's age, whether it is a modernization candidate and
//! why, and a budget per calendar year over a horizon of 1–10 years.
//!
//! Prices are the care guide's indicative ranges, per unit and in the
//! currency of the unit's contract: a targeted upgrade (doors, controllers)
//! 3,000–25,000, a full modernization 80,000 or more (no upper bound, so a
//! year's high figure is open when it holds one). They are budget ranges
//! for planning, not quotes; the guide asks for a site survey for those.

use crate::recurring::CauseFamily;
use chrono::{Datelike, NaiveDate};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::Invalid;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A targeted upgrade's indicative range in minor units (3,000–25,000).
pub const TARGETED_UPGRADE_MINOR: (i64, i64) = (300_000, 2_500_000);
/// A full modernization's indicative floor in minor units (80,000+).
pub const FULL_MODERNIZATION_FROM_MINOR: i64 = 8_000_000;
/// Cases in the last twelve months that make a unit's failure rate high:
/// one call every two months is far beyond a maintained unit's two or so a
/// year (the demo's history draws one per 200–240 days).
pub const HIGH_CASE_RATE_PER_YEAR: u32 = 6;
/// Longest budget horizon in years.
pub const MAX_HORIZON_YEARS: u32 = 10;
/// Markers of technology that is no longer supported: relay-logic
/// controllers, motor-generator (Ward Leonard) drives and relay or
/// mechanically driven door operators. Matched case-insensitively inside
/// the asset register's text, since registers spell models freely.
pub const OBSOLETE_CONTROLLER_MARKERS: &[&str] = &["relay", "obsolete", "discontinued"];
pub const OBSOLETE_DRIVE_MARKERS: &[&str] = &[
    "ward leonard",
    "ward-leonard",
    "motor-generator",
    "mg set",
    "obsolete",
];
pub const OBSOLETE_DOOR_OPERATOR_MARKERS: &[&str] =
    &["relay", "mechanical", "obsolete", "discontinued"];

/// Years from installation (or the last modernization) after which a unit
/// of this kind is a candidate for full modernization: lifts and escalators
/// are usually modernized after 20–25 years, automatic doors after 15.
pub fn service_life_years(kind: UnitKind) -> u32 {
    match kind {
        UnitKind::Elevator => 25,
        UnitKind::Escalator => 20,
        UnitKind::Door => 15,
    }
}

/// The horizon a caller asked for, refused naming `years` outside 1–10.
pub fn horizon(years: Option<u32>) -> Result<u32, Invalid> {
    let years = years.unwrap_or(5);
    if (1..=MAX_HORIZON_YEARS).contains(&years) {
        Ok(years)
    } else {
        Err(Invalid::new(
            "years",
            format!("must be between 1 and {MAX_HORIZON_YEARS}"),
        ))
    }
}

/// What the register and the history say about one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub unit_id: i64,
    pub kind: UnitKind,
    pub install_date: Option<NaiveDate>,
    pub modernization_date: Option<NaiveDate>,
    pub controller_type: Option<String>,
    pub drive_type: Option<String>,
    pub door_operator_model: Option<String>,
    /// The currency of the unit's contract.
    pub currency: String,
    /// Cases opened in the twelve months before today.
    pub cases_last_year: u32,
    /// Families the recurring-fault rule flags on this unit now.
    pub recurring: Vec<CauseFamily>,
}

/// Why a unit is a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    BeyondServiceLife,
    ServiceLifeWithinHorizon,
    ObsoleteController,
    ObsoleteDrive,
    ObsoleteDoorOperator,
    RecurringFaults,
    HighCaseRate,
}

/// A reason with its facts in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Reason {
    pub code: ReasonCode,
    pub detail: String,
}

/// Full modernization or a targeted upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    FullModernization,
    TargetedUpgrade,
}

/// One budgeted measure on one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Measure {
    pub kind: MeasureKind,
    /// What a targeted upgrade renews (`door`, `controller`, …); none for a
    /// full modernization.
    pub component: Option<CauseFamily>,
    /// The calendar year it is budgeted in.
    pub year: i32,
    pub low_minor: i64,
    /// None: open-ended ("80,000+").
    pub high_minor: Option<i64>,
    pub currency: String,
}

/// One unit's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub unit_id: i64,
    /// Whole years since installation; none without an install date.
    pub age_years: Option<u32>,
    /// Whole years since the last modernization, else since installation.
    pub years_since_renewal: Option<u32>,
    pub service_life_years: u32,
    pub reasons: Vec<Reason>,
    pub measures: Vec<Measure>,
}

impl Assessment {
    pub fn is_candidate(&self) -> bool {
        !self.reasons.is_empty()
    }
}

fn whole_years(from: NaiveDate, to: NaiveDate) -> Option<u32> {
    to.years_since(from)
}

fn marked(text: Option<&str>, markers: &[&str]) -> bool {
    let t = text.unwrap_or("").to_lowercase();
    !t.is_empty() && markers.iter().any(|m| t.contains(m))
}

/// Assesses one unit on `today` for a horizon of `years` calendar years
/// (this year and the next `years - 1`).
pub fn assess(a: &Asset, today: NaiveDate, years: u32) -> Assessment {
    let this_year = today.year();
    let last_year = this_year + years as i32 - 1;
    let life = service_life_years(a.kind);
    let renewed = a.modernization_date.or(a.install_date);
    let mut reasons = Vec::new();
    let mut measures = Vec::new();
    let targeted = |component, year| Measure {
        kind: MeasureKind::TargetedUpgrade,
        component: Some(component),
        year,
        low_minor: TARGETED_UPGRADE_MINOR.0,
        high_minor: Some(TARGETED_UPGRADE_MINOR.1),
        currency: a.currency.clone(),
    };

    let mut full_year = None;
    if let Some(renewed) = renewed {
        let since = whole_years(renewed, today).unwrap_or(0);
        let what = if a.modernization_date.is_some() {
            "modernized"
        } else {
            "installed"
        };
        let due = renewed.year() + life as i32;
        if since >= life {
            reasons.push(Reason {
                code: ReasonCode::BeyondServiceLife,
                detail: format!(
                    "{what} {renewed}, {since} years ago; {} years is the usual service life of this kind",
                    life
                ),
            });
            full_year = Some(this_year);
        } else if due <= last_year {
            reasons.push(Reason {
                code: ReasonCode::ServiceLifeWithinHorizon,
                detail: format!("{what} {renewed}; reaches {life} years in {due}"),
            });
            full_year = Some(due.max(this_year));
        }
    }
    if let Some(year) = full_year {
        measures.push(Measure {
            kind: MeasureKind::FullModernization,
            component: None,
            year,
            low_minor: FULL_MODERNIZATION_FROM_MINOR,
            high_minor: None,
            currency: a.currency.clone(),
        });
    }

    // Targeted upgrades this year, one per component, unless the full
    // modernization this year replaces them anyway.
    let mut components = BTreeSet::new();
    for (code, field, text, markers, component) in [
        (
            ReasonCode::ObsoleteController,
            "controller",
            a.controller_type.as_deref(),
            OBSOLETE_CONTROLLER_MARKERS,
            CauseFamily::Controller,
        ),
        (
            ReasonCode::ObsoleteDrive,
            "drive",
            a.drive_type.as_deref(),
            OBSOLETE_DRIVE_MARKERS,
            CauseFamily::Drive,
        ),
        (
            ReasonCode::ObsoleteDoorOperator,
            "door operator",
            a.door_operator_model.as_deref(),
            OBSOLETE_DOOR_OPERATOR_MARKERS,
            CauseFamily::Door,
        ),
    ] {
        if marked(text, markers) {
            reasons.push(Reason {
                code,
                detail: format!(
                    "{field} {} is no longer supported",
                    text.unwrap_or_default()
                ),
            });
            components.insert(component);
        }
    }
    for family in &a.recurring {
        reasons.push(Reason {
            code: ReasonCode::RecurringFaults,
            detail: format!(
                "recurring {} faults: a {} may end them",
                family.as_str().replace('_', " "),
                family.upgrade_words()
            ),
        });
        components.insert(*family);
    }
    if a.cases_last_year >= HIGH_CASE_RATE_PER_YEAR {
        reasons.push(Reason {
            code: ReasonCode::HighCaseRate,
            detail: format!(
                "{} service requests in the last twelve months",
                a.cases_last_year
            ),
        });
        if components.is_empty() {
            components.insert(CauseFamily::Other);
        }
    }
    if full_year != Some(this_year) {
        measures.extend(components.into_iter().map(|c| targeted(c, this_year)));
    }
    measures.sort_by_key(|m| (m.year, m.kind, m.component));

    Assessment {
        unit_id: a.unit_id,
        age_years: a.install_date.and_then(|d| whole_years(d, today)),
        years_since_renewal: renewed.and_then(|d| whole_years(d, today)),
        service_life_years: life,
        reasons,
        measures,
    }
}

/// One year's budget in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BudgetYear {
    pub year: i32,
    pub currency: String,
    pub full_modernizations: u32,
    pub targeted_upgrades: u32,
    pub low_minor: i64,
    /// None when the year holds a full modernization (open-ended).
    pub high_minor: Option<i64>,
}

/// The budget per calendar year and currency over `years` years from
/// `today`'s year: every year of the horizon appears for every currency the
/// assessed units use, with zeros where nothing is planned, so the table
/// reads as a plan.
pub fn budget(
    assessments: &[Assessment],
    currencies: &BTreeSet<String>,
    today: NaiveDate,
    years: u32,
) -> Vec<BudgetYear> {
    let first = today.year();
    let mut rows: BTreeMap<(i32, String), BudgetYear> = BTreeMap::new();
    for year in first..first + years as i32 {
        for c in currencies {
            rows.insert(
                (year, c.clone()),
                BudgetYear {
                    year,
                    currency: c.clone(),
                    full_modernizations: 0,
                    targeted_upgrades: 0,
                    low_minor: 0,
                    high_minor: Some(0),
                },
            );
        }
    }
    for m in assessments.iter().flat_map(|a| &a.measures) {
        let Some(row) = rows.get_mut(&(m.year, m.currency.clone())) else {
            continue;
        };
        match m.kind {
            MeasureKind::FullModernization => row.full_modernizations += 1,
            MeasureKind::TargetedUpgrade => row.targeted_upgrades += 1,
        }
        row.low_minor += m.low_minor;
        row.high_minor = match (row.high_minor, m.high_minor) {
            (Some(h), Some(add)) => Some(h + add),
            _ => None,
        };
    }
    rows.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn lift(install: Option<NaiveDate>) -> Asset {
        Asset {
            unit_id: 1,
            kind: UnitKind::Elevator,
            install_date: install,
            modernization_date: None,
            controller_type: Some("KCM831".into()),
            drive_type: Some("EcoDisc PMSM".into()),
            door_operator_model: Some("AMD 2".into()),
            currency: "EUR".into(),
            cases_last_year: 1,
            recurring: vec![],
        }
    }

    const TODAY: (i32, u32, u32) = (2026, 12, 7);

    fn today() -> NaiveDate {
        d(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn a_young_healthy_lift_is_no_candidate() {
        let a = assess(&lift(Some(d(2015, 3, 1))), today(), 5);
        assert_eq!(a.age_years, Some(11));
        assert!(!a.is_candidate(), "{a:?}");
        assert!(a.measures.is_empty());
    }

    #[test]
    fn a_lift_past_its_service_life_is_modernized_this_year() {
        let a = assess(&lift(Some(d(1998, 1, 15))), today(), 3);
        assert_eq!(a.age_years, Some(28));
        assert_eq!(a.reasons[0].code, ReasonCode::BeyondServiceLife);
        assert!(a.reasons[0].detail.contains("1998-01-15"), "{a:?}");
        assert_eq!(a.measures.len(), 1);
        assert_eq!(a.measures[0].kind, MeasureKind::FullModernization);
        assert_eq!(a.measures[0].year, 2026);
        assert_eq!(a.measures[0].low_minor, 8_000_000);
        assert_eq!(a.measures[0].high_minor, None);
    }

    #[test]
    fn modernization_resets_the_age_and_the_horizon_decides() {
        let mut l = lift(Some(d(1990, 1, 1)));
        l.modernization_date = Some(d(2005, 6, 1));
        // 21 years since the modernization: due in 2030.
        let short = assess(&l, today(), 3);
        assert!(!short.is_candidate(), "{short:?}");
        assert_eq!(short.years_since_renewal, Some(21));
        let long = assess(&l, today(), 5);
        assert_eq!(long.reasons[0].code, ReasonCode::ServiceLifeWithinHorizon);
        assert_eq!(long.measures[0].year, 2030);
        // Doors live 15 years.
        let mut door = lift(Some(d(2010, 1, 1)));
        door.kind = UnitKind::Door;
        assert_eq!(
            assess(&door, today(), 1).reasons[0].code,
            ReasonCode::BeyondServiceLife
        );
    }

    #[test]
    fn obsolete_models_and_recurring_faults_give_targeted_upgrades_once_per_component() {
        let mut l = lift(Some(d(2012, 1, 1)));
        l.controller_type = Some("Relay logic panel".into());
        l.door_operator_model = Some("Mechanical door drive".into());
        l.recurring = vec![CauseFamily::Door];
        let a = assess(&l, today(), 1);
        let codes: Vec<ReasonCode> = a.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            vec![
                ReasonCode::ObsoleteController,
                ReasonCode::ObsoleteDoorOperator,
                ReasonCode::RecurringFaults
            ]
        );
        let parts: Vec<Option<CauseFamily>> = a.measures.iter().map(|m| m.component).collect();
        assert_eq!(
            parts,
            vec![Some(CauseFamily::Door), Some(CauseFamily::Controller)]
        );
        assert!(a
            .measures
            .iter()
            .all(|m| m.low_minor == 300_000 && m.high_minor == Some(2_500_000)));
    }

    #[test]
    fn a_full_modernization_this_year_replaces_the_targeted_upgrades() {
        let mut l = lift(Some(d(1999, 1, 1)));
        l.recurring = vec![CauseFamily::Door];
        l.cases_last_year = 9;
        let a = assess(&l, today(), 2);
        assert_eq!(a.reasons.len(), 3, "{a:?}");
        assert_eq!(a.measures.len(), 1);
        assert_eq!(a.measures[0].kind, MeasureKind::FullModernization);
    }

    #[test]
    fn a_high_case_rate_alone_budgets_one_targeted_repair() {
        let mut l = lift(Some(d(2018, 1, 1)));
        l.cases_last_year = HIGH_CASE_RATE_PER_YEAR;
        let a = assess(&l, today(), 1);
        assert_eq!(a.reasons[0].code, ReasonCode::HighCaseRate);
        assert_eq!(a.measures[0].component, Some(CauseFamily::Other));
    }

    #[test]
    fn the_budget_sums_per_year_and_currency_with_every_year_present() {
        let mut old = lift(Some(d(1998, 1, 1)));
        old.unit_id = 1;
        let mut soon = lift(Some(d(2004, 1, 1)));
        soon.unit_id = 2; // reaches 25 years in 2029
        let mut doors = lift(Some(d(2015, 1, 1)));
        doors.unit_id = 3;
        doors.recurring = vec![CauseFamily::Door];
        doors.currency = "USD".into();
        let all: Vec<Assessment> = [old, soon, doors]
            .iter()
            .map(|a| assess(a, today(), 4))
            .collect();
        let currencies: BTreeSet<String> = ["EUR".to_string(), "USD".to_string()].into();
        let rows = budget(&all, &currencies, today(), 4);
        assert_eq!(rows.len(), 8);
        let row = |y: i32, c: &str| {
            rows.iter()
                .find(|r| r.year == y && r.currency == c)
                .unwrap()
        };
        assert_eq!(row(2026, "EUR").full_modernizations, 1);
        assert_eq!(row(2026, "EUR").low_minor, 8_000_000);
        assert_eq!(row(2026, "EUR").high_minor, None);
        assert_eq!(row(2027, "EUR").low_minor, 0);
        assert_eq!(row(2027, "EUR").high_minor, Some(0));
        assert_eq!(row(2029, "EUR").full_modernizations, 1);
        assert_eq!(row(2026, "USD").targeted_upgrades, 1);
        assert_eq!(row(2026, "USD").low_minor, 300_000);
        assert_eq!(row(2026, "USD").high_minor, Some(2_500_000));
    }

    #[test]
    fn the_horizon_is_one_to_ten_years() {
        assert_eq!(horizon(None), Ok(5));
        assert_eq!(horizon(Some(10)), Ok(10));
        assert_eq!(horizon(Some(0)).unwrap_err().field, "years");
        assert_eq!(horizon(Some(11)).unwrap_err().field, "years");
    }
}
