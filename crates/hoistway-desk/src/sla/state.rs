//! Where a case stands against its promises at an instant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::SlaClock;
use super::policy::SlaPolicy;
use crate::calendar::BusinessCalendar;
use crate::hold::HoldInterval;
use crate::priority::Priority;

/// What the SLA rules need to know about a case. Times after `now` are
/// ignored, so a scripted or replayed case can be evaluated at any instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaCase {
    pub priority: Priority,
    pub opened_at: DateTime<Utc>,
    /// Passengers were trapped at intake (drives the 45-minute escalation).
    #[serde(default)]
    pub entrapment: bool,
    /// First time a technician was on site.
    #[serde(default)]
    pub on_site_at: Option<DateTime<Utc>>,
    /// Latest resolution (a reopened case has `None` again).
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub holds: Vec<HoldInterval>,
}

impl SlaCase {
    /// When the response promise was fulfilled, as known at `now`: the first
    /// of on site and resolved (a remote fix needs no visit).
    pub fn responded_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        [self.on_site_at, self.resolved_at]
            .into_iter()
            .flatten()
            .filter(|t| *t <= now)
            .min()
    }

    pub fn resolved_by(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.resolved_at.filter(|t| *t <= now)
    }
}

/// State of one promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    AtRisk,
    Breached,
    Met,
}

/// The SLA picture of a case at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaSnapshot {
    pub response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    pub response_state: SlaState,
    pub resolution_state: SlaState,
    /// When the response became (or becomes) at risk: due minus the lead.
    pub response_at_risk_from: DateTime<Utc>,
    pub resolution_at_risk_from: DateTime<Utc>,
    /// A pausing hold is open; due times move with the clock while it is.
    pub paused: bool,
}

fn state(
    done: Option<DateTime<Utc>>,
    due: DateTime<Utc>,
    at_risk_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> SlaState {
    match done {
        Some(t) if t <= due => SlaState::Met,
        Some(_) => SlaState::Breached,
        None if now >= due => SlaState::Breached,
        None if now >= at_risk_from => SlaState::AtRisk,
        None => SlaState::OnTrack,
    }
}

/// Evaluates a case's promises at `now`. A promise fulfilled late stays
/// `breached`; one fulfilled in time is `met`.
pub fn sla_state(
    case: &SlaCase,
    policy: &SlaPolicy,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> SlaSnapshot {
    let clock = SlaClock::new(calendar, &case.holds, &policy.pause_on, now);
    let targets = policy.targets(case.priority);
    let lead = policy.at_risk.for_priority(case.priority);
    let response_due = clock.due(&targets.response, case.opened_at);
    let resolution_due = clock.due(&targets.resolution, case.opened_at);
    let response_at_risk_from = response_due - lead;
    let resolution_at_risk_from = resolution_due - lead;
    SlaSnapshot {
        response_due,
        resolution_due,
        response_state: state(
            case.responded_at(now),
            response_due,
            response_at_risk_from,
            now,
        ),
        resolution_state: state(
            case.resolved_by(now),
            resolution_due,
            resolution_at_risk_from,
            now,
        ),
        response_at_risk_from,
        resolution_at_risk_from,
        paused: clock.is_paused(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Country;
    use crate::hold::HoldKind;
    use crate::sla::policy::ContractTier;
    use chrono::{Duration, TimeZone};
    use chrono_tz::America::New_York;

    fn ny(m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        New_York
            .with_ymd_and_hms(2026, m, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn case(priority: Priority, opened_at: DateTime<Utc>) -> SlaCase {
        SlaCase {
            priority,
            opened_at,
            entrapment: false,
            on_site_at: None,
            resolved_at: None,
            holds: vec![],
        }
    }

    #[test]
    fn emergency_states_over_time() {
        let cal = BusinessCalendar::standard(New_York, Some(Country::Us));
        let p = SlaPolicy::default_for(ContractTier::Standard);
        let opened = ny(11, 26, 9, 0); // Thanksgiving: emergencies are 24/7.
        let c = case(Priority::Emergency, opened);
        let at = |m: i64| sla_state(&c, &p, &cal, opened + Duration::minutes(m));
        assert_eq!(at(0).response_due, opened + Duration::minutes(60));
        assert_eq!(at(0).resolution_due, opened + Duration::hours(12));
        assert_eq!(at(44).response_state, SlaState::OnTrack);
        assert_eq!(at(45).response_state, SlaState::AtRisk);
        assert_eq!(at(59).response_state, SlaState::AtRisk);
        assert_eq!(at(60).response_state, SlaState::Breached);
        let mut met = c.clone();
        met.on_site_at = Some(opened + Duration::minutes(50));
        let s = sla_state(&met, &p, &cal, opened + Duration::minutes(70));
        assert_eq!(s.response_state, SlaState::Met);
        assert_eq!(s.resolution_state, SlaState::OnTrack);
        // Before the arrival is known it is still at risk.
        assert_eq!(
            sla_state(&met, &p, &cal, opened + Duration::minutes(49)).response_state,
            SlaState::AtRisk
        );
        met.on_site_at = Some(opened + Duration::minutes(61));
        assert_eq!(
            sla_state(&met, &p, &cal, opened + Duration::minutes(70)).response_state,
            SlaState::Breached
        );
    }

    #[test]
    fn urgent_same_day_or_next_business_day() {
        let cal = BusinessCalendar::standard(New_York, Some(Country::Us));
        let p = SlaPolicy::default_for(ContractTier::Basic);
        let s = sla_state(
            &case(Priority::Urgent, ny(11, 25, 11, 0)),
            &p,
            &cal,
            ny(11, 25, 11, 0),
        );
        assert_eq!(s.response_due, ny(11, 25, 17, 0));
        assert_eq!(s.response_at_risk_from, ny(11, 25, 15, 0));
        // Opened after hours the day before Thanksgiving → Friday close.
        let s = sla_state(
            &case(Priority::Urgent, ny(11, 25, 19, 0)),
            &p,
            &cal,
            ny(11, 25, 19, 0),
        );
        assert_eq!(s.response_due, ny(11, 27, 17, 0));
        assert_eq!(s.resolution_due, ny(12, 2, 17, 0));
    }

    #[test]
    fn routine_pushed_past_holiday_and_paused_by_customer_hold() {
        let cal = BusinessCalendar::standard(New_York, Some(Country::Us));
        let p = SlaPolicy::default_for(ContractTier::Comprehensive);
        let opened = ny(11, 25, 10, 0);
        let mut c = case(Priority::Routine, opened);
        assert_eq!(
            sla_state(&c, &p, &cal, opened).response_due,
            ny(11, 27, 17, 0)
        );
        // Customer hold Friday 10:00–12:00 moves the due time into Monday.
        c.holds.push(HoldInterval {
            kind: HoldKind::WaitingForCustomer,
            from: ny(11, 27, 10, 0),
            until: Some(ny(11, 27, 12, 0)),
        });
        let s = sla_state(&c, &p, &cal, ny(11, 27, 13, 0));
        assert_eq!(s.response_due, ny(11, 30, 10, 0));
        assert!(!s.paused);
    }

    #[test]
    fn remote_fix_counts_as_response() {
        let cal = BusinessCalendar::standard(New_York, Some(Country::Us));
        let p = SlaPolicy::default_for(ContractTier::Basic);
        let mut c = case(Priority::Routine, ny(11, 24, 9, 0));
        c.resolved_at = Some(ny(11, 24, 9, 30));
        let s = sla_state(&c, &p, &cal, ny(11, 24, 10, 0));
        assert_eq!(
            (s.response_state, s.resolution_state),
            (SlaState::Met, SlaState::Met)
        );
    }
}
