//! Live events for the portal: a broadcast of small change notices that
//! `GET /api/v1/events` streams as server-sent events, filtered to what the
//! subscriber could read through the API. A notice names what changed;
//! clients fetch the details through the API, so the stream never carries
//! more than the API would show them.
//!
//! Who hears a notice is decided like a read of the REST API (issue #18):
//! the role table must allow reading the notice's resource, the row must be
//! in the subscriber's tenant and, for a portfolio-limited user, in one of
//! their buildings; a technician hears only the cases assigned to them.
//! The subscriber's side of that ([`Viewer`]) is computed once when the
//! stream opens; [`LiveEvent::visible_to`] is the pure decision.
//!
//! Personal notices (push notifications) do not go through the broadcast:
//! [`Live::deliver`] hands them to the open streams of their user and says
//! whether there was one, so the outbox marks a push delivered only when it
//! reached somebody.

use hoistway_domain::{Action, Resource, Role, Scope};
use hoistway_store::cases::Case;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc};

/// One change notice.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// e.g. `case_created`, `case_status`, `notification`.
    pub kind: &'static str,
    /// The kind of thing that changed: a subscriber must be allowed to
    /// read it. `None` only for personal notices (`user_id` set).
    #[serde(skip)]
    pub resource: Option<Resource>,
    /// The tenant of the row; `None` for provider-internal notices.
    #[serde(skip)]
    pub customer_id: Option<i64>,
    /// The building of the row, for portfolio-limited subscribers. A
    /// notice without one reaches no portfolio-limited subscriber.
    #[serde(skip)]
    pub building_id: Option<i64>,
    /// The technician the row is assigned to (cases): technicians hear
    /// only their own.
    #[serde(skip)]
    pub technician_id: Option<i64>,
    /// Only this user sees it (personal notifications).
    #[serde(skip)]
    pub user_id: Option<i64>,
    pub payload: serde_json::Value,
}

impl LiveEvent {
    pub fn case(case: &Case, kind: &'static str) -> Self {
        Self {
            kind,
            resource: Some(Resource::Cases),
            customer_id: Some(case.customer_id),
            building_id: Some(case.building_id),
            technician_id: case.technician_id,
            user_id: None,
            payload: serde_json::json!({
                "number": case.number,
                "status": case.status,
                "priority": case.priority,
                "unit_id": case.unit_id,
                "building_id": case.building_id,
                "sla": case.sla,
            }),
        }
    }

    /// A personal notice for `user_id`, who belongs to `customer_id`
    /// (`None` for the provider's staff).
    pub fn personal(
        kind: &'static str,
        user_id: i64,
        customer_id: Option<i64>,
        payload: serde_json::Value,
    ) -> Self {
        Self {
            kind,
            resource: None,
            customer_id,
            building_id: None,
            technician_id: None,
            user_id: Some(user_id),
            payload,
        }
    }

    /// Whether `viewer` may receive it: exactly when they could read the
    /// thing it names through the API.
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        let own_tenant = match (viewer.customer_id, self.customer_id) {
            // The provider's staff see every customer.
            (None, _) => true,
            (Some(mine), Some(c)) => mine == c,
            // Provider-internal notices stay with the provider.
            (Some(_), None) => false,
        };
        if !own_tenant {
            return false;
        }
        if let Some(u) = self.user_id {
            // Addressed to one user (the notifier chose them): only them.
            return u == viewer.user_id;
        }
        let Some(resource) = self.resource else {
            return false;
        };
        if !viewer.role.permits(resource, Action::Read) {
            return false;
        }
        if let Some(buildings) = &viewer.buildings {
            if !self.building_id.is_some_and(|b| buildings.contains(&b)) {
                return false;
            }
        }
        if resource == Resource::Cases && viewer.role == Role::Technician {
            return self.technician_id == Some(viewer.user_id);
        }
        true
    }
}

/// A subscriber as the filter sees them, fixed when the stream opens (a
/// changed role or portfolio applies from the next stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
    /// `None` for the provider's staff (every customer).
    pub customer_id: Option<i64>,
    /// `None`: every building of the tenant; otherwise only these (a
    /// portfolio-limited user).
    pub buildings: Option<BTreeSet<i64>>,
}

impl Viewer {
    /// The viewer of a user with `scope`; `buildings` are the buildings a
    /// portfolio-limited scope shows (ignored otherwise).
    pub fn new(user_id: i64, role: Role, scope: &Scope, buildings: Option<BTreeSet<i64>>) -> Self {
        let narrowed = matches!(
            scope,
            Scope::Customer {
                portfolios: Some(_),
                ..
            }
        );
        Self {
            user_id,
            role,
            customer_id: scope.customer_id(),
            buildings: if narrowed {
                Some(buildings.unwrap_or_default())
            } else {
                None
            },
        }
    }
}

/// What a subscription yields next.
#[derive(Debug)]
pub enum Next {
    Event(LiveEvent),
    /// Notices were missed: the client should refetch what it shows.
    Resync,
}

/// One open stream: broadcast notices filtered for its viewer, plus the
/// personal notices handed to it.
pub struct Subscription {
    viewer: Viewer,
    rx: broadcast::Receiver<LiveEvent>,
    personal: mpsc::Receiver<LiveEvent>,
}

impl Subscription {
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    /// The next notice this viewer may see; `None` when the hub is gone.
    pub async fn next(&mut self) -> Option<Next> {
        loop {
            tokio::select! {
                Some(e) = self.personal.recv() => {
                    if e.visible_to(&self.viewer) {
                        return Some(Next::Event(e));
                    }
                }
                r = self.rx.recv() => match r {
                    Ok(e) if e.visible_to(&self.viewer) => return Some(Next::Event(e)),
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => return Some(Next::Resync),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    }
}

/// Personal notices a stream may hold before it counts as not listening.
const PERSONAL_BUFFER: usize = 64;

/// The broadcast hub. Slow subscribers miss old notices (they are told to
/// refetch), they never slow the publishers down.
#[derive(Clone)]
pub struct Live {
    tx: broadcast::Sender<LiveEvent>,
    /// The personal inbox of every open stream, per user.
    streams: Arc<Mutex<HashMap<i64, Vec<mpsc::Sender<LiveEvent>>>>>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
            streams: Arc::default(),
        }
    }
}

impl Live {
    /// Broadcasts a change notice to every stream whose viewer may see it.
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is fine.
        let _ = self.tx.send(event);
    }

    /// Opens a stream for `viewer`.
    pub fn subscribe(&self, viewer: Viewer) -> Subscription {
        let (tx, personal) = mpsc::channel(PERSONAL_BUFFER);
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let mine = streams.entry(viewer.user_id).or_default();
        mine.retain(|s| !s.is_closed());
        mine.push(tx);
        Subscription {
            viewer,
            rx: self.tx.subscribe(),
            personal,
        }
    }

    /// Hands a personal notice (`user_id` set) to every open stream of its
    /// user on this node; true if at least one took it.
    pub fn deliver(&self, event: LiveEvent) -> bool {
        let Some(user_id) = event.user_id else {
            return false;
        };
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let Some(mine) = streams.get_mut(&user_id) else {
            return false;
        };
        mine.retain(|s| !s.is_closed());
        let mut handed = false;
        for s in mine.iter() {
            handed |= s.try_send(event.clone()).is_ok();
        }
        if mine.is_empty() {
            streams.remove(&user_id);
        }
        handed
    }

    /// How many streams of `user_id` are open on this node.
    pub fn open_streams(&self, user_id: i64) -> usize {
        let streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams
            .get(&user_id)
            .map_or(0, |v| v.iter().filter(|s| !s.is_closed()).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_event(customer: i64, building: i64, technician: Option<i64>) -> LiveEvent {
        LiveEvent {
            kind: "case_status",
            resource: Some(Resource::Cases),
            customer_id: Some(customer),
            building_id: Some(building),
            technician_id: technician,
            user_id: None,
            payload: serde_json::json!({}),
        }
    }

    fn viewer(role: Role, customer: Option<i64>, buildings: Option<&[i64]>) -> Viewer {
        Viewer {
            user_id: 7,
            role,
            customer_id: customer,
            buildings: buildings.map(|b| b.iter().copied().collect()),
        }
    }

    #[test]
    fn tenants_only_see_their_own_notices() {
        let own = viewer(Role::CustomerAdmin, Some(1), None);
        assert!(case_event(1, 10, None).visible_to(&own));
        assert!(!case_event(2, 20, None).visible_to(&own));
        let mut internal = case_event(1, 10, None);
        internal.customer_id = None;
        assert!(
            !internal.visible_to(&own),
            "provider-wide notices stay with the provider"
        );
        let operator = viewer(Role::Operator, None, None);
        assert!(case_event(2, 20, None).visible_to(&operator));
        assert!(internal.visible_to(&operator));
    }

    #[test]
    fn the_role_table_decides_like_the_api() {
        let e = case_event(1, 10, None);
        for role in Role::ALL {
            let customer = (!role.is_provider_side()).then_some(1);
            let v = viewer(*role, customer, None);
            let expect = role.permits(Resource::Cases, Action::Read) && *role != Role::Technician;
            assert_eq!(e.visible_to(&v), expect, "{role}");
        }
        assert!(!e.visible_to(&viewer(Role::Finance, Some(1), None)));
        assert!(!e.visible_to(&viewer(Role::Resident, Some(1), None)));
        let mut untyped = e.clone();
        untyped.resource = None;
        assert!(
            !untyped.visible_to(&viewer(Role::ProviderAdmin, None, None)),
            "a broadcast notice names what it is about, or reaches nobody"
        );
    }

    #[test]
    fn portfolio_limited_viewers_see_only_their_buildings() {
        let pm = viewer(Role::PropertyManager, Some(1), Some(&[10, 11]));
        assert!(case_event(1, 10, None).visible_to(&pm));
        assert!(!case_event(1, 12, None).visible_to(&pm));
        let mut nowhere = case_event(1, 10, None);
        nowhere.building_id = None;
        assert!(!nowhere.visible_to(&pm), "no building, no portfolio match");
        let none = viewer(Role::PropertyManager, Some(1), Some(&[]));
        assert!(!case_event(1, 10, None).visible_to(&none));
        let scope = Scope::Customer {
            customer_id: 1,
            portfolios: Some(vec![3]),
        };
        let v = Viewer::new(7, Role::PropertyManager, &scope, None);
        assert_eq!(v.buildings, Some(BTreeSet::new()), "fails closed");
        let whole = Scope::Customer {
            customer_id: 1,
            portfolios: None,
        };
        let v = Viewer::new(7, Role::CustomerAdmin, &whole, Some([10].into()));
        assert_eq!(v.buildings, None);
        assert_eq!(
            Viewer::new(7, Role::Operator, &Scope::All, None).customer_id,
            None
        );
    }

    #[test]
    fn technicians_see_only_their_cases() {
        let tech = viewer(Role::Technician, None, None);
        assert!(case_event(1, 10, Some(7)).visible_to(&tech));
        assert!(!case_event(1, 10, Some(8)).visible_to(&tech));
        assert!(!case_event(1, 10, None).visible_to(&tech));
    }

    #[test]
    fn personal_notices_reach_only_their_user() {
        let own = viewer(Role::CustomerAdmin, Some(1), None);
        let to = |user, customer| {
            LiveEvent::personal("notification", user, customer, serde_json::json!({}))
        };
        assert!(to(7, Some(1)).visible_to(&own));
        assert!(!to(8, Some(1)).visible_to(&own));
        assert!(
            !to(7, None).visible_to(&own),
            "the recipient's tenant must match"
        );
        assert!(!to(7, Some(2)).visible_to(&own));
        // Finance has no case access, but a notice addressed to them is theirs.
        assert!(to(7, Some(1)).visible_to(&viewer(Role::Finance, Some(1), Some(&[]))));
        assert!(to(7, None).visible_to(&viewer(Role::Operator, None, None)));
    }

    #[tokio::test]
    async fn deliver_reports_whether_an_open_stream_took_it() {
        let live = Live::default();
        let note = || LiveEvent::personal("notification", 7, Some(1), serde_json::json!({"id": 1}));
        assert!(!live.deliver(note()), "no stream open");
        let mut other = live.subscribe(Viewer {
            user_id: 8,
            ..viewer(Role::CustomerAdmin, Some(1), None)
        });
        assert!(
            !live.deliver(note()),
            "another user's stream does not count"
        );
        let mut mine = live.subscribe(viewer(Role::CustomerAdmin, Some(1), None));
        assert_eq!(live.open_streams(7), 1);
        assert!(live.deliver(note()));
        match mine.next().await {
            Some(Next::Event(e)) => assert_eq!(e.payload["id"], 1),
            other => panic!("{other:?}"),
        }
        live.publish(case_event(1, 10, None));
        assert!(matches!(other.next().await, Some(Next::Event(e)) if e.kind == "case_status"));
        drop(mine);
        assert_eq!(live.open_streams(7), 0);
        assert!(!live.deliver(note()), "a closed stream does not count");
    }
}
