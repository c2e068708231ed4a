//! Live per-unit state and the remote-command safety gate.
//!
//! [`UnitState`] folds accepted events into "what the unit is doing now".
//! Whether the unit is still connected is not stored but computed from
//! `last_seen` and the caller's `now` ([`UnitState::view`]), so the answer
//! never goes stale and needs no timer.

use serde::Serialize;

use crate::event::*;

/// Tunables of the live state.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct StateConfig {
    /// Without any event for this long a unit counts as disconnected: status
    /// unknown, not available.
    pub offline_after_ms: i64,
    /// Faults shown as active are the last few since the unit last reported
    /// itself normal and available; this caps how many are kept.
    pub max_active_faults: usize,
}

impl Default for StateConfig {
    fn default() -> Self {
        Self {
            offline_after_ms: 10 * 60 * 1000,
            max_active_faults: 8,
        }
    }
}

/// A fault not yet followed by a report of normal, available operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveFault {
    pub code: String,
    pub severity: FaultSeverity,
    pub ts_ms: i64,
}

/// Folded state of one unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitState {
    last_seen_ms: Option<i64>,
    /// Latest status report and its time; older reports arriving late are
    /// ignored so reordering cannot roll the mode back.
    status: Option<(i64, Status)>,
    /// Last reported passenger count and its time. Kept apart from `status`
    /// because a status report may omit it.
    passengers: Option<(i64, u32)>,
    floor: Option<(i64, i32)>,
    counter: Option<(i64, Counter)>,
    /// Trips seen after the latest counter report, so `starts` stays live
    /// between (typically hourly) counter reports.
    trips_since_counter: u64,
    /// Active alarms with the time they were raised: `[entrapment, phone]`.
    alarms: [Option<i64>; 2],
    faults: Vec<ActiveFault>,
}

fn alarm_index(a: AlarmKind) -> usize {
    match a {
        AlarmKind::Entrapment => 0,
        AlarmKind::EmergencyPhone => 1,
    }
}

/// Keeps the newer of a stored timestamped value and a candidate.
fn newer<T>(slot: &mut Option<(i64, T)>, ts: i64, v: T) {
    if slot.as_ref().is_none_or(|(t, _)| ts >= *t) {
        *slot = Some((ts, v));
    }
}

impl UnitState {
    /// Applies one accepted (deduplicated) event.
    pub fn apply(&mut self, ev: &Event, cfg: &StateConfig) {
        let ts = ev.ts_ms;
        self.last_seen_ms = Some(self.last_seen_ms.map_or(ts, |t| t.max(ts)));
        match &ev.body {
            EventBody::Trip(t) => {
                newer(&mut self.floor, ts, t.to_floor);
                if self.counter.is_none_or(|(ct, _)| ts > ct) {
                    self.trips_since_counter += 1;
                }
            }
            EventBody::DoorCycle(d) => newer(&mut self.floor, ts, d.floor),
            EventBody::Status(s) => {
                let is_newest = self.status.is_none_or(|(t, _)| ts >= t);
                newer(&mut self.status, ts, *s);
                if let Some(p) = s.passengers {
                    newer(&mut self.passengers, ts, p);
                }
                if is_newest && s.mode == Mode::Normal && s.available {
                    // Back in normal service: faults before now are resolved.
                    self.faults.retain(|f| f.ts_ms > ts);
                }
            }
            EventBody::Fault(f) => {
                let resolved = self
                    .status
                    .is_some_and(|(t, s)| t >= ts && s.mode == Mode::Normal && s.available);
                if !resolved {
                    self.faults.push(ActiveFault {
                        code: f.code.clone(),
                        severity: f.severity,
                        ts_ms: ts,
                    });
                    if self.faults.len() > cfg.max_active_faults {
                        self.faults.remove(0);
                    }
                }
            }
            EventBody::Alarm(a) => {
                let slot = &mut self.alarms[alarm_index(a.alarm)];
                *slot = match (a.active, *slot) {
                    (true, Some(t)) => Some(t.min(ts)),
                    (true, None) => Some(ts),
                    (false, _) => None,
                };
            }
            EventBody::Counter(c) => {
                if self.counter.is_none_or(|(t, _)| ts >= t) {
                    self.counter = Some((ts, *c));
                    self.trips_since_counter = 0;
                }
            }
            EventBody::Sensor(_) | EventBody::Escalator(_) => {}
        }
    }

    pub fn last_seen_ms(&self) -> Option<i64> {
        self.last_seen_ms
    }

    /// Whether the unit has been heard from within `offline_after_ms`.
    pub fn is_connected(&self, now_ms: i64, cfg: &StateConfig) -> bool {
        self.last_seen_ms
            .is_some_and(|t| now_ms.saturating_sub(t) <= cfg.offline_after_ms)
    }

    pub fn is_alarm_active(&self, a: AlarmKind) -> bool {
        self.alarms[alarm_index(a)].is_some()
    }

    /// Latest reported status (regardless of connectivity).
    pub fn last_status(&self) -> Option<Status> {
        self.status.map(|(_, s)| s)
    }

    /// The state as the outside world should see it at `now_ms`.
    pub fn view(&self, now_ms: i64, cfg: &StateConfig) -> StatusView {
        let connected = self.is_connected(now_ms, cfg);
        let status = self.status.filter(|_| connected).map(|(_, s)| s);
        let entrapped = self.is_alarm_active(AlarmKind::Entrapment);
        StatusView {
            connected,
            // A trapped passenger means the car is stuck whatever the last
            // status said.
            available: status.is_some_and(|s| s.available) && !entrapped,
            mode: status.map(|s| s.mode),
            last_seen_ms: self.last_seen_ms,
            floor: self.floor.map(|(_, f)| f),
            passengers: self.passengers.map(|(_, p)| p),
            starts: self
                .counter
                .map(|(_, c)| c.starts + self.trips_since_counter),
            run_hours: self.counter.map(|(_, c)| c.run_hours),
            alarms: [AlarmKind::Entrapment, AlarmKind::EmergencyPhone]
                .into_iter()
                .filter(|a| self.is_alarm_active(*a))
                .collect(),
            faults: self.faults.clone(),
        }
    }

    /// Heap bytes owned by this state, for the per-unit memory budget.
    pub fn heap_bytes(&self) -> usize {
        self.faults.capacity() * std::mem::size_of::<ActiveFault>()
            + self.faults.iter().map(|f| f.code.capacity()).sum::<usize>()
    }
}

fn mode_or_unknown<S: serde::Serializer>(m: &Option<Mode>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(m.as_str()),
        None => s.serialize_str("unknown"),
    }
}

/// What `GET /units/{id}/status` shows. `mode` is `None` (serialised as
/// `"unknown"`) when no status was ever reported or the unit is offline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusView {
    pub connected: bool,
    pub available: bool,
    #[serde(serialize_with = "mode_or_unknown")]
    pub mode: Option<Mode>,
    pub last_seen_ms: Option<i64>,
    pub floor: Option<i32>,
    pub passengers: Option<u32>,
    pub starts: Option<u64>,
    pub run_hours: Option<f64>,
    pub alarms: Vec<AlarmKind>,
    pub faults: Vec<ActiveFault>,
}

/// Why a remote command was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    #[error("the unit is not connected, its state is unknown")]
    Offline,
    #[error("the unit has not reported its status")]
    NoStatus,
    #[error("the unit has not reported a passenger count, so an empty car cannot be confirmed")]
    PassengersUnknown,
    #[error("the unit reports {count} passenger(s) in the car")]
    PassengersAboard { count: u32 },
    #[error("the unit is in {mode:?} mode, remote commands need normal or out_of_service")]
    UnsafeMode { mode: Mode },
    #[error("an alarm is active on the unit ({alarm:?})")]
    AlarmActive { alarm: AlarmKind },
}

/// Decides whether a remote command (diagnostics, reset) may be sent.
///
/// Refused unless the unit is connected, reports an empty car, no alarm is
/// active, and it is in `normal` or `out_of_service` mode. Inspection and
/// maintenance mean a technician may be on the car roof or in the pit, and
/// fire service mode belongs to the fire brigade, so those are never safe.
/// `now_ms` matters because a state last heard from long ago proves nothing.
pub fn is_safe_for_remote_command(
    state: &UnitState,
    now_ms: i64,
    cfg: &StateConfig,
) -> Result<(), Refusal> {
    if !state.is_connected(now_ms, cfg) {
        return Err(Refusal::Offline);
    }
    let Some(status) = state.last_status() else {
        return Err(Refusal::NoStatus);
    };
    for alarm in [AlarmKind::Entrapment, AlarmKind::EmergencyPhone] {
        if state.is_alarm_active(alarm) {
            return Err(Refusal::AlarmActive { alarm });
        }
    }
    match state.passengers {
        None => return Err(Refusal::PassengersUnknown),
        Some((_, n)) if n > 0 => return Err(Refusal::PassengersAboard { count: n }),
        Some(_) => {}
    }
    match status.mode {
        Mode::Normal | Mode::OutOfService => Ok(()),
        mode => Err(Refusal::UnsafeMode { mode }),
    }
}

#[cfg(test)]
mod tests;
