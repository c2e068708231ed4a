//! Service-level agreements: targets per contract tier and priority
//! ([`policy`]), the clock that pauses while a case waits on the customer
//! ([`clock`]), and the state of a case against its promises ([`state`]).
//!
//! Response is measured to the technician on site (or to resolution, when a
//! case is fixed remotely before anyone travels); resolution to `resolved`.

pub mod clock;
pub mod policy;
pub mod state;

pub use clock::SlaClock;
pub use policy::{AtRiskLeads, ContractTier, Deadline, PriorityTargets, SlaPolicies, SlaPolicy};
pub use state::{sla_state, SlaCase, SlaSnapshot, SlaState};
