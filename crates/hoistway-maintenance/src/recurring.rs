//! Recurring faults (issue #21, seed 000: "for persistent issues on the same
//! unit, ask your account manager to schedule a root-cause analysis"): which
//! cause family a case belongs to, which units have had the same family of
//! fault again and again, and the portfolio ranking by recurrent issues
//! ("portfolio dashboards highlight units with recurrent issues, enabling
//! targeted investment decisions, e.g. door system upgrades").
//!
//! A case's family comes from its service report's cause code; a case not
//! yet reported is classified by its pre-emptive finding's family when it has
//! one, and otherwise not counted: a guess from the symptoms would flag units
//! on words, not on what the technician found.

use chrono::{DateTime, Duration, Utc};
use hoistway_domain::Invalid;
use serde::Serialize;
use std::collections::BTreeMap;

/// Cases of one family on one unit that make it recurring, by default.
pub const DEFAULT_MIN_CASES: u32 = 3;
/// The window those cases must fall in, by default (days).
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
/// Bounds a caller may choose: two cases are already a repeat; more than
/// ten in a window is a broken unit, not a pattern to look for.
pub const MIN_CASES_RANGE: (u32, u32) = (2, 10);
/// A window longer than two years outlives the history most sites keep.
pub const WINDOW_DAYS_RANGE: (u32, u32) = (7, 730);

/// What a fault is about, in the words a modernization budget uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CauseFamily {
    /// Doors, door operator, rollers, locks, safety edges.
    Door,
    /// Hoisting machine, drive, motor, brake.
    Drive,
    /// Controller, its boards and communication.
    Controller,
    /// The safety chain: safety circuit, governor, buffers.
    SafetyChain,
    /// Levelling and ride quality.
    RideComfort,
    /// Everything else (misuse, escalator steps, unknown codes).
    Other,
}

impl CauseFamily {
    pub const ALL: [CauseFamily; 6] = [
        CauseFamily::Door,
        CauseFamily::Drive,
        CauseFamily::Controller,
        CauseFamily::SafetyChain,
        CauseFamily::RideComfort,
        CauseFamily::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CauseFamily::Door => "door",
            CauseFamily::Drive => "drive",
            CauseFamily::Controller => "controller",
            CauseFamily::SafetyChain => "safety_chain",
            CauseFamily::RideComfort => "ride_comfort",
            CauseFamily::Other => "other",
        }
    }

    /// The wire name back to a family; the field is named in the refusal.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
                Invalid::new(field, format!("must be one of {}", names.join(", ")))
            })
    }

    /// The family of a service report's cause code: known codes, then the
    /// code's first part (before `-`, `_` or `.`), as the portal's plain
    /// words read them (`strings/printed.rs`).
    pub fn of_cause_code(code: &str) -> Self {
        let code = code.trim().to_ascii_uppercase();
        let head = code.split(['-', '_', '.']).next().unwrap_or("");
        match head {
            "DOOR" | "DR" => CauseFamily::Door,
            "LEVELLING" | "LEVELING" | "LEV" | "LVL" | "ENC" | "RIDE" | "VIB" => {
                CauseFamily::RideComfort
            }
            "MOTOR" | "MOT" | "DRIVE" | "DRV" | "BRAKE" | "BRK" | "MACHINE" | "ROPE" => {
                CauseFamily::Drive
            }
            "CTL" | "CONTROLLER" | "CTRL" | "COM" => CauseFamily::Controller,
            "SAFETY" | "SAF" | "GOV" | "BUFFER" => CauseFamily::SafetyChain,
            _ => CauseFamily::Other,
        }
    }

    /// The family of a pre-emptive finding family (`hoistway_domain::findings`).
    pub fn of_finding_family(family: &str) -> Self {
        match family {
            "door" => CauseFamily::Door,
            "drive" | "brake" => CauseFamily::Drive,
            "controller" => CauseFamily::Controller,
            "safety_circuit" => CauseFamily::SafetyChain,
            "levelling" => CauseFamily::RideComfort,
            _ => CauseFamily::Other,
        }
    }

    /// The component a targeted upgrade for this family replaces.
    pub fn upgrade_words(self) -> &'static str {
        match self {
            CauseFamily::Door => "door system upgrade",
            CauseFamily::Drive => "drive and machine upgrade",
            CauseFamily::Controller => "controller upgrade",
            CauseFamily::SafetyChain => "safety chain components",
            CauseFamily::RideComfort => "levelling and ride comfort upgrade",
            CauseFamily::Other => "targeted repair",
        }
    }
}

/// When a unit counts as having a recurring fault: `min_cases` cases of
/// one family within `window_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub min_cases: u32,
    pub window_days: u32,
}

impl Default for Rule {
    fn default() -> Self {
        Self {
            min_cases: DEFAULT_MIN_CASES,
            window_days: DEFAULT_WINDOW_DAYS,
        }
    }
}

impl Rule {
    /// A rule from a caller's choice; missing values take the defaults and a
    /// value out of bounds is refused naming its field.
    pub fn new(min_cases: Option<u32>, window_days: Option<u32>) -> Result<Self, Invalid> {
        let min_cases = min_cases.unwrap_or(DEFAULT_MIN_CASES);
        let window_days = window_days.unwrap_or(DEFAULT_WINDOW_DAYS);
        let (lo, hi) = MIN_CASES_RANGE;
        if !(lo..=hi).contains(&min_cases) {
            return Err(Invalid::new(
                "min_cases",
                format!("must be between {lo} and {hi}"),
            ));
        }
        let (lo, hi) = WINDOW_DAYS_RANGE;
        if !(lo..=hi).contains(&window_days) {
            return Err(Invalid::new(
                "days",
                format!("must be between {lo} and {hi}"),
            ));
        }
        Ok(Self {
            min_cases,
            window_days,
        })
    }
}

/// One classified case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFact {
    pub unit_id: i64,
    pub number: String,
    pub opened_at: DateTime<Utc>,
    pub family: CauseFamily,
}

/// A unit flagged for one family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Flag {
    pub unit_id: i64,
    pub family: CauseFamily,
    /// The case numbers of that family in the window, oldest first.
    pub cases: Vec<String>,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// The units with `rule.min_cases` or more cases of one family opened in
/// the `rule.window_days` before `now`, one flag per (unit, family),
/// ordered by unit and family.
pub fn flag(rule: Rule, now: DateTime<Utc>, facts: &[CaseFact]) -> Vec<Flag> {
    let since = now - Duration::days(i64::from(rule.window_days));
    let mut groups: BTreeMap<(i64, CauseFamily), Vec<&CaseFact>> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| f.opened_at > since && f.opened_at <= now)
    {
        groups.entry((f.unit_id, f.family)).or_default().push(f);
    }
    groups
        .into_iter()
        .filter(|(_, cases)| cases.len() >= rule.min_cases as usize)
        .map(|((unit_id, family), mut cases)| {
            cases.sort_by(|a, b| (a.opened_at, &a.number).cmp(&(b.opened_at, &b.number)));
            Flag {
                unit_id,
                family,
                first_at: cases[0].opened_at,
                last_at: cases[cases.len() - 1].opened_at,
                cases: cases.into_iter().map(|c| c.number.clone()).collect(),
            }
        })
        .collect()
}

/// A family's count on one unit in the ranking's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FamilyCount {
    pub family: CauseFamily,
    pub cases: u32,
}

/// One unit of the portfolio ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Ranked {
    pub unit_id: i64,
    /// Repeat cases: every case of a family beyond the first on this unit
    /// in the period. One door fault a year is wear; the second and third
    /// are what a door upgrade would have saved.
    pub repeats: u32,
    /// Classified cases in the period.
    pub cases: u32,
    /// Per family, most cases first.
    pub families: Vec<FamilyCount>,
    /// The family with the most cases (ties: the order of [`CauseFamily::ALL`]).
    pub top_family: CauseFamily,
}

/// Units with at least one repeat in the period `(since, until]`, most
/// repeats first, then most cases, then unit id (a stable order).
pub fn rank(since: DateTime<Utc>, until: DateTime<Utc>, facts: &[CaseFact]) -> Vec<Ranked> {
    let mut per_unit: BTreeMap<i64, BTreeMap<CauseFamily, u32>> = BTreeMap::new();
    for f in facts
        .iter()
        .filter(|f| f.opened_at > since && f.opened_at <= until)
    {
        *per_unit
            .entry(f.unit_id)
            .or_default()
            .entry(f.family)
            .or_default() += 1;
    }
    let mut ranked: Vec<Ranked> = per_unit
        .into_iter()
        .map(|(unit_id, counts)| {
            let mut families: Vec<FamilyCount> = counts
                .iter()
                .map(|(family, cases)| FamilyCount {
                    family: *family,
                    cases: *cases,
                })
                .collect();
            families.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.family.cmp(&b.family)));
            Ranked {
                unit_id,
                repeats: counts.values().map(|n| n - 1).sum(),
                cases: counts.values().sum(),
                top_family: families[0].family,
                families,
            }
        })
        .filter(|r| r.repeats > 0)
        .collect();
    ranked.sort_by(|a, b| {
        b.repeats
            .cmp(&a.repeats)
            .then(b.cases.cmp(&a.cases))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + Duration::days(day)
    }

    fn case(unit_id: i64, day: i64, family: CauseFamily) -> CaseFact {
        CaseFact {
            unit_id,
            number: format!("SO-{unit_id}-{day}"),
            opened_at: at(day),
            family,
        }
    }

    #[test]
    fn the_demo_and_catalogue_codes_fall_into_their_families() {
        use CauseFamily::*;
        for (code, family) in [
            ("DOOR-ROLLER", Door),
            ("door_lock", Door),
            ("LEVELLING", RideComfort),
            ("LEV-SENSOR", RideComfort),
            ("MOTOR-TEMP", Drive),
            ("DRIVE-FAULT", Drive),
            ("BRAKE", Drive),
            ("SAFETY-CIRCUIT", SafetyChain),
            ("CTL.COMM", Controller),
            ("VAND", Other),
            ("", Other),
        ] {
            assert_eq!(CauseFamily::of_cause_code(code), family, "{code}");
        }
        assert_eq!(CauseFamily::of_finding_family("door"), Door);
        assert_eq!(CauseFamily::of_finding_family("brake"), Drive);
        assert_eq!(CauseFamily::of_finding_family("connectivity"), Other);
    }

    #[test]
    fn family_names_round_trip_and_a_bad_one_names_the_field() {
        for f in CauseFamily::ALL {
            assert_eq!(CauseFamily::parse("family", f.as_str()), Ok(f));
        }
        assert_eq!(
            CauseFamily::parse("family", "wheels").unwrap_err().field,
            "family"
        );
    }

    #[test]
    fn three_door_faults_in_ninety_days_flag_the_unit_and_two_do_not() {
        use CauseFamily::*;
        let facts = vec![
            case(1, 0, Door),
            case(1, 40, Door),
            case(1, 80, Door),
            case(1, 81, Drive),
            case(2, 10, Door),
            case(2, 70, Door),
            // Unit 3 has three door faults, but one is outside the window.
            case(3, -20, Door),
            case(3, 50, Door),
            case(3, 85, Door),
        ];
        let flags = flag(Rule::default(), at(85), &facts);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].unit_id, 1);
        assert_eq!(flags[0].family, Door);
        assert_eq!(flags[0].cases, vec!["SO-1-0", "SO-1-40", "SO-1-80"]);
        assert_eq!(flags[0].first_at, at(0));
        // A looser rule flags unit 2 and 3 as well.
        let loose = Rule::new(Some(2), Some(120)).unwrap();
        let units: Vec<i64> = flag(loose, at(85), &facts)
            .iter()
            .map(|f| f.unit_id)
            .collect();
        assert_eq!(units, vec![1, 2, 3]);
        // Cases after `now` are not counted.
        assert!(flag(Rule::default(), at(79), &facts).is_empty());
    }

    #[test]
    fn rules_out_of_bounds_name_their_field() {
        assert_eq!(Rule::new(Some(1), None).unwrap_err().field, "min_cases");
        assert_eq!(Rule::new(None, Some(3)).unwrap_err().field, "days");
        assert_eq!(Rule::new(None, Some(10_000)).unwrap_err().field, "days");
        assert_eq!(Rule::new(None, None).unwrap(), Rule::default());
    }

    #[test]
    fn the_ranking_puts_most_repeats_first_and_leaves_out_single_faults() {
        use CauseFamily::*;
        let facts = vec![
            case(1, 1, Door),
            case(1, 2, Drive),
            case(2, 1, Door),
            case(2, 2, Door),
            case(2, 3, Door),
            case(3, 1, Drive),
            case(3, 2, Drive),
            case(3, 3, RideComfort),
            case(4, 1, Other),
        ];
        let r = rank(at(0), at(10), &facts);
        let order: Vec<(i64, u32)> = r.iter().map(|r| (r.unit_id, r.repeats)).collect();
        assert_eq!(order, vec![(2, 2), (3, 1)]);
        assert_eq!(r[0].top_family, Door);
        assert_eq!(r[1].cases, 3);
        assert_eq!(
            r[1].families[0],
            FamilyCount {
                family: Drive,
                cases: 2
            }
        );
    }
}
