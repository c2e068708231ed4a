//! The case status machine. `transition` is the single place that says which
//! moves are legal; the server calls it before writing a status change.
//!
//! | from         | may go to                                   |
//! |--------------|---------------------------------------------|
//! | `new`        | dispatched, cancelled                       |
//! | `dispatched` | en_route, on_site, on_hold, cancelled       |
//! | `en_route`   | on_site, dispatched, on_hold, cancelled     |
//! | `on_site`    | resolved, dispatched, on_hold, cancelled    |
//! | `on_hold`    | dispatched, en_route, on_site, cancelled    |
//! | `resolved`   | closed, new (reopen)                        |
//! | `closed`, `cancelled` | nothing (terminal)                 |
//!
//! Choices made here:
//! * **Reopen goes to `new`**, not `dispatched`: the fix did not hold, so the
//!   case goes back to the operator's queue to be re-triaged (the priority may
//!   differ now) and dispatched, possibly to another technician.
//! * `on_hold` returns to any of dispatched / en_route / on_site, because when
//!   the part arrives the technician may be anywhere in that cycle.
//! * A technician may skip `en_route` (dispatched → on_site), as when already
//!   in the building for maintenance, and may be re-dispatched from en_route or
//!   on_site (en_route/on_site → dispatched) when pulled to an emergency.
//! * `cancelled` is allowed only before resolution; a resolved case is closed
//!   or reopened, never cancelled, so its report is kept.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A case's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Dispatched,
    EnRoute,
    OnSite,
    OnHold,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::New,
        Status::Dispatched,
        Status::EnRoute,
        Status::OnSite,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Dispatched => "dispatched",
            Status::EnRoute => "en_route",
            Status::OnSite => "on_site",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Statuses reachable in one step.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Dispatched, Cancelled],
            Dispatched => &[EnRoute, OnSite, OnHold, Cancelled],
            EnRoute => &[OnSite, Dispatched, OnHold, Cancelled],
            OnSite => &[Resolved, Dispatched, OnHold, Cancelled],
            OnHold => &[Dispatched, EnRoute, OnSite, Cancelled],
            Resolved => &[Closed, New],
            Closed | Cancelled => &[],
        }
    }

    /// No way out: closed and cancelled.
    pub fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Still needs work (counts for SLA and escalation).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused status change, naming the moves that would have been legal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub struct IllegalTransition {
    pub from: Status,
    pub to: Status,
    pub allowed: Vec<Status>,
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot move a case from {} to {}; ", self.from, self.to)?;
        if self.allowed.is_empty() {
            write!(f, "{} is final", self.from)
        } else {
            let names: Vec<&str> = self.allowed.iter().map(|s| s.as_str()).collect();
            write!(f, "from {} it may go to: {}", self.from, names.join(", "))
        }
    }
}

/// Checks one status change.
pub fn transition(from: Status, to: Status) -> Result<(), IllegalTransition> {
    if from.allowed_next().contains(&to) {
        Ok(())
    } else {
        Err(IllegalTransition {
            from,
            to,
            allowed: from.allowed_next().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn happy_path_and_hold_and_reopen() {
        use Status::*;
        let path = [
            New, Dispatched, EnRoute, OnHold, OnSite, Resolved, New, Dispatched, OnSite, Resolved,
            Closed,
        ];
        for w in path.windows(2) {
            transition(w[0], w[1]).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn refusal_names_allowed_moves() {
        let e = transition(Status::Resolved, Status::EnRoute).unwrap_err();
        assert_eq!(e.allowed, vec![Status::Closed, Status::New]);
        let msg = e.to_string();
        assert!(msg.contains("from resolved to en_route"), "{msg}");
        assert!(msg.contains("closed, new"), "{msg}");
        let e = transition(Status::Closed, Status::New).unwrap_err();
        assert!(e.to_string().contains("closed is final"));
        assert!(transition(Status::Resolved, Status::Cancelled).is_err());
        assert!(transition(Status::New, Status::OnHold).is_err());
        assert!(transition(Status::New, Status::New).is_err());
    }

    #[test]
    fn serde_names() {
        assert_eq!(
            serde_json::to_string(&Status::EnRoute).unwrap(),
            "\"en_route\""
        );
        assert_eq!(
            serde_json::from_str::<Status>("\"on_hold\"").unwrap(),
            Status::OnHold
        );
        for s in Status::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
    }

    #[test]
    fn every_status_is_reachable_from_new() {
        let mut seen = vec![Status::New];
        let mut i = 0;
        while i < seen.len() {
            for &n in seen[i].allowed_next() {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), Status::ALL.len());
    }

    fn any_status() -> impl Strategy<Value = Status> {
        (0..Status::ALL.len()).prop_map(|i| Status::ALL[i])
    }

    proptest! {
        // Apply random requested moves; accepted ones must be edges of the
        // graph, and once terminal, every request is refused.
        #[test]
        fn no_sequence_escapes_the_graph(requests in proptest::collection::vec(any_status(), 0..60)) {
            let mut cur = Status::New;
            for to in requests {
                let before = cur;
                match transition(cur, to) {
                    Ok(()) => {
                        prop_assert!(before.allowed_next().contains(&to));
                        prop_assert!(!before.is_terminal());
                        cur = to;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.from, before);
                        prop_assert_eq!(e.to, to);
                        prop_assert_eq!(&e.allowed[..], before.allowed_next());
                        prop_assert!(!e.allowed.contains(&to));
                    }
                }
                if before.is_terminal() {
                    prop_assert_eq!(cur, before);
                }
            }
        }

        #[test]
        fn terminal_states_refuse_everything(to in any_status()) {
            prop_assert!(transition(Status::Closed, to).is_err());
            prop_assert!(transition(Status::Cancelled, to).is_err());
        }

        #[test]
        fn cancel_only_before_resolution(from in any_status()) {
            let ok = transition(from, Status::Cancelled).is_ok();
            let before_resolution = matches!(from, Status::New | Status::Dispatched | Status::EnRoute | Status::OnSite | Status::OnHold);
            prop_assert_eq!(ok, before_resolution);
        }
    }
}
