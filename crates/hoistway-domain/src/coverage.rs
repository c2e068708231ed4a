//! What a maintenance contract covers: its line-item scope, its exclusions
//! and its warranty, and the rule that classifies a piece of work done under
//! it as covered, under warranty or billable (seed 000, "Warranty, Parts,
//! and Approvals").
//!
//! Tier defaults follow the care guide: basic covers scheduled maintenance
//! and safety checks; standard adds repair labour, common wear parts and
//! prioritised response; comprehensive adds most (major) parts and faster
//! response. A contract may list its own scope instead.

use crate::fleet::Tier;
use crate::wire_enum;
use chrono::{Months, NaiveDate};
use std::collections::BTreeSet;

wire_enum!(
    /// One line item of a contract's scope.
    ScopeItem, "included" {
        ScheduledMaintenance => "scheduled_maintenance",
        SafetyChecks => "safety_checks",
        RepairLabour => "repair_labour",
        WearParts => "wear_parts",
        MajorParts => "major_parts",
        PrioritisedResponse => "prioritised_response",
        FasterResponse => "faster_response",
    }
);

wire_enum!(
    /// A cause the contract does not pay for, whatever its scope.
    Exclusion, "exclusions" {
        Vandalism => "vandalism",
        WaterIngress => "water_ingress",
        Misuse => "misuse",
        PowerQuality => "power_quality",
    }
);

wire_enum!(
    /// How a catalogue part is treated by the scope: common wear parts
    /// (rollers, belts, buttons) or major components (drives, controllers).
    PartCategory, "category" { Wear => "wear", Major => "major" }
);

wire_enum!(
    /// The outcome of classifying one piece of work.
    Coverage, "coverage" { Covered => "covered", Warranty => "warranty", Billable => "billable" }
);

/// Months of manufacturer warranty from takeover when neither the contract
/// nor the country says otherwise (seed 000: "often 12 months").
pub const DEFAULT_WARRANTY_MONTHS: u32 = 12;

/// Warranty months from takeover when a contract does not set its own:
/// one default and exceptions per country (ISO alpha-2), read from the
/// `[warranty]` section of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WarrantyDefaults {
    pub months: u32,
    pub by_country: std::collections::BTreeMap<String, u32>,
}

impl Default for WarrantyDefaults {
    fn default() -> Self {
        Self {
            months: DEFAULT_WARRANTY_MONTHS,
            by_country: Default::default(),
        }
    }
}

impl WarrantyDefaults {
    /// The months that apply in `country` (case-insensitive).
    pub fn months_for(&self, country: &str) -> u32 {
        self.by_country
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(country))
            .map_or(self.months, |(_, m)| *m)
    }
}

impl ScopeItem {
    /// The items a tier includes when the contract lists none of its own.
    pub fn tier_default(tier: Tier) -> BTreeSet<ScopeItem> {
        use ScopeItem::*;
        let basic = [ScheduledMaintenance, SafetyChecks];
        let standard = [RepairLabour, WearParts, PrioritisedResponse];
        let comprehensive = [MajorParts, FasterResponse];
        let mut items: BTreeSet<ScopeItem> = basic.into_iter().collect();
        if matches!(tier, Tier::Standard | Tier::Comprehensive) {
            items.extend(standard);
        }
        if tier == Tier::Comprehensive {
            items.extend(comprehensive);
        }
        items
    }
}

impl Exclusion {
    /// Every exclusion the care guide names: the default of a contract.
    pub fn all() -> BTreeSet<Exclusion> {
        Exclusion::ALL.iter().copied().collect()
    }
}

// BTreeSet needs an order; the wire order is the natural one.
macro_rules! ordered_by_position {
    ($t:ty) => {
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $t {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                let at = |x: &Self| <$t>::ALL.iter().position(|y| y == x);
                at(self).cmp(&at(other))
            }
        }
    };
}
ordered_by_position!(ScopeItem);
ordered_by_position!(Exclusion);

/// What a piece of work is, for classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A part from the catalogue; `None` when the part is not catalogued,
    /// which is treated as a major part (no tier below comprehensive pays
    /// for an unknown component).
    Part(Option<PartCategory>),
    /// A technician's time on a repair call.
    Labour,
}

/// The terms of one contract that classification reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub included: BTreeSet<ScopeItem>,
    pub exclusions: BTreeSet<Exclusion>,
    /// Last day of the unit's warranty, if it has one.
    pub warranty_until: Option<NaiveDate>,
}

/// One classified piece of work with the reason a person can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub coverage: Coverage,
    pub reason: String,
}

/// The last day of warranty of a unit taken over on `takeover`.
pub fn warranty_until(takeover: NaiveDate, months: u32) -> Option<NaiveDate> {
    if months == 0 {
        return None;
    }
    takeover
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
}

/// Classifies `work` done on `day` whose cause the technician recorded as
/// `cause` (an exclusion) or not. An excluded cause is billable even under
/// warranty: neither the manufacturer nor the contract pays for vandalism.
pub fn classify(terms: &Terms, work: Work, day: NaiveDate, cause: Option<Exclusion>) -> Classified {
    if let Some(c) = cause.filter(|c| terms.exclusions.contains(c)) {
        return Classified {
            coverage: Coverage::Billable,
            reason: format!("excluded cause: {}", c.as_str().replace('_', " ")),
        };
    }
    if terms.warranty_until.is_some_and(|end| day <= end) {
        return Classified {
            coverage: Coverage::Warranty,
            reason: format!(
                "under warranty until {}",
                terms.warranty_until.unwrap_or(day)
            ),
        };
    }
    let needed = match work {
        Work::Labour => ScopeItem::RepairLabour,
        Work::Part(Some(PartCategory::Wear)) => ScopeItem::WearParts,
        Work::Part(_) => ScopeItem::MajorParts,
    };
    if terms.included.contains(&needed) {
        Classified {
            coverage: Coverage::Covered,
            reason: format!("included: {}", needed.as_str().replace('_', " ")),
        }
    } else {
        Classified {
            coverage: Coverage::Billable,
            reason: format!("not in the contract: {}", needed.as_str().replace('_', " ")),
        }
    }
}

/// Whether a quote can go ahead without the customer: within the
/// contract's spending limit and not needing a purchase order. Otherwise
/// the reasons it waits for the customer's approval.
pub fn quote_needs_approval(
    amount_minor: i64,
    spending_limit_minor: i64,
    po_required: bool,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if amount_minor > spending_limit_minor {
        reasons.push(format!(
            "above the spending limit of {:.2}",
            spending_limit_minor as f64 / 100.0
        ));
    }
    if po_required {
        reasons.push("the contract requires a purchase order".to_string());
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn terms(tier: Tier) -> Terms {
        Terms {
            included: ScopeItem::tier_default(tier),
            exclusions: Exclusion::all(),
            warranty_until: None,
        }
    }

    #[test]
    fn tiers_build_on_each_other() {
        let basic = ScopeItem::tier_default(Tier::Basic);
        let standard = ScopeItem::tier_default(Tier::Standard);
        let comprehensive = ScopeItem::tier_default(Tier::Comprehensive);
        assert_eq!(basic.len(), 2);
        assert!(basic.is_subset(&standard) && standard.is_subset(&comprehensive));
        assert!(standard.contains(&ScopeItem::WearParts));
        assert!(!standard.contains(&ScopeItem::MajorParts));
        assert!(comprehensive.contains(&ScopeItem::MajorParts));
    }

    #[test]
    fn parts_and_labour_follow_the_tier() {
        let day = d("2026-06-01");
        let wear = Work::Part(Some(PartCategory::Wear));
        let major = Work::Part(Some(PartCategory::Major));
        let basic = terms(Tier::Basic);
        assert_eq!(
            classify(&basic, wear, day, None).coverage,
            Coverage::Billable
        );
        assert_eq!(
            classify(&basic, Work::Labour, day, None).coverage,
            Coverage::Billable
        );
        let standard = terms(Tier::Standard);
        assert_eq!(
            classify(&standard, wear, day, None).coverage,
            Coverage::Covered
        );
        assert_eq!(
            classify(&standard, Work::Labour, day, None).coverage,
            Coverage::Covered
        );
        let c = classify(&standard, major, day, None);
        assert_eq!(c.coverage, Coverage::Billable);
        assert_eq!(c.reason, "not in the contract: major parts");
        let comprehensive = terms(Tier::Comprehensive);
        assert_eq!(
            classify(&comprehensive, major, day, None).coverage,
            Coverage::Covered
        );
        // An uncatalogued part counts as major.
        assert_eq!(
            classify(&standard, Work::Part(None), day, None).coverage,
            Coverage::Billable
        );
    }

    #[test]
    fn warranty_covers_until_its_last_day_and_exclusions_beat_it() {
        let mut t = terms(Tier::Basic);
        t.warranty_until = warranty_until(d("2026-01-15"), 12);
        assert_eq!(t.warranty_until, Some(d("2027-01-14")));
        let part = Work::Part(Some(PartCategory::Major));
        assert_eq!(
            classify(&t, part, d("2027-01-14"), None).coverage,
            Coverage::Warranty
        );
        assert_eq!(
            classify(&t, part, d("2027-01-15"), None).coverage,
            Coverage::Billable
        );
        let vandal = classify(&t, part, d("2026-05-01"), Some(Exclusion::Vandalism));
        assert_eq!(vandal.coverage, Coverage::Billable);
        assert_eq!(vandal.reason, "excluded cause: vandalism");
        assert_eq!(warranty_until(d("2026-01-15"), 0), None);
    }

    #[test]
    fn an_exclusion_the_contract_waives_is_classified_normally() {
        let mut t = terms(Tier::Comprehensive);
        t.exclusions.remove(&Exclusion::WaterIngress);
        let c = classify(
            &t,
            Work::Labour,
            d("2026-06-01"),
            Some(Exclusion::WaterIngress),
        );
        assert_eq!(c.coverage, Coverage::Covered);
    }

    #[test]
    fn warranty_defaults_per_country() {
        let w: WarrantyDefaults = serde_json::from_str(r#"{"by_country": {"DE": 24}}"#).unwrap();
        assert_eq!(w.months_for("de"), 24);
        assert_eq!(w.months_for("FI"), DEFAULT_WARRANTY_MONTHS);
    }

    #[test]
    fn quotes_wait_above_the_limit_or_for_a_purchase_order() {
        assert!(quote_needs_approval(40_000, 50_000, false).is_empty());
        assert_eq!(quote_needs_approval(50_001, 50_000, false).len(), 1);
        let both = quote_needs_approval(60_000, 50_000, true);
        assert_eq!(both.len(), 2);
        assert!(both[1].contains("purchase order"));
    }
}
