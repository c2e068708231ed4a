//! Why a case is on hold, and the intervals it spent there. The SLA clock
//! reads the intervals; which kinds of hold pause it is SLA configuration.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::report::PartNumber;

/// The reason recorded when a case enters `on_hold`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HoldReason {
    /// A part has to be ordered; the lead time is what the supplier promised.
    WaitingForParts {
        part: PartNumber,
        lead_time_days: u32,
    },
    /// The customer has to act: give access, approve a quote, issue a PO.
    WaitingForCustomer { note: String },
}

impl HoldReason {
    pub fn kind(&self) -> HoldKind {
        match self {
            HoldReason::WaitingForParts { .. } => HoldKind::WaitingForParts,
            HoldReason::WaitingForCustomer { .. } => HoldKind::WaitingForCustomer,
        }
    }
}

/// The kind of a hold, without its details; SLA policies name these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldKind {
    WaitingForParts,
    WaitingForCustomer,
}

/// One stay in `on_hold`; `until` is `None` while the case is still on hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldInterval {
    pub kind: HoldKind,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}
