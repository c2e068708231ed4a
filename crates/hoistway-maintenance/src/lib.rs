//! Hoistway planned maintenance: the pure core.
//!
//! **Architecture invariant:** nothing here does IO or reads a clock. The
//! scheduler takes `today`, the plans, the sites' calendars, the technicians,
//! the usage counts and the visits already stored, and answers with the
//! changes to make. The store applies them in one transaction; the same
//! inputs always give the same answer, and applying an answer and asking
//! again gives no changes (idempotence).
//!
//! Module map:
//! * [`kinds`]: visit kinds, the visit status machine, why a visit is due.
//! * [`plan`]: maintenance plans (every N weeks, every N starts, whichever
//!   first), their defaults by tier × unit kind, authority-inspection
//!   intervals by country.
//! * [`usage`]: starts per unit, from daily counts.
//! * [`checklist`]: checklist templates by unit kind (data), item results.
//! * [`report`]: the visit report a technician posts.
//! * [`schedule`]: the deterministic, idempotent scheduler.
//! * [`recurring`]: cause families, the recurring-fault rule and the
//!   portfolio ranking by recurrent issues (issue #21).
//! * [`lifecycle`]: asset age, modernization candidates with their reasons
//!   and the budget per year (issue #21). Both read the service history,
//!   not the visit plan, but they are the same question a maintenance
//!   provider asks: how long this unit keeps running well.
//! * [`error`]: the typed refusal of bad input.

pub mod checklist;
pub mod error;
pub mod kinds;
pub mod lifecycle;
pub mod plan;
pub mod recurring;
pub mod report;
pub mod schedule;
pub mod usage;

pub use error::MaintenanceError;
pub use kinds::{DueReason, VisitKind, VisitStatus};
pub use plan::{PlanDefaults, PlanRule};
pub use usage::Usage;
