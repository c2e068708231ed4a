//! Escalation: a pure decision of which escalations are due at `now`, given
//! what was already sent and acknowledged, and when to look again.
//!
//! Each escalation kind is a *track* with a start instant `t0`; while its
//! condition holds and nobody acknowledged it, it falls due at `t0`,
//! `t0 + r`, `t0 + 2r`, … (`r` = repeat interval, 15 min by default).
//!
//! | kind                 | condition                                   | t0                       | to                            |
//! |----------------------|---------------------------------------------|--------------------------|-------------------------------|
//! | `entrapment`         | entrapment, no technician on site           | opened + 45 min          | duty manager                  |
//! | `response_at_risk`   | response at risk                            | response at-risk instant | operator (dispatcher)         |
//! | `resolution_at_risk` | resolution at risk                          | resolution at-risk inst. | operator                      |
//! | `response_breached`  | response due passed, not yet responded      | response due             | duty manager, property manager|
//! | `resolution_breached`| resolution due passed, not yet resolved     | resolution due           | duty manager, property manager|
//!
//! **Exactly once after a restart:** only the latest occurrence at or before
//! `now` is returned, and only if `history` holds no send of that kind at or
//! after it. So occurrences missed while the server was down collapse into
//! one, and once the caller records what it sent, calling again returns
//! nothing until the next occurrence. The caller persists a timer at
//! `next_wake`; being woken early or late is harmless.
//!
//! SLA-based tracks are silent while the SLA clock is paused (the due time
//! moves with the clock then, so there is nothing to chase); entrapment is
//! never paused. A condition that has ended by `now` (technician arrived)
//! fires nothing, even if an occurrence fell due while the server was down.
//! An acknowledgement at or after `t0` ends its track for this episode.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::role::Role;
use crate::sla::{sla_state, SlaCase, SlaPolicy, SlaSnapshot};

/// The kind of escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationKind {
    Entrapment,
    ResponseAtRisk,
    ResolutionAtRisk,
    ResponseBreached,
    ResolutionBreached,
}

impl fmt::Display for EscalationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EscalationKind::Entrapment => "entrapment",
            EscalationKind::ResponseAtRisk => "response_at_risk",
            EscalationKind::ResolutionAtRisk => "resolution_at_risk",
            EscalationKind::ResponseBreached => "response_breached",
            EscalationKind::ResolutionBreached => "resolution_breached",
        })
    }
}

/// Who gets what, and how often. Configurable; defaults per the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationPolicy {
    pub entrapment_after_minutes: u32,
    /// Values below 1 are treated as 1.
    pub repeat_every_minutes: u32,
    pub entrapment_targets: Vec<Role>,
    pub at_risk_targets: Vec<Role>,
    pub breach_targets: Vec<Role>,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        Self {
            entrapment_after_minutes: 45,
            repeat_every_minutes: 15,
            entrapment_targets: vec![Role::DutyManager],
            at_risk_targets: vec![Role::Operator],
            breach_targets: vec![Role::DutyManager, Role::PropertyManager],
        }
    }
}

impl EscalationPolicy {
    fn repeat(&self) -> Duration {
        Duration::minutes(i64::from(self.repeat_every_minutes.max(1)))
    }

    pub fn targets(&self, kind: EscalationKind) -> &[Role] {
        match kind {
            EscalationKind::Entrapment => &self.entrapment_targets,
            EscalationKind::ResponseAtRisk | EscalationKind::ResolutionAtRisk => {
                &self.at_risk_targets
            }
            EscalationKind::ResponseBreached | EscalationKind::ResolutionBreached => {
                &self.breach_targets
            }
        }
    }
}

/// An escalation to send now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub kind: EscalationKind,
    pub target_roles: Vec<Role>,
    pub reason: String,
    /// The occurrence this is (record it in the history as sent).
    pub due_at: DateTime<Utc>,
    /// 0 for the first occurrence, 1 for the first repeat, …
    pub repeat: u32,
}

/// A record of an escalation that was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEscalation {
    pub kind: EscalationKind,
    pub due_at: DateTime<Utc>,
}

impl From<&Escalation> for SentEscalation {
    fn from(e: &Escalation) -> Self {
        Self {
            kind: e.kind,
            due_at: e.due_at,
        }
    }
}

/// Someone acknowledged an escalation of this kind at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationAck {
    pub kind: EscalationKind,
    pub at: DateTime<Utc>,
}

struct Track {
    kind: EscalationKind,
    t0: DateTime<Utc>,
    /// Instant the condition stops by itself (e.g. at-risk turns to breach).
    ends: Option<DateTime<Utc>>,
    reason: String,
}

fn tracks(
    case: &SlaCase,
    sla: &SlaSnapshot,
    policy: &EscalationPolicy,
    now: DateTime<Utc>,
) -> Vec<Track> {
    let fmt_t = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut v = Vec::with_capacity(3);
    let responded = case.responded_at(now).is_some();
    if case.entrapment && !responded {
        let t0 = case.opened_at + Duration::minutes(i64::from(policy.entrapment_after_minutes));
        v.push(Track {
            kind: EscalationKind::Entrapment,
            t0,
            ends: None,
            reason: format!(
                "entrapment: no technician on site {} min after the call at {}",
                policy.entrapment_after_minutes,
                fmt_t(case.opened_at)
            ),
        });
    }
    if sla.paused {
        return v;
    }
    let promises = [
        (
            !responded,
            sla.response_at_risk_from,
            sla.response_due,
            EscalationKind::ResponseAtRisk,
            EscalationKind::ResponseBreached,
            "response",
        ),
        (
            case.resolved_by(now).is_none(),
            sla.resolution_at_risk_from,
            sla.resolution_due,
            EscalationKind::ResolutionAtRisk,
            EscalationKind::ResolutionBreached,
            "resolution",
        ),
    ];
    for (open, risk_from, due, risk_kind, breach_kind, what) in promises {
        if !open {
            continue;
        }
        // A case can be opened already at risk (an urgent call late in the
        // day); its track then starts at opening, not on a grid before it.
        let risk_from = risk_from.max(case.opened_at);
        let due = due.max(case.opened_at);
        if risk_from < due {
            v.push(Track {
                kind: risk_kind,
                t0: risk_from,
                ends: Some(due),
                reason: format!("{what} due {} is at risk", fmt_t(due)),
            });
        }
        v.push(Track {
            kind: breach_kind,
            t0: due,
            ends: None,
            reason: format!("{what} promise breached: was due {}", fmt_t(due)),
        });
    }
    v
}

/// The escalations due at `now` and the next instant to call again.
pub fn due_escalations(
    case: &SlaCase,
    sla: &SlaSnapshot,
    policy: &EscalationPolicy,
    history: &[SentEscalation],
    acks: &[EscalationAck],
    now: DateTime<Utc>,
) -> (Vec<Escalation>, Option<DateTime<Utc>>) {
    let r = policy.repeat();
    let mut out = Vec::new();
    let mut wake: Option<DateTime<Utc>> = None;
    let mut wake_at = |t: DateTime<Utc>| {
        if t > now {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
    };
    for tr in tracks(case, sla, policy, now) {
        if tr.ends.is_some_and(|e| now >= e) {
            continue;
        }
        if now < tr.t0 {
            wake_at(tr.t0);
            continue;
        }
        if acks.iter().any(|a| a.kind == tr.kind && a.at >= tr.t0) {
            continue;
        }
        let k = (now - tr.t0).num_seconds() / r.num_seconds();
        let occurrence = tr.t0 + Duration::seconds(r.num_seconds() * k);
        let sent = history
            .iter()
            .any(|h| h.kind == tr.kind && h.due_at >= occurrence);
        if !sent {
            out.push(Escalation {
                kind: tr.kind,
                target_roles: policy.targets(tr.kind).to_vec(),
                reason: tr.reason,
                due_at: occurrence,
                repeat: u32::try_from(k).unwrap_or(u32::MAX),
            });
        }
        let next = occurrence + r;
        if tr.ends.is_none_or(|e| next < e) {
            wake_at(next);
        }
    }
    (out, wake)
}

/// One tick for one case: the SLA snapshot and its due escalations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tick {
    pub sla: SlaSnapshot,
    pub escalations: Vec<Escalation>,
    pub next_wake: Option<DateTime<Utc>>,
}

/// [`sla_state`] then [`due_escalations`]: what the server's timer runs.
pub fn evaluate(
    case: &SlaCase,
    sla_policy: &SlaPolicy,
    escalation_policy: &EscalationPolicy,
    calendar: &BusinessCalendar,
    history: &[SentEscalation],
    acks: &[EscalationAck],
    now: DateTime<Utc>,
) -> Tick {
    let sla = sla_state(case, sla_policy, calendar, now);
    let (escalations, next_wake) =
        due_escalations(case, &sla, escalation_policy, history, acks, now);
    Tick {
        sla,
        escalations,
        next_wake,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Country;
    use crate::priority::Priority;
    use crate::sla::ContractTier;
    use chrono::TimeZone;
    use chrono_tz::Europe::Helsinki;

    fn hki(h: u32, m: u32) -> DateTime<Utc> {
        Helsinki
            .with_ymd_and_hms(2026, 3, 10, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn entrapment() -> SlaCase {
        SlaCase {
            priority: Priority::Emergency,
            opened_at: hki(9, 0),
            entrapment: true,
            on_site_at: None,
            resolved_at: None,
            holds: vec![],
        }
    }

    fn run(
        case: &SlaCase,
        history: &[SentEscalation],
        acks: &[EscalationAck],
        now: DateTime<Utc>,
    ) -> (Vec<Escalation>, Option<DateTime<Utc>>) {
        let cal = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
        let t = evaluate(
            case,
            &SlaPolicy::default_for(ContractTier::Standard),
            &EscalationPolicy::default(),
            &cal,
            history,
            acks,
            now,
        );
        (t.escalations, t.next_wake)
    }

    fn kinds(v: &[Escalation]) -> Vec<EscalationKind> {
        let mut k: Vec<_> = v.iter().map(|e| e.kind).collect();
        k.sort();
        k
    }

    #[test]
    fn entrapment_escalates_at_45_and_repeats() {
        let c = entrapment();
        let (e, wake) = run(&c, &[], &[], hki(9, 44));
        assert!(e.is_empty());
        assert_eq!(wake, Some(hki(9, 45)));
        let (e, wake) = run(&c, &[], &[], hki(9, 45));
        assert_eq!(
            kinds(&e),
            vec![EscalationKind::Entrapment, EscalationKind::ResponseAtRisk]
        );
        let ent = e
            .iter()
            .find(|x| x.kind == EscalationKind::Entrapment)
            .unwrap();
        assert_eq!(ent.target_roles, vec![Role::DutyManager]);
        assert_eq!(ent.due_at, hki(9, 45));
        assert_eq!(wake, Some(hki(10, 0)));
        let hist: Vec<SentEscalation> = e.iter().map(Into::into).collect();
        // Same instant again: nothing twice.
        assert!(run(&c, &hist, &[], hki(9, 45)).0.is_empty());
        assert!(run(&c, &hist, &[], hki(9, 59)).0.is_empty());
        let (e, _) = run(&c, &hist, &[], hki(10, 0));
        assert_eq!(
            kinds(&e),
            vec![EscalationKind::Entrapment, EscalationKind::ResponseBreached]
        );
        let br = e
            .iter()
            .find(|x| x.kind == EscalationKind::ResponseBreached)
            .unwrap();
        assert_eq!(
            br.target_roles,
            vec![Role::DutyManager, Role::PropertyManager]
        );
        assert_eq!(
            e.iter()
                .find(|x| x.kind == EscalationKind::Entrapment)
                .unwrap()
                .repeat,
            1
        );
    }

    #[test]
    fn ack_stops_repeats_and_arrival_stops_everything_but_resolution() {
        let c = entrapment();
        let hist = [SentEscalation {
            kind: EscalationKind::Entrapment,
            due_at: hki(9, 45),
        }];
        let acks = [EscalationAck {
            kind: EscalationKind::Entrapment,
            at: hki(9, 50),
        }];
        let (e, _) = run(&c, &hist, &acks, hki(10, 0));
        assert!(!e.iter().any(|x| x.kind == EscalationKind::Entrapment));
        let mut arrived = c.clone();
        arrived.on_site_at = Some(hki(9, 55));
        let (e, wake) = run(&arrived, &hist, &[], hki(10, 0));
        assert!(e.is_empty(), "{e:?}");
        // Next thing that can happen: the resolution becomes at risk (12h - 15 min).
        assert_eq!(wake, Some(hki(20, 45)));
    }

    #[test]
    fn missed_occurrences_while_down_fire_once() {
        let c = entrapment();
        let hist = [SentEscalation {
            kind: EscalationKind::Entrapment,
            due_at: hki(9, 45),
        }];
        // Down from 9:46 to 10:37: occurrences at 10:00, 10:15, 10:30 collapse into 10:30.
        let (e, wake) = run(&c, &hist, &[], hki(10, 37));
        let ent: Vec<_> = e
            .iter()
            .filter(|x| x.kind == EscalationKind::Entrapment)
            .collect();
        assert_eq!(ent.len(), 1);
        assert_eq!(ent[0].due_at, hki(10, 30));
        assert_eq!(ent[0].repeat, 3);
        assert_eq!(wake, Some(hki(10, 45)));
        let mut hist2 = hist.to_vec();
        hist2.extend(e.iter().map(SentEscalation::from));
        assert!(run(&c, &hist2, &[], hki(10, 37)).0.is_empty());
        assert!(run(&c, &hist2, &[], hki(10, 44)).0.is_empty());
    }

    #[test]
    fn case_opened_at_risk_escalates_at_opening() {
        // Urgent at 16:23: due 17:00, at risk since 15:00 already.
        let mut c = entrapment();
        c.entrapment = false;
        c.priority = Priority::Urgent;
        c.opened_at = hki(16, 23);
        let (e, wake) = run(&c, &[], &[], hki(16, 23));
        assert_eq!(kinds(&e), vec![EscalationKind::ResponseAtRisk]);
        assert_eq!(e[0].due_at, hki(16, 23));
        assert_eq!(wake, Some(hki(16, 38)));
    }

    #[test]
    fn paused_case_is_not_chased_on_sla() {
        let mut c = entrapment();
        c.entrapment = false;
        c.holds.push(crate::hold::HoldInterval {
            kind: crate::hold::HoldKind::WaitingForCustomer,
            from: hki(9, 10),
            until: None,
        });
        let (e, wake) = run(&c, &[], &[], hki(11, 0));
        assert!(e.is_empty());
        assert_eq!(wake, None);
    }
}
