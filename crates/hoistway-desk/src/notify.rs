//! Notification events, channels, and per-user preferences with sensible
//! defaults per role. Delivery (outbox, drivers) is the server's business;
//! this only says who wants what on which channel.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::role::Role;

/// Something a user can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    CaseCreated,
    TechnicianAssigned,
    EtaChanged,
    OnSite,
    Resolved,
    ReportPosted,
    InvoiceIssued,
    InvoiceOverdue,
    Escalation,
    PredictiveAlert,
    /// A unit's inspection certificate comes due for renewal or expires.
    CertificateExpiring,
    /// A building's on-site playbook is due for its periodic review.
    PlaybookReviewDue,
    /// An offer is requested, quoted, accepted or declined.
    OfferUpdated,
    /// A root-cause analysis is opened on a unit, or one of its corrective
    /// actions is done (issue #21).
    RootCauseUpdated,
}

impl Event {
    pub const ALL: [Event; 14] = [
        Event::CaseCreated,
        Event::TechnicianAssigned,
        Event::EtaChanged,
        Event::OnSite,
        Event::Resolved,
        Event::ReportPosted,
        Event::InvoiceIssued,
        Event::InvoiceOverdue,
        Event::Escalation,
        Event::PredictiveAlert,
        Event::CertificateExpiring,
        Event::PlaybookReviewDue,
        Event::OfferUpdated,
        Event::RootCauseUpdated,
    ];
}

/// A delivery channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Push,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Push];
}

/// A user's choice of channels per event. Serialises as
/// `{"case_created":["email","push"], …}`; an event missing from the map
/// means no channel, so a stored matrix never gains channels silently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Preferences(BTreeMap<Event, Vec<Channel>>);

impl Preferences {
    /// Nothing on any channel.
    pub fn none() -> Self {
        Self::default()
    }

    /// The defaults for a role: people hear about what their role acts on,
    /// on the channel that fits its urgency (SMS only for what cannot wait).
    pub fn default_for(role: Role) -> Self {
        use Channel::*;
        use Event::*;
        let rows: &[(Event, &[Channel])] = match role {
            Role::ProviderAdmin => &[
                (Escalation, &[Email]),
                (CertificateExpiring, &[Email]),
                (OfferUpdated, &[Email]),
            ],
            Role::Operator => &[
                (CaseCreated, &[Push]),
                (EtaChanged, &[Push]),
                (Escalation, &[Push, Email]),
                (PredictiveAlert, &[Push]),
                (OfferUpdated, &[Push]),
            ],
            Role::DutyManager => &[(Escalation, &[Sms, Push, Email])],
            Role::Technician => &[(TechnicianAssigned, &[Push, Sms]), (Escalation, &[Push])],
            Role::CustomerAdmin => &[
                (InvoiceOverdue, &[Email]),
                (Escalation, &[Email]),
                (CertificateExpiring, &[Email]),
                (PlaybookReviewDue, &[Email]),
                (OfferUpdated, &[Email]),
                (RootCauseUpdated, &[Email]),
            ],
            Role::PropertyManager => &[
                (CaseCreated, &[Email]),
                (TechnicianAssigned, &[Email, Push]),
                (EtaChanged, &[Push]),
                (OnSite, &[Push]),
                (Resolved, &[Email, Push]),
                (ReportPosted, &[Email]),
                (Escalation, &[Email, Sms]),
                (PredictiveAlert, &[Email]),
                (CertificateExpiring, &[Email, Push]),
                (PlaybookReviewDue, &[Email]),
                (OfferUpdated, &[Email]),
                (RootCauseUpdated, &[Email]),
            ],
            Role::FrontDesk => &[
                (CaseCreated, &[Push]),
                (TechnicianAssigned, &[Push]),
                (EtaChanged, &[Push]),
                (OnSite, &[Push]),
                (Resolved, &[Push]),
            ],
            Role::Finance => &[(InvoiceIssued, &[Email]), (InvoiceOverdue, &[Email])],
            Role::Resident => &[],
        };
        let mut p = Self::none();
        for (e, chans) in rows {
            for c in *chans {
                p.set(*e, *c, true);
            }
        }
        p
    }

    /// Channels chosen for an event, in the stored order, without duplicates.
    pub fn channels(&self, event: Event) -> &[Channel] {
        self.0.get(&event).map_or(&[], Vec::as_slice)
    }

    pub fn wants(&self, event: Event, channel: Channel) -> bool {
        self.channels(event).contains(&channel)
    }

    /// Turns one cell of the matrix on or off.
    pub fn set(&mut self, event: Event, channel: Channel, on: bool) {
        let v = self.0.entry(event).or_default();
        v.retain(|c| *c != channel);
        if on {
            v.push(channel);
            v.sort();
        }
        if v.is_empty() {
            self.0.remove(&event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names() {
        assert_eq!(
            serde_json::to_string(&Event::EtaChanged).unwrap(),
            "\"eta_changed\""
        );
        assert_eq!(
            serde_json::to_string(&Event::InvoiceOverdue).unwrap(),
            "\"invoice_overdue\""
        );
        assert_eq!(serde_json::to_string(&Channel::Sms).unwrap(), "\"sms\"");
        let p = Preferences::default_for(Role::Finance);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"invoice_issued":["email"],"invoice_overdue":["email"]}"#
        );
        assert_eq!(serde_json::from_str::<Preferences>(&json).unwrap(), p);
    }

    #[test]
    fn defaults_fit_the_roles() {
        assert!(Preferences::default_for(Role::DutyManager).wants(Event::Escalation, Channel::Sms));
        assert!(!Preferences::default_for(Role::Finance).wants(Event::CaseCreated, Channel::Email));
        assert!(Preferences::default_for(Role::PropertyManager)
            .wants(Event::Escalation, Channel::Email));
        assert!(Preferences::default_for(Role::Technician)
            .wants(Event::TechnicianAssigned, Channel::Push));
        for e in Event::ALL {
            assert!(Preferences::default_for(Role::Resident)
                .channels(e)
                .is_empty());
        }
        // Everyone an escalation targets by default hears about escalations.
        let esc = crate::escalation::EscalationPolicy::default();
        for r in esc
            .entrapment_targets
            .iter()
            .chain(&esc.at_risk_targets)
            .chain(&esc.breach_targets)
        {
            assert!(
                !Preferences::default_for(*r)
                    .channels(Event::Escalation)
                    .is_empty(),
                "{r}"
            );
        }
    }

    #[test]
    fn set_toggles_cells() {
        let mut p = Preferences::none();
        p.set(Event::Resolved, Channel::Sms, true);
        p.set(Event::Resolved, Channel::Email, true);
        p.set(Event::Resolved, Channel::Sms, true);
        assert_eq!(p.channels(Event::Resolved), &[Channel::Email, Channel::Sms]);
        p.set(Event::Resolved, Channel::Email, false);
        p.set(Event::Resolved, Channel::Sms, false);
        assert_eq!(p, Preferences::none());
    }
}
