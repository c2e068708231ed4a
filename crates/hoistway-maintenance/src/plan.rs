//! Maintenance plans: a unit is serviced every N weeks or every N starts,
//! whichever comes first, and inspected by the authority at the local
//! interval. Defaults come from the contract tier × unit kind and can be
//! overridden per installation (the table is data) and per plan.

use chrono::NaiveDate;
use hoistway_domain::fleet::{Tier, UnitKind};
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};

/// The limits a plan's intervals must respect.
pub const WEEKS: std::ops::RangeInclusive<u32> = 1..=104;
pub const STARTS: std::ops::RangeInclusive<u64> = 100..=10_000_000;
pub const INSPECTION_MONTHS: std::ops::RangeInclusive<u32> = 1..=60;

/// One unit's plan as the scheduler reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRule {
    /// Preventive visit at least every this many weeks.
    pub interval_weeks: u32,
    /// And at the latest after this many starts (`None`: time only).
    pub interval_starts: Option<u64>,
    /// Authority inspection every this many months (`None`: not inspected).
    pub inspection_months: Option<u32>,
    /// Where the chain starts when the unit has no service history (the
    /// contract's start date).
    pub anchor: NaiveDate,
    /// The day the plan took effect (created or last changed): nothing is
    /// planned before it, so a plan on an old contract catches up at once
    /// instead of inventing past visits.
    pub since: NaiveDate,
    /// Nothing is planned after this day (the contract's end).
    pub until: Option<NaiveDate>,
}

impl PlanRule {
    /// Checks the intervals and dates of a plan.
    pub fn validate(&self) -> Result<(), Invalid> {
        check_intervals(
            self.interval_weeks,
            self.interval_starts,
            self.inspection_months,
        )?;
        if let Some(until) = self.until.filter(|u| *u < self.anchor) {
            return Err(Invalid::new(
                "until",
                format!("{until} is before the plan's start {}", self.anchor),
            ));
        }
        Ok(())
    }
}

/// Checks plan intervals against [`WEEKS`], [`STARTS`], [`INSPECTION_MONTHS`].
pub fn check_intervals(
    weeks: u32,
    starts: Option<u64>,
    inspection_months: Option<u32>,
) -> Result<(), Invalid> {
    if !WEEKS.contains(&weeks) {
        return Err(Invalid::new(
            "interval_weeks",
            format!("{weeks} is not between 1 and 104 weeks"),
        ));
    }
    if let Some(s) = starts.filter(|s| !STARTS.contains(s)) {
        return Err(Invalid::new(
            "interval_starts",
            format!("{s} is not between 100 and 10000000 starts"),
        ));
    }
    if let Some(m) = inspection_months.filter(|m| !INSPECTION_MONTHS.contains(m)) {
        return Err(Invalid::new(
            "inspection_months",
            format!("{m} is not between 1 and 60 months"),
        ));
    }
    Ok(())
}

/// One row of the defaults table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DefaultInterval {
    pub tier: Tier,
    pub kind: UnitKind,
    pub interval_weeks: u32,
    /// For doors these are door cycles; escalators have none (they run
    /// continuously, so starts say little about wear).
    pub interval_starts: Option<u64>,
}

/// The defaults table, tier × unit kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDefaults {
    pub entries: Vec<DefaultInterval>,
}

impl Default for PlanDefaults {
    /// Typical service-company intervals: monthly lift visits on a
    /// comprehensive contract, every two or three months on the cheaper
    /// tiers; doors need far fewer visits.
    fn default() -> Self {
        use Tier::*;
        use UnitKind::*;
        let row = |tier, kind, interval_weeks, interval_starts| DefaultInterval {
            tier,
            kind,
            interval_weeks,
            interval_starts,
        };
        PlanDefaults {
            entries: vec![
                row(Comprehensive, Elevator, 4, Some(20_000)),
                row(Standard, Elevator, 8, Some(30_000)),
                row(Basic, Elevator, 12, Some(40_000)),
                row(Comprehensive, Escalator, 4, None),
                row(Standard, Escalator, 6, None),
                row(Basic, Escalator, 8, None),
                row(Comprehensive, Door, 13, Some(250_000)),
                row(Standard, Door, 17, Some(350_000)),
                row(Basic, Door, 26, Some(500_000)),
            ],
        }
    }
}

impl PlanDefaults {
    /// The default for a tier and kind. Every pair has one: an override
    /// table that lacks a pair falls back to the built-in row.
    pub fn get(&self, tier: Tier, kind: UnitKind) -> DefaultInterval {
        self.entries
            .iter()
            .find(|e| e.tier == tier && e.kind == kind)
            .copied()
            .or_else(|| {
                PlanDefaults::default()
                    .entries
                    .into_iter()
                    .find(|e| e.tier == tier && e.kind == kind)
            })
            .unwrap_or(DefaultInterval {
                tier,
                kind,
                interval_weeks: 12,
                interval_starts: None,
            })
    }

    /// Replaces the rows given, validating each.
    pub fn with_overrides(mut self, rows: &[DefaultInterval]) -> Result<Self, Invalid> {
        for r in rows {
            check_intervals(r.interval_weeks, r.interval_starts, None)?;
            self.entries
                .retain(|e| !(e.tier == r.tier && e.kind == r.kind));
            self.entries.push(*r);
        }
        self.entries
            .sort_by_key(|e| (e.kind.as_str(), e.tier.as_str()));
        Ok(self)
    }
}

/// Months between authority inspections for a unit kind in a country.
/// Most countries inspect annually; Great Britain's LOLER requires a
/// thorough examination of passenger lifts and escalators every six months.
pub fn inspection_months(country: &str, kind: UnitKind) -> u32 {
    match (country.trim().to_ascii_uppercase().as_str(), kind) {
        ("GB" | "UK", UnitKind::Elevator | UnitKind::Escalator) => 6,
        _ => 12,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_every_pair_and_overrides_replace() {
        let d = PlanDefaults::default();
        for t in Tier::ALL {
            for k in UnitKind::ALL {
                assert_eq!(d.get(*t, *k).tier, *t);
            }
        }
        assert!(
            d.get(Tier::Comprehensive, UnitKind::Elevator)
                .interval_weeks
                < d.get(Tier::Basic, UnitKind::Elevator).interval_weeks
        );
        let over = DefaultInterval {
            tier: Tier::Basic,
            kind: UnitKind::Door,
            interval_weeks: 52,
            interval_starts: None,
        };
        let d2 = d.clone().with_overrides(&[over]).unwrap();
        assert_eq!(d2.get(Tier::Basic, UnitKind::Door), over);
        assert_eq!(d2.entries.len(), d.entries.len());
        let bad = DefaultInterval {
            interval_weeks: 0,
            ..over
        };
        assert_eq!(
            d.with_overrides(&[bad]).unwrap_err().field,
            "interval_weeks"
        );
    }

    #[test]
    fn inspection_intervals_follow_local_rules() {
        assert_eq!(inspection_months("GB", UnitKind::Elevator), 6);
        assert_eq!(inspection_months("gb", UnitKind::Door), 12);
        assert_eq!(inspection_months("FI", UnitKind::Elevator), 12);
    }

    #[test]
    fn plan_validation() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut p = PlanRule {
            interval_weeks: 4,
            interval_starts: Some(50),
            inspection_months: Some(12),
            anchor: d,
            since: d,
            until: None,
        };
        assert_eq!(p.validate().unwrap_err().field, "interval_starts");
        p.interval_starts = Some(5000);
        assert!(p.validate().is_ok());
        p.until = Some(d - chrono::Duration::days(1));
        assert_eq!(p.validate().unwrap_err().field, "until");
    }
}
