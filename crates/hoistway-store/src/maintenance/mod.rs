//! Planned maintenance: plans per unit, the visits the scheduler plans from
//! them, checklists and reports of completed visits, inspection
//! certificates, technicians' territories and skills, buildings'
//! maintenance windows, and the per-user calendar feed tokens.
//!
//! Module map:
//! - [`plans`]: plans per unit; [`plans::sync_contract`] is the hook
//!   contract writes call so covered units get default plans and visits.
//! - [`scheduler`]: loads the scheduler's inputs, runs the pure core
//!   (`hoistway-maintenance`) and writes its changes; [`scheduler::run_scheduler`]
//!   is the daily job.
//! - [`visits`]: reading, filtering and rescheduling visits.
//! - [`checklists`]: checklist templates (editable per unit kind).
//! - [`completion`]: starting a visit, recording items one by one, the
//!   failed-safety hook, completing with the report.
//! - [`certificates`]: inspection certificates and their expiry.
//! - [`technicians`]: technician profiles (territory, skills, capacity).
//! - [`sites`]: a building's maintenance window (days, hours, blackouts).
//! - [`defaults`]: the plan defaults table (tier × unit kind) with overrides.
//! - [`usage`]: the ONE read of starts per unit per day.
//! - [`calendar_tokens`]: secret iCalendar feed tokens, stored hashed.
//! - [`export`]: rows of the maintenance audit export.

pub mod calendar_tokens;
pub mod certificates;
pub mod checklists;
pub mod completion;
pub mod defaults;
pub mod export;
pub mod plans;
pub mod scheduler;
pub mod sites;
pub mod technicians;
pub mod usage;
pub mod visits;

use crate::error::StoreError;
use hoistway_maintenance::MaintenanceError;

/// Maps a maintenance rule's refusal onto the store's error.
pub(crate) fn rule(e: MaintenanceError) -> StoreError {
    match e {
        MaintenanceError::Invalid(i) => StoreError::Invalid(i),
        MaintenanceError::State(m) => StoreError::Conflict(m),
    }
}

/// Splits a stored comma-separated list, dropping empty entries.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses a stored `YYYY-MM-DD`; a malformed stored date is a database
/// problem, not the caller's.
pub(crate) fn stored_date(s: &str) -> Result<chrono::NaiveDate, StoreError> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Db(sqlx::Error::Decode(format!("date '{s}': {e}").into())))
}
