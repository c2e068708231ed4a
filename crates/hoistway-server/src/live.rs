//! Live events for the portal: a broadcast of small change notices that
//! `GET /api/v1/events` streams as server-sent events, filtered to what the
//! subscriber's tenant may see. A notice names what changed; clients fetch
//! the details through the API, so the stream never carries more than the
//! API would show them.

use hoistway_domain::Scope;
use hoistway_store::cases::Case;
use serde::Serialize;
use tokio::sync::broadcast;

/// One change notice.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// e.g. `case_created`, `case_status`, `notification`.
    pub kind: &'static str,
    #[serde(skip)]
    pub customer_id: Option<i64>,
    /// Only this user sees it (personal notifications).
    #[serde(skip)]
    pub user_id: Option<i64>,
    pub payload: serde_json::Value,
}

impl LiveEvent {
    pub fn case(case: &Case, kind: &'static str) -> Self {
        Self {
            kind,
            customer_id: Some(case.customer_id),
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

    /// Whether a subscriber with `scope` (user `user_id`) may receive it.
    pub fn visible_to(&self, scope: &Scope, user_id: i64) -> bool {
        if self.user_id.is_some_and(|u| u != user_id) {
            return false;
        }
        match self.customer_id {
            None => scope.customer_id().is_none(),
            Some(c) => scope.sees_customer(c),
        }
    }
}

/// The broadcast hub. Slow subscribers miss old notices (they are told to
/// refetch), they never slow the publishers down.
#[derive(Clone)]
pub struct Live {
    tx: broadcast::Sender<LiveEvent>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Live {
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is fine.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(customer_id: Option<i64>, user_id: Option<i64>) -> LiveEvent {
        LiveEvent {
            kind: "case_status",
            customer_id,
            user_id,
            payload: serde_json::json!({}),
        }
    }

    #[test]
    fn tenants_only_see_their_own_notices() {
        let own = Scope::Customer {
            customer_id: 1,
            portfolios: None,
        };
        assert!(event(Some(1), None).visible_to(&own, 7));
        assert!(!event(Some(2), None).visible_to(&own, 7));
        assert!(
            !event(None, None).visible_to(&own, 7),
            "provider-wide notices stay with the provider"
        );
        assert!(event(Some(2), None).visible_to(&Scope::All, 7));
        assert!(
            !event(Some(1), Some(8)).visible_to(&own, 7),
            "personal notices reach only their user"
        );
        assert!(event(Some(1), Some(7)).visible_to(&own, 7));
    }
}
