//! The scheduler: plans in, planned visits out.
//!
//! It works in two passes. The first walks each unit's chain of due dates
//! (preventive: every N weeks or N starts, whichever first; inspection: every
//! N months) over the horizon and matches them against the unit's visits
//! already planned: a visit whose due date still matches is kept where it
//! is, so technicians' calendars do not churn; a stale one is moved or
//! cancelled; a missing one is created. The second pass places what needs a
//! slot, in due-date order, choosing a technician whose territory covers the
//! building and whose skills cover the unit kind, on an allowed day of the
//! building (its business days and hours, minus blackout dates, in its time
//! zone), preferring the technician-week with the least booked time and the
//! day nearest the due date.
//!
//! Determinism: every choice breaks ties by date and id, and no hash-map
//! order leaks into the answer. Idempotence: a created or moved visit carries
//! the due date of its chain position, so the next run matches and keeps it.

mod chain;
mod place;
#[cfg(test)]
mod tests;

use crate::kinds::{DueReason, VisitKind, VisitStatus};
use crate::plan::PlanRule;
use crate::usage::Usage;
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_desk::BusinessCalendar;
use hoistway_domain::fleet::UnitKind;
use std::collections::BTreeMap;

/// A technician as the scheduler sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technician {
    pub id: i64,
    /// ISO alpha-2 countries worked in.
    pub countries: Vec<String>,
    /// Regions within those countries; empty means the whole country.
    pub regions: Vec<String>,
    /// Unit kinds the technician is trained for.
    pub skills: Vec<UnitKind>,
    /// Minutes of planned work per week before the technician counts as full.
    pub weekly_capacity_min: u32,
}

impl Technician {
    /// Whether the technician may be sent to `site` for a unit of `kind`.
    pub fn covers(&self, site: &Site, kind: UnitKind) -> bool {
        let country = self
            .countries
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&site.country));
        let region = self.regions.is_empty()
            || site
                .region
                .as_deref()
                .is_some_and(|r| self.regions.iter().any(|t| t.eq_ignore_ascii_case(r)));
        country && region && self.skills.contains(&kind)
    }
}

/// A building as the scheduler sees it: where it is and when work may happen.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: i64,
    pub country: String,
    pub region: Option<String>,
    /// Allowed weekdays and hours, public holidays and blackout dates, in
    /// the building's time zone.
    pub calendar: BusinessCalendar,
}

/// What has happened to a unit, as far as its chains care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    pub last_preventive: Option<NaiveDate>,
    pub last_inspection: Option<NaiveDate>,
    /// The latest missed preventive visit's planned date.
    pub last_missed_preventive: Option<NaiveDate>,
    pub last_missed_inspection: Option<NaiveDate>,
    /// A modernization restarts both chains.
    pub modernized_on: Option<NaiveDate>,
}

/// One unit to schedule.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub unit_id: i64,
    pub site_id: i64,
    pub kind: UnitKind,
    pub plan: PlanRule,
    pub history: History,
    /// Starts since the preventive chain's base date (see
    /// [`UnitPlan::preventive_base`]), and the recent rate.
    pub usage: Usage,
}

impl UnitPlan {
    /// The date the preventive chain counts from: the last preventive visit
    /// or modernization, or the plan's anchor. Usage is counted from here.
    pub fn preventive_base(&self) -> NaiveDate {
        chain::latest(
            self.history.last_preventive,
            self.history.modernized_on,
            self.plan.anchor,
        )
    }
}

/// A visit already stored that is still open (planned or in progress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingVisit {
    pub id: i64,
    pub unit_id: i64,
    pub kind: VisitKind,
    pub status: VisitStatus,
    /// The chain date it serves (`None` for visits booked by hand).
    pub due_on: Option<NaiveDate>,
    /// The building's local date of `planned_for`.
    pub date: NaiveDate,
    pub planned_for: DateTime<Utc>,
    pub duration_min: u32,
    pub technician_id: Option<i64>,
    /// Moved by hand: kept where it is unless its chain position disappears.
    pub pinned: bool,
}

/// Tuning of the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// How far ahead visits are planned (default 13 months).
    pub horizon_days: i64,
    /// At most this many days before or after the due date (also capped at
    /// a quarter of the interval, so short intervals stay regular).
    pub max_flex_days: i64,
    /// A use-driven due date moves with the unit's rate every day; a planned
    /// visit within this many days of it is kept rather than moved.
    pub use_tolerance_days: i64,
    /// How far past the window to look for a free slot before giving up.
    pub search_days: i64,
    /// Authority inspections are planned up to this many days before due.
    pub inspection_lead_days: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            horizon_days: 396,
            max_flex_days: 7,
            use_tolerance_days: 7,
            search_days: 42,
            inspection_lead_days: 14,
        }
    }
}

/// Minutes a visit of `kind` to a unit of `unit` is planned to take.
pub fn duration_min(kind: VisitKind, unit: UnitKind) -> u32 {
    match (kind, unit) {
        (VisitKind::Inspection, UnitKind::Door) => 60,
        (VisitKind::Inspection, _) => 120,
        (_, UnitKind::Elevator) => 90,
        (_, UnitKind::Escalator) => 120,
        (_, UnitKind::Door) => 45,
    }
}

/// Everything one run needs.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub today: NaiveDate,
    /// The moment of the run, when known: no visit is booked into a day
    /// whose working window already began (hours already past, or work
    /// already under way).
    pub now: Option<DateTime<Utc>>,
    /// The units to (re)schedule, with their plans.
    pub units: &'a [UnitPlan],
    pub sites: &'a BTreeMap<i64, Site>,
    pub technicians: &'a [Technician],
    /// Open visits: those of `units` are matched; all count as booked time.
    pub existing: &'a [ExistingVisit],
    pub config: &'a Config,
}

/// When and by whom a visit happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub planned_for: DateTime<Utc>,
    pub duration_min: u32,
    pub technician_id: Option<i64>,
}

/// A visit to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVisit {
    pub unit_id: i64,
    pub kind: VisitKind,
    pub due_on: NaiveDate,
    pub reason: DueReason,
    pub slot: Slot,
}

/// One change to the stored visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create(PlannedVisit),
    /// Give an existing visit a new slot (and due date).
    Move {
        id: i64,
        visit: PlannedVisit,
    },
    /// The visit's chain position is gone (plan changed, contract ended).
    Cancel {
        id: i64,
        unit_id: i64,
    },
}

/// The answer of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// In a deterministic order: cancels, then moves and creates by due date.
    pub changes: Vec<Change>,
    pub kept: usize,
    /// Placed visits no technician could take (no one covers the site and
    /// kind, or everyone is full); they are planned without a technician.
    pub unassigned: usize,
}

/// A planned visit whose day has passed without it starting is missed.
pub fn is_missed(status: VisitStatus, date: NaiveDate, today: NaiveDate) -> bool {
    status == VisitStatus::Planned && date < today
}

/// Runs the scheduler. Units whose site is unknown are skipped (the caller
/// always knows the building of a unit; this keeps the core total).
pub fn schedule(req: &Request<'_>) -> Outcome {
    let matched = chain::match_all(req);
    place::place_all(req, matched)
}
