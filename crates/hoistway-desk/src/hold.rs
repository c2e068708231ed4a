//! Why a case is on hold, and the intervals it spent there. The SLA clock
//! reads the intervals; which kinds of hold pause it is SLA configuration.

use chrono::{DateTime, NaiveDate, Utc};
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

/// Days to move a part from the depot that has it to the site. One day:
/// depots deliver to technicians overnight, so a part in stock anywhere
/// reaches the next day's visit whichever depot holds it.
pub const DEPOT_TRANSFER_DAYS: i64 = 1;

/// How many days a catalogue part takes to arrive: the transfer time when
/// some depot has it in stock, else the supplier's lead time.
pub fn catalogue_lead_days(lead_time_days: i64, in_stock: i64) -> i64 {
    if in_stock > 0 {
        DEPOT_TRANSFER_DAYS.min(lead_time_days.max(0))
    } else {
        lead_time_days
    }
}

/// The calendar day a part is expected: `days` after `today` (calendar
/// days, as suppliers quote them, not working days).
pub fn parts_expected_on(today: NaiveDate, days: i64) -> NaiveDate {
    today + chrono::Days::new(days.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_in_a_depot_means_a_transfer_not_an_order() {
        assert_eq!(catalogue_lead_days(42, 3), DEPOT_TRANSFER_DAYS);
        assert_eq!(catalogue_lead_days(42, 0), 42);
        // A part the supplier delivers the same day is not slowed by stock.
        assert_eq!(catalogue_lead_days(0, 5), 0);
        let today = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        assert_eq!(
            parts_expected_on(today, 3),
            NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()
        );
    }
}
