//! Hoistway service desk rules: the pure core of the 24/7 desk.
//!
//! **Architecture invariant:** nothing here does IO or reads a clock. Every
//! function that depends on time takes `now: DateTime<Utc>`, so the server's
//! injectable clock (and the twin, and tests) can drive it at any speed.
//! Nothing here can fail for IO reasons; errors are typed refusals of bad
//! input.
//!
//! Module map:
//! * [`case_number`]: `SO-YYYY-NNNNNN` numbers.
//! * [`priority`], [`triage`](mod@triage), [`priority_override`]: from intake to
//!   priority, and a duty manager's override.
//! * [`status`], [`hold`]: the case status machine and on-hold reasons.
//! * [`report`]: service report validation, first-time fix.
//! * [`calendar`]: business calendars and public holidays.
//! * [`sla`]: SLA policies, the pausing SLA clock, case SLA state.
//! * [`escalation`]: which escalations are due now, and when to wake next.
//! * [`on_call`]: who is working or on call at an instant in a territory.
//! * [`dispatch_rank`]: technicians ranked by predicted arrival and SLA slack.
//! * [`notify`]: notification events, channels, preferences.
//! * [`kpi`]: KPI figures over case records.
//! * [`role`]: user roles these rules address.

pub mod calendar;
pub mod case_number;
pub mod dispatch_rank;
pub mod escalation;
pub mod hold;
pub mod kpi;
pub mod notify;
pub mod on_call;
pub mod priority;
pub mod priority_override;
pub mod report;
pub mod role;
pub mod sla;
pub mod status;
pub mod triage;

pub use calendar::{BusinessCalendar, CalendarError, Country, OpeningHours};
pub use case_number::{CaseNumber, CaseNumberError};
pub use escalation::{
    due_escalations, evaluate, Escalation, EscalationAck, EscalationKind, EscalationPolicy,
    SentEscalation, Tick,
};
pub use hold::{HoldInterval, HoldKind, HoldReason};
pub use kpi::{compute_kpis, CaseRecord, Kpis, Period};
pub use notify::{Channel, Event, Preferences};
pub use priority::Priority;
pub use priority_override::{override_priority, Actor, OverrideError, PriorityOverride};
pub use report::{is_first_time_fix, ServiceReport, ServiceReportDraft};
pub use role::Role;
pub use sla::{
    sla_state, ContractTier, Deadline, SlaCase, SlaPolicies, SlaPolicy, SlaSnapshot, SlaState,
};
pub use status::{transition, IllegalTransition, Status};
pub use triage::{triage, Hazard, Intake, Triage, TriageRule};
