//! `site-monitoring` (§7.8): subscriptions to MQTT-style topics with `+`
//! wildcards, fed by the building driver's live state. Each subscription
//! is a task that sends the current state of every matching topic right
//! after the ack, then one event per change, naming the concrete topic,
//! until its `duration` (0–300 s; 0 sends the current state only) ends or
//! its connection (or session) goes away.
//!
//! Topics:
//! - `lift_<n>/position`, `lift_<n>/doors`, `lift_<n>/status` from the
//!   driver's lift states (`ControllerDriver::subscribe_lifts`); numbering
//!   as in `common.rs`.
//! - `call_state/<session_id>/<state>` for the application's own calls
//!   only (the call book's owner), from the driver's call events. Hoistway's
//!   call lifecycle maps onto the contract's state names as: created →
//!   `registered`, `being_allocated`, `being_assigned`; approved (a lift is
//!   allocated) → `assigned`, `being_served`; the car at the pickup
//!   landing (guidance "enter car") → `served_soon`; served → `served`;
//!   cancelled → `cancelled`. Each state is sent once per call. Events never
//!   carry `data.session_id` (R3): the call is named in the topic.

use super::common::{deck_area, group_floor};
use super::session::Outlet;
use super::{field, frames, payload, Conn, WsError, WsResult};
use chrono::{DateTime, Utc};
use hoistway_lift::{
    CallEvent, CallId, CallState, Direction, DoorState, Guidance, LiftStatus, Motion, Running,
};
use hoistway_remote::book::{CallBook, Owner};
use hoistway_twin::Side;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

const LIFT_TOPICS: [&str; 3] = ["position", "doors", "status"];
/// Call states a client may subscribe to.
pub const CALL_STATES: [&str; 8] = [
    "registered",
    "being_allocated",
    "being_assigned",
    "assigned",
    "being_served",
    "served_soon",
    "served",
    "cancelled",
];
const MAX_TOPICS: usize = 50;
const MAX_DURATION_S: u64 = 300;

/// One topic segment of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Any,
    Lit(String),
}

/// A subscribed topic pattern (`+` matches one segment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Vec<Seg>);

fn seg_ok(seg: &Seg, ok: impl Fn(&str) -> bool) -> bool {
    match seg {
        Seg::Any => true,
        Seg::Lit(s) => ok(s),
    }
}

impl Pattern {
    /// Parses a pattern that can match a topic of the catalogue.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let segs: Vec<Seg> = text
            .split('/')
            .map(|s| match s {
                "+" => Seg::Any,
                s => Seg::Lit(s.to_string()),
            })
            .collect();
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
        let known = match &segs[..] {
            [lift, topic] => {
                seg_ok(lift, |s| s.strip_prefix("lift_").is_some_and(digits))
                    && seg_ok(topic, |s| LIFT_TOPICS.contains(&s))
            }
            [family, call, state] => {
                seg_ok(family, |s| s == "call_state")
                    && seg_ok(call, digits)
                    && seg_ok(state, |s| CALL_STATES.contains(&s))
            }
            _ => false,
        };
        if known {
            Ok(Pattern(segs))
        } else {
            Err(format!(
                "unknown subtopic {text:?} (lift_<n>/position|doors|status, call_state/<session_id>/<state>, + for any segment)"
            ))
        }
    }

    pub fn matches(&self, topic: &str) -> bool {
        let parts: Vec<&str> = topic.split('/').collect();
        parts.len() == self.0.len()
            && self.0.iter().zip(parts).all(|(seg, part)| match seg {
                Seg::Any => true,
                Seg::Lit(s) => s == part,
            })
    }

    fn is_lift(&self) -> bool {
        self.0.len() == 2
    }
}

/// The contract's call states an event reaches.
pub fn call_states(ev: &CallEvent) -> &'static [&'static str] {
    match (ev.state, &ev.guidance) {
        (CallState::Created, _) => &["registered", "being_allocated", "being_assigned"],
        (CallState::Approved, Some(Guidance::EnterCar { .. })) => {
            &["assigned", "being_served", "served_soon"]
        }
        (CallState::Approved, _) => &["assigned", "being_served"],
        (CallState::Served, _) => &["served"],
        (CallState::Cancelled, _) => &["cancelled"],
    }
}

fn dir(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Up) => "UP",
        Some(Direction::Down) => "DOWN",
        None => "NONE",
    }
}

/// One running subscription.
struct Sub {
    outlet: Arc<Outlet>,
    request_id: Value,
    building: i64,
    building_text: String,
    /// Our topology's id of the group (for the driver).
    group: String,
    /// The contract's group number, as the client sent it (echoed).
    group_no: String,
    patterns: Vec<Pattern>,
    owner: Owner,
    running: Running,
    book: Arc<CallBook>,
    until: Instant,
    /// Lift id → number (from 1, topology order).
    lift_no: HashMap<String, usize>,
    nominal_speed: f64,
    emitted: HashSet<(CallId, &'static str)>,
}

async fn recv<T: Clone>(rx: &mut Option<broadcast::Receiver<T>>) -> Result<T, RecvError> {
    match rx {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}

impl Sub {
    fn publish(&self, topic: &str, at: DateTime<Utc>, data: Value) {
        if !self.patterns.iter().any(|p| p.matches(topic)) {
            return;
        }
        let mut f = frames::result(
            "monitor",
            &self.building_text,
            &self.group_no,
            Some(&self.request_id),
            data,
        );
        f["subtopic"] = json!(topic);
        self.outlet.publish(at, &f);
    }

    fn lift(&self, s: &LiftStatus, prev: Option<&LiftStatus>) {
        let Some(&n) = self.lift_no.get(&s.lift) else {
            return;
        };
        let b = &self.running.topology;
        let time = frames::iso(s.at);
        let area = deck_area(n, 1);
        let moving_state = match (s.in_service, s.motion) {
            (false, _) => "STOPPED",
            (true, Motion::Moving) => "MOVING",
            (true, Motion::Standing) => "STANDING",
        };
        self.publish(
            &format!("lift_{n}/position"),
            s.at,
            json!({
                "time": time, "dir": dir(s.direction), "coll": dir(s.direction),
                "moving_state": moving_state, "area": area,
                "cur": group_floor(b, s.floor),
                "adv": group_floor(b, s.next_floor.unwrap_or(s.floor)),
                "door": s.door != DoorState::Closed,
            }),
        );
        if prev.is_none_or(|p| p.door != s.door) {
            let state = match s.door {
                DoorState::Opening => "OPENING",
                DoorState::Open => "OPENED",
                DoorState::Closing => "CLOSING",
                DoorState::Closed => "CLOSED",
            };
            self.publish(
                &format!("lift_{n}/doors"),
                s.at,
                json!({
                    "time": time, "area": area,
                    "landing": b.area_at(s.floor, Side::Front).map(|a| a.id),
                    "lift_side": 1, "state": state,
                }),
            );
        }
        if prev.is_none_or(|p| p.in_service != s.in_service) {
            self.publish(
                &format!("lift_{n}/status"),
                s.at,
                json!({
                    "time": time, "fault_active": !s.in_service,
                    "lift_mode": if s.in_service { 0 } else { -1 },
                    "nominal_speed": self.nominal_speed,
                    "decks": [{ "area": area, "alarm": false }],
                }),
            );
        }
    }

    fn call_event(&mut self, ev: &CallEvent) {
        for state in call_states(ev) {
            if !self.emitted.insert((ev.call, state)) {
                continue;
            }
            let mut data = json!({ "time": frames::iso(ev.at) });
            if let Some(n) = ev.lift.as_ref().and_then(|l| self.lift_no.get(l)) {
                data["allocated_lift_deck"] = json!([deck_area(*n, 1)]);
            }
            if let Some(r) = ev.reason {
                data["cancel_reason"] = json!(r.as_str());
            }
            self.publish(&format!("call_state/{}/{state}", ev.call), ev.at, data);
        }
    }

    /// A call event from the driver: only the owner's calls are shown; the
    /// call's earlier steps are caught up from the book first (the first
    /// event can come before the call's owner is noted).
    fn call(&mut self, ev: &CallEvent) {
        let Some((history, _)) = self.book.follow(self.building, ev.call, self.owner) else {
            return;
        };
        for e in history.iter().chain(std::iter::once(ev)) {
            self.call_event(e);
        }
    }

    async fn run(mut self, once: bool) {
        let driver = self.running.driver.clone();
        let wants_lifts = self.patterns.iter().any(Pattern::is_lift);
        let wants_calls = self.patterns.iter().any(|p| !p.is_lift());
        // Subscribe before reading the current state, so nothing falls
        // between the two.
        let mut lifts = wants_lifts
            .then(|| driver.subscribe_lifts(&self.group).ok())
            .flatten();
        let mut calls = wants_calls
            .then(|| driver.subscribe_calls(&self.group).ok())
            .flatten();
        let mut last: HashMap<String, LiftStatus> = HashMap::new();
        if wants_lifts {
            for s in driver.lift_states(&self.group).await.unwrap_or_default() {
                self.lift(&s, None);
                last.insert(s.lift.clone(), s);
            }
        }
        if wants_calls {
            for (_, history) in self.book.history_of(self.building, self.owner) {
                for e in &history {
                    self.call_event(e);
                }
            }
        }
        if once {
            return;
        }
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(self.until) => break,
                r = recv(&mut lifts) => match r {
                    Ok(s) => {
                        self.lift(&s, last.get(&s.lift));
                        last.insert(s.lift.clone(), s);
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => lifts = None,
                },
                r = recv(&mut calls) => match r {
                    Ok(ev) => self.call(&ev),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => calls = None,
                },
            }
            if lifts.is_none() && calls.is_none() {
                break;
            }
        }
    }
}

/// Reads `sub`, `duration` and `subtopics` of a monitor payload.
pub fn parse_monitor(p: &Map<String, Value>) -> WsResult<(u64, Vec<Pattern>)> {
    if let Some(sub) = field(p, "sub") {
        sub.as_str()
            .filter(|s| s.chars().count() <= 200)
            .ok_or_else(|| WsError::bad_request("payload.sub must be a string"))?;
    }
    let duration = match field(p, "duration") {
        None => MAX_DURATION_S,
        Some(d) => d
            .as_u64()
            .filter(|d| *d <= MAX_DURATION_S)
            .ok_or_else(|| WsError::bad_request("payload.duration must be 0 to 300 seconds"))?,
    };
    let topics = field(p, "subtopics")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOPICS)
        .ok_or_else(|| WsError::bad_request("payload.subtopics must list 1 to 50 topics"))?;
    let patterns = topics
        .iter()
        .map(|t| {
            t.as_str()
                .ok_or_else(|| "a subtopic is a string".to_string())
                .and_then(Pattern::parse)
                .map_err(WsError::bad_request)
        })
        .collect::<WsResult<Vec<_>>>()?;
    Ok((duration, patterns))
}

impl Conn {
    /// `callType: "monitor"`: ack 201, then the subscription's events.
    pub async fn monitor(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let t = self.target(m).await?;
        let (duration, patterns) = parse_monitor(payload(m)?)?;
        let group = t
            .running
            .topology
            .group(&t.group)
            .map_err(|e| WsError::new(404, e.to_string()))?;
        let sub = Sub {
            outlet: self.outlet.clone(),
            request_id: request_id.clone(),
            building: t.building,
            building_text: t.building_text.clone(),
            group: t.group.clone(),
            group_no: t.group_no.clone(),
            patterns,
            owner: Owner::App(self.caller.client.id),
            lift_no: group
                .lifts
                .iter()
                .enumerate()
                .map(|(i, l)| (l.id.clone(), i + 1))
                .collect(),
            nominal_speed: group.car.kinematics.rated_speed(),
            book: hoistway_remote::calls_of(&self.state).book.clone(),
            running: t.running.clone(),
            until: Instant::now() + std::time::Duration::from_secs(duration),
            emitted: HashSet::new(),
        };
        let task = tokio::spawn(sub.run(duration == 0));
        self.outlet.add_subscription(task.abort_handle());
        Ok(vec![frames::ack(
            &self.id,
            request_id,
            201,
            self.state.clock.now(),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_segment_of_known_topics() {
        let p = Pattern::parse("+/position").unwrap();
        assert!(p.matches("lift_1/position"));
        assert!(!p.matches("lift_1/doors"));
        assert!(!p.matches("call_state/1/served"));
        let c = Pattern::parse("call_state/+/served").unwrap();
        assert!(c.matches("call_state/2014/served"));
        assert!(!c.matches("call_state/2014/served_soon"));
        assert!(Pattern::parse("+/+").is_ok());
        assert!(Pattern::parse("+/+/+").is_ok());
        for bad in [
            "lift_x/position",
            "+/speed",
            "call_state/x/served",
            "a/b/c/d",
            "",
            "+",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }
}
