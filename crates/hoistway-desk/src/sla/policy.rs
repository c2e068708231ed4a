//! SLA policies: what each contract tier promises per priority, all of it
//! configurable through serde with the spec's defaults.
//!
//! Defaults (response / resolution):
//!
//! | priority  | comprehensive        | standard             | basic                |
//! |-----------|----------------------|----------------------|----------------------|
//! | emergency | 60 min / 8 h, 24/7   | 60 min / 12 h, 24/7  | 60 min / 24 h, 24/7  |
//! | urgent    | same bd / +1 bd      | same bd / +2 bd      | same bd / +3 bd      |
//! | routine   | 1 bd / 5 bd          | 2 bd / 10 bd         | 3 bd / 15 bd         |
//!
//! "Same business day" is the close of the business day the case counts for:
//! the day it was opened if opened before that day's close, otherwise (after
//! hours, weekend, holiday) the next business day, which gives the
//! "by end of the next business day" rule for calls outside business hours.
//! "N business days" is the close of the Nth business day after that day, so
//! a routine call on Monday at 10:00 under a 1-day promise is due Tuesday at
//! close, and a call on the eve of a holiday skips the holiday.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::hold::HoldKind;
use crate::priority::Priority;

/// Contract tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractTier {
    Basic,
    Standard,
    Comprehensive,
}

impl ContractTier {
    pub const ALL: [ContractTier; 3] = [
        ContractTier::Basic,
        ContractTier::Standard,
        ContractTier::Comprehensive,
    ];
}

/// How a due time is derived from the opening time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deadline {
    /// Wall-clock minutes, 24/7; pauses extend it by their real length.
    Elapsed { minutes: u32 },
    /// Minutes of the building's business time; pauses extend it by the
    /// business time they covered.
    BusinessMinutes { minutes: u32 },
    /// Close of the Nth business day after the day the case counts for
    /// (0 = same business day). With a `cutoff`, a case opened at or after
    /// that local time counts for the next business day.
    EndOfBusinessDay {
        business_days_after: u32,
        #[serde(default)]
        cutoff: Option<NaiveTime>,
    },
}

impl Deadline {
    /// Whether pauses and lengths are measured in business time.
    pub fn uses_business_time(&self) -> bool {
        !matches!(self, Deadline::Elapsed { .. })
    }
}

/// Response and resolution targets of one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityTargets {
    pub response: Deadline,
    pub resolution: Deadline,
}

/// How long before a due time a promise counts as at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AtRiskLeads {
    pub emergency_minutes: u32,
    pub urgent_minutes: u32,
    pub routine_minutes: u32,
}

impl Default for AtRiskLeads {
    fn default() -> Self {
        Self {
            emergency_minutes: 15,
            urgent_minutes: 120,
            routine_minutes: 120,
        }
    }
}

impl AtRiskLeads {
    pub fn for_priority(&self, p: Priority) -> chrono::Duration {
        let m = match p {
            Priority::Emergency => self.emergency_minutes,
            Priority::Urgent => self.urgent_minutes,
            Priority::Routine => self.routine_minutes,
        };
        chrono::Duration::minutes(i64::from(m))
    }
}

/// The promises of one contract tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub emergency: PriorityTargets,
    pub urgent: PriorityTargets,
    pub routine: PriorityTargets,
    #[serde(default)]
    pub at_risk: AtRiskLeads,
    /// Hold kinds during which the SLA clock stops. Default: only waiting on
    /// the customer, since parts lead time is the provider's risk.
    #[serde(default = "default_pause_on")]
    pub pause_on: Vec<HoldKind>,
}

fn default_pause_on() -> Vec<HoldKind> {
    vec![HoldKind::WaitingForCustomer]
}

fn eod(n: u32) -> Deadline {
    Deadline::EndOfBusinessDay {
        business_days_after: n,
        cutoff: None,
    }
}

impl SlaPolicy {
    /// The spec's defaults for a tier (see the module table).
    pub fn default_for(tier: ContractTier) -> Self {
        let (emergency_fix_h, urgent_fix_bd, routine_resp_bd, routine_fix_bd) = match tier {
            ContractTier::Comprehensive => (8, 1, 1, 5),
            ContractTier::Standard => (12, 2, 2, 10),
            ContractTier::Basic => (24, 3, 3, 15),
        };
        Self {
            emergency: PriorityTargets {
                response: Deadline::Elapsed { minutes: 60 },
                resolution: Deadline::Elapsed {
                    minutes: emergency_fix_h * 60,
                },
            },
            urgent: PriorityTargets {
                response: eod(0),
                resolution: eod(urgent_fix_bd),
            },
            routine: PriorityTargets {
                response: eod(routine_resp_bd),
                resolution: eod(routine_fix_bd),
            },
            at_risk: AtRiskLeads::default(),
            pause_on: default_pause_on(),
        }
    }

    pub fn targets(&self, p: Priority) -> &PriorityTargets {
        match p {
            Priority::Emergency => &self.emergency,
            Priority::Urgent => &self.urgent,
            Priority::Routine => &self.routine,
        }
    }
}

/// All tiers; a tier missing from the configuration keeps its defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicies {
    #[serde(default = "basic")]
    pub basic: SlaPolicy,
    #[serde(default = "standard")]
    pub standard: SlaPolicy,
    #[serde(default = "comprehensive")]
    pub comprehensive: SlaPolicy,
}

fn basic() -> SlaPolicy {
    SlaPolicy::default_for(ContractTier::Basic)
}
fn standard() -> SlaPolicy {
    SlaPolicy::default_for(ContractTier::Standard)
}
fn comprehensive() -> SlaPolicy {
    SlaPolicy::default_for(ContractTier::Comprehensive)
}

impl Default for SlaPolicies {
    fn default() -> Self {
        Self {
            basic: basic(),
            standard: standard(),
            comprehensive: comprehensive(),
        }
    }
}

impl SlaPolicies {
    pub fn for_tier(&self, tier: ContractTier) -> &SlaPolicy {
        match tier {
            ContractTier::Basic => &self.basic,
            ContractTier::Standard => &self.standard,
            ContractTier::Comprehensive => &self.comprehensive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec() {
        let p = SlaPolicies::default();
        for t in ContractTier::ALL {
            assert_eq!(
                p.for_tier(t).emergency.response,
                Deadline::Elapsed { minutes: 60 }
            );
            assert_eq!(p.for_tier(t).urgent.response, eod(0));
        }
        assert_eq!(p.comprehensive.routine.response, eod(1));
        assert_eq!(p.standard.routine.response, eod(2));
        assert_eq!(p.basic.routine.response, eod(3));
        assert_eq!(
            p.basic.at_risk.for_priority(Priority::Emergency),
            chrono::Duration::minutes(15)
        );
        assert_eq!(
            p.basic.at_risk.for_priority(Priority::Routine),
            chrono::Duration::hours(2)
        );
    }

    #[test]
    fn partial_config_keeps_defaults() {
        let json = r#"{"standard":{
            "emergency":{"response":{"kind":"elapsed","minutes":45},"resolution":{"kind":"elapsed","minutes":600}},
            "urgent":{"response":{"kind":"end_of_business_day","business_days_after":0,"cutoff":"15:00:00"},
                      "resolution":{"kind":"business_minutes","minutes":960}},
            "routine":{"response":{"kind":"end_of_business_day","business_days_after":2},
                       "resolution":{"kind":"end_of_business_day","business_days_after":10}},
            "at_risk":{"emergency_minutes":10}}}"#;
        let p: SlaPolicies = serde_json::from_str(json).unwrap();
        assert_eq!(
            p.standard.emergency.response,
            Deadline::Elapsed { minutes: 45 }
        );
        assert_eq!(p.standard.at_risk.emergency_minutes, 10);
        assert_eq!(p.standard.at_risk.urgent_minutes, 120);
        assert_eq!(p.standard.pause_on, vec![HoldKind::WaitingForCustomer]);
        assert_eq!(p.basic, SlaPolicy::default_for(ContractTier::Basic));
        let back: SlaPolicies = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
