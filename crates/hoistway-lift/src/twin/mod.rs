//! The twin as a controller driver: one [`GroupSim`] per group of the
//! building, each owned by a tokio task that advances it to "now" (read
//! from the injectable clock, times a speed factor) on every tick and
//! before every command, so a call placed at clock time T lands in the
//! simulation at T. Tests drive a `ManualClock`; the demo runs faster than
//! real time with `speed > 1`.
//!
//! The sim is owned by its task alone (no lock): the driver talks to it over
//! a command channel and hears from it over broadcast channels.

mod task;

use crate::driver::{
    BoxFuture, CallEvent, CallId, CallRequest, ControllerDriver, DriverError, GroupInfo, LiftStatus,
};
use hoistway_domain::Clock;
use hoistway_twin::{Building, DispatchMode, GroupSim, Parking, Pattern, SimOptions};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

/// How the twin driver runs.
#[derive(Debug, Clone)]
pub struct TwinOptions {
    /// Simulated seconds per clock second (1 = real time).
    pub speed: f64,
    /// How often (wall time) the tasks advance the simulation and publish.
    pub tick: Duration,
    pub dispatch: DispatchMode,
    /// Generated background passengers (pattern, persons per 5 minutes), so
    /// remote calls share the lifts with other people as in a real building.
    pub traffic: Option<(Pattern, f64)>,
    pub seed: u64,
}

impl Default for TwinOptions {
    fn default() -> Self {
        Self {
            speed: 1.0,
            tick: Duration::from_millis(100),
            dispatch: DispatchMode::Destination,
            traffic: None,
            seed: 1,
        }
    }
}

pub(crate) enum Cmd {
    Place {
        id: CallId,
        call: CallRequest,
        reply: oneshot::Sender<Result<CallEvent, DriverError>>,
    },
    Cancel {
        id: CallId,
        reply: oneshot::Sender<Result<(), DriverError>>,
    },
    Lifts {
        reply: oneshot::Sender<Vec<LiftStatus>>,
    },
}

struct GroupHandle {
    id: String,
    lifts: Vec<String>,
    cmd: mpsc::Sender<Cmd>,
    calls: broadcast::Sender<CallEvent>,
    lift_events: broadcast::Sender<LiftStatus>,
}

/// Live call ids of the building and the group index each belongs to;
/// shared with the tasks, which remove a call when it ends.
pub(crate) type LiveCalls = Arc<Mutex<HashMap<CallId, usize>>>;

/// The twin driver of one building.
pub struct TwinDriver {
    groups: Vec<GroupHandle>,
    live: LiveCalls,
    stop: tokio::sync::watch::Sender<bool>,
}

const EVENT_BUFFER: usize = 4096;

impl TwinDriver {
    /// Starts one task per group of `building`. Must be called inside a
    /// tokio runtime.
    pub fn start(building: &Building, clock: Arc<dyn Clock>, opts: TwinOptions) -> TwinDriver {
        let live: LiveCalls = Arc::default();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let mut groups = Vec::new();
        for (gi, group) in building.groups().iter().enumerate() {
            let sim_opts = SimOptions {
                dispatch: opts.dispatch,
                parking: Parking::StayPut,
                keep_records: false,
                observations: false,
                fixed_main_load: None,
                seed: opts.seed.wrapping_add(gi as u64),
            };
            let mut sim = GroupSim::for_group(building, group, sim_opts);
            if let Some((pattern, rate)) = opts.traffic {
                sim.set_traffic(pattern, rate, opts.seed.wrapping_add(gi as u64));
            }
            let (cmd, cmd_rx) = mpsc::channel(256);
            let (calls, _) = broadcast::channel(EVENT_BUFFER);
            let (lift_events, _) = broadcast::channel(EVENT_BUFFER);
            let ctx = task::Ctx {
                group: group.clone(),
                clock: clock.clone(),
                speed: opts.speed.max(1e-6),
                tick: opts.tick,
                calls: calls.clone(),
                lifts: lift_events.clone(),
                live: live.clone(),
            };
            tokio::spawn(task::run(sim, ctx, cmd_rx, stop_rx.clone()));
            groups.push(GroupHandle {
                id: group.id.clone(),
                lifts: group.lifts.iter().map(|l| l.id.clone()).collect(),
                cmd,
                calls,
                lift_events,
            });
        }
        TwinDriver { groups, live, stop }
    }

    fn group(&self, id: &str) -> Result<(usize, &GroupHandle), DriverError> {
        self.groups
            .iter()
            .enumerate()
            .find(|(_, g)| g.id == id)
            .ok_or_else(|| DriverError::UnknownGroup(id.to_owned()))
    }

    /// A fresh call id: random (so ids say nothing about call volume),
    /// positive, below 2^31, not in use.
    fn new_id(&self, group: usize) -> CallId {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let id = u64::from(rand::random::<u32>() >> 1);
            if id != 0 && !live.contains_key(&id) {
                live.insert(id, group);
                return id;
            }
        }
    }

    async fn send(&self, g: &GroupHandle, cmd: Cmd) -> Result<(), DriverError> {
        g.cmd
            .send(cmd)
            .await
            .map_err(|_| DriverError::Unavailable(format!("group {} has stopped", g.id)))
    }
}

fn stopped<T>(_: T) -> DriverError {
    DriverError::Unavailable("the twin stopped".into())
}

impl ControllerDriver for TwinDriver {
    fn groups(&self) -> Vec<GroupInfo> {
        self.groups
            .iter()
            .map(|g| GroupInfo {
                id: g.id.clone(),
                lifts: g.lifts.clone(),
            })
            .collect()
    }

    fn place_call<'a>(
        &'a self,
        group: &'a str,
        call: CallRequest,
    ) -> BoxFuture<'a, Result<CallEvent, DriverError>> {
        Box::pin(async move {
            let (gi, g) = self.group(group)?;
            let id = self.new_id(gi);
            let (reply, rx) = oneshot::channel();
            let sent = self.send(g, Cmd::Place { id, call, reply }).await;
            let answer = match sent {
                Ok(()) => rx.await.map_err(stopped).and_then(|r| r),
                Err(e) => Err(e),
            };
            if answer.is_err() {
                self.live
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&id);
            }
            answer
        })
    }

    fn cancel_call(&self, call: CallId) -> BoxFuture<'_, Result<(), DriverError>> {
        Box::pin(async move {
            let gi = self
                .live
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&call)
                .copied()
                .ok_or(DriverError::UnknownCall(call))?;
            let g = &self.groups[gi];
            let (reply, rx) = oneshot::channel();
            self.send(g, Cmd::Cancel { id: call, reply }).await?;
            rx.await.map_err(stopped)?
        })
    }

    fn subscribe_calls(&self, group: &str) -> Result<broadcast::Receiver<CallEvent>, DriverError> {
        Ok(self.group(group)?.1.calls.subscribe())
    }

    fn subscribe_lifts(&self, group: &str) -> Result<broadcast::Receiver<LiftStatus>, DriverError> {
        Ok(self.group(group)?.1.lift_events.subscribe())
    }

    fn lift_states<'a>(
        &'a self,
        group: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LiftStatus>, DriverError>> {
        Box::pin(async move {
            let (_, g) = self.group(group)?;
            let (reply, rx) = oneshot::channel();
            self.send(g, Cmd::Lifts { reply }).await?;
            rx.await.map_err(stopped)
        })
    }

    fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for TwinDriver {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests;
