//! What a visit is, where it stands, and why it was planned.

use crate::error::MaintenanceError;
use hoistway_domain::wire_enum;

wire_enum!(
    /// The kind of a visit. `preventive` and `inspection` come from plans;
    /// `follow_up` is booked by hand (after a finding, a quote).
    VisitKind, "kind" {
        Preventive => "preventive",
        Inspection => "inspection",
        FollowUp => "follow_up",
    }
);

wire_enum!(
    /// A visit's status.
    VisitStatus, "status" {
        Planned => "planned",
        InProgress => "in_progress",
        Completed => "completed",
        Missed => "missed",
        Cancelled => "cancelled",
    }
);

wire_enum!(
    /// Why the scheduler planned a visit for the date it did: `time` (the
    /// interval came round), `use` (the starts reached the use interval
    /// first), `catch_up` (an earlier visit was missed), `plan_start` (the
    /// plan began or changed after the visit was already due), `inspection`
    /// (the authority's interval), `manual` (booked by hand).
    DueReason, "reason" {
        Time => "time",
        Use => "use",
        CatchUp => "catch_up",
        PlanStart => "plan_start",
        Inspection => "inspection",
        Manual => "manual",
    }
);

impl DueReason {
    /// The reason in plain words, for people (calendars, reports).
    pub fn in_words(self) -> &'static str {
        match self {
            DueReason::Time => "regular maintenance interval",
            DueReason::Use => "the unit's use reached its maintenance interval",
            DueReason::CatchUp => "catch-up for a missed visit",
            DueReason::PlanStart => "first visit of the maintenance plan",
            DueReason::Inspection => "periodic authority inspection",
            DueReason::Manual => "booked by hand",
        }
    }
}

impl VisitStatus {
    /// The status in plain words.
    pub fn in_words(self) -> &'static str {
        match self {
            VisitStatus::Planned => "planned",
            VisitStatus::InProgress => "in progress",
            VisitStatus::Completed => "completed",
            VisitStatus::Missed => "missed",
            VisitStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the visit can still change (a finished one cannot).
    pub fn is_open(self) -> bool {
        matches!(self, VisitStatus::Planned | VisitStatus::InProgress)
    }

    /// Checks a status change. Missed and cancelled visits are final: the
    /// scheduler books a new visit to catch up rather than reviving one, so
    /// the history of what was planned stays true.
    pub fn transition(self, to: VisitStatus) -> Result<VisitStatus, MaintenanceError> {
        use VisitStatus::*;
        let ok = matches!(
            (self, to),
            (Planned, InProgress)
                | (Planned, Missed)
                | (Planned, Cancelled)
                | (InProgress, Completed)
                | (InProgress, Cancelled)
        );
        if ok {
            Ok(to)
        } else {
            Err(MaintenanceError::State(format!(
                "a {self} visit cannot become {to}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_machine() {
        use VisitStatus::*;
        assert_eq!(Planned.transition(InProgress).unwrap(), InProgress);
        assert_eq!(InProgress.transition(Completed).unwrap(), Completed);
        assert!(Planned.transition(Completed).is_err(), "start first");
        assert!(Completed.transition(Planned).is_err());
        assert!(Missed.transition(InProgress).is_err());
        let err = Cancelled.transition(Planned).unwrap_err();
        assert!(err
            .to_string()
            .contains("cancelled visit cannot become planned"));
        assert!(Planned.is_open() && !Missed.is_open());
    }
}
