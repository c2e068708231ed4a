//! The task that owns one group's simulation: advances it to the clock,
//! executes commands, and publishes call and lift changes.

use super::{Cmd, LiveCalls};
use crate::driver::{
    CallEvent, CallId, CallRequest, CallState, CancelReason, Direction, DoorState, DriverError,
    Guidance, LiftStatus, Motion, Side,
};
use chrono::{DateTime, Utc};
use hoistway_domain::Clock;
use hoistway_twin::sim::{self, Phase};
use hoistway_twin::{CallError, Group, GroupSim};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::MissedTickBehavior;

pub(crate) struct Ctx {
    pub group: Group,
    pub clock: Arc<dyn Clock>,
    pub speed: f64,
    pub tick: Duration,
    pub calls: broadcast::Sender<CallEvent>,
    pub lifts: broadcast::Sender<LiftStatus>,
    pub live: LiveCalls,
}

/// What the task remembers besides the sim.
struct Book {
    /// Clock instant of simulated time zero.
    start: DateTime<Utc>,
    /// Sim call id → driver call id.
    ids: HashMap<u64, CallId>,
    /// Lift allocated to each live call, so every event can name it.
    lift_of: HashMap<CallId, String>,
    last: Vec<Option<LiftStatus>>,
}

pub(crate) async fn run(
    mut sim: GroupSim,
    ctx: Ctx,
    mut rx: mpsc::Receiver<Cmd>,
    mut stop: watch::Receiver<bool>,
) {
    let mut book = Book {
        start: ctx.clock.now(),
        ids: HashMap::new(),
        lift_of: HashMap::new(),
        last: vec![None; ctx.group.lifts.len()],
    };
    let mut ticker = tokio::time::interval(ctx.tick);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            cmd = rx.recv() => {
                let Some(cmd) = cmd else { break };
                advance(&mut sim, &ctx, &book);
                handle(&mut sim, &ctx, &mut book, cmd);
                publish_lifts(&sim, &ctx, &mut book);
            }
            _ = ticker.tick() => {
                advance(&mut sim, &ctx, &book);
                publish_calls(&mut sim, &ctx, &mut book);
                publish_lifts(&sim, &ctx, &mut book);
            }
        }
    }
    // Whatever was live can no longer be served by this driver.
    let at = ctx.clock.now();
    let mut ids: Vec<CallId> = book.ids.values().copied().collect();
    ids.sort_unstable();
    for id in ids {
        forget(&ctx, &mut book, id);
        let _ = ctx.calls.send(CallEvent {
            call: id,
            group: ctx.group.id.clone(),
            at,
            state: CallState::Cancelled,
            lift: None,
            guidance: None,
            reason: Some(CancelReason::CannotServeNow),
        });
    }
}

fn sim_time(ctx: &Ctx, book: &Book) -> f64 {
    let elapsed = ctx.clock.now() - book.start;
    elapsed.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6 * ctx.speed
}

fn instant(ctx: &Ctx, book: &Book, sim_s: f64) -> DateTime<Utc> {
    book.start + chrono::Duration::microseconds((sim_s / ctx.speed * 1e6) as i64)
}

fn advance(sim: &mut GroupSim, ctx: &Ctx, book: &Book) {
    let target = sim_time(ctx, book);
    if target > sim.now_s() {
        sim.run_until(target);
    }
}

fn handle(sim: &mut GroupSim, ctx: &Ctx, book: &mut Book, cmd: Cmd) {
    match cmd {
        Cmd::Place { id, call, reply } => {
            let placed = place(sim, ctx, call);
            let answer = match placed {
                Ok(sim_id) => {
                    book.ids.insert(sim_id, id);
                    let events = publish_calls(sim, ctx, book);
                    let last = events.into_iter().rev().find(|e| e.call == id);
                    last.ok_or_else(|| DriverError::Unavailable("the call left no trace".into()))
                }
                Err(reason) => Err(DriverError::Refused(reason)),
            };
            let _ = reply.send(answer);
        }
        Cmd::Cancel { id, reply } => {
            let sim_id = book.ids.iter().find(|(_, d)| **d == id).map(|(s, _)| *s);
            let answer = match sim_id {
                None => Err(DriverError::UnknownCall(id)),
                Some(s) => match sim.cancel_call(s) {
                    Ok(()) => Ok(()),
                    Err(CallError::UnknownCall(_)) => Err(DriverError::UnknownCall(id)),
                    Err(_) => Err(DriverError::NotCancellable(id)),
                },
            };
            publish_calls(sim, ctx, book);
            let _ = reply.send(answer);
        }
        Cmd::Lifts { reply } => {
            let states = (0..ctx.group.lifts.len())
                .filter_map(|i| lift_status(sim, ctx, book, i))
                .collect();
            let _ = reply.send(states);
        }
    }
}

/// Whether the group's cars open on `side` at `floor`.
fn has_door(ctx: &Ctx, floor: i32, side: Side) -> bool {
    let side = match side {
        Side::Front => hoistway_twin::Side::Front,
        Side::Rear => hoistway_twin::Side::Rear,
    };
    ctx.group
        .lifts
        .iter()
        .flat_map(|l| l.doors.iter())
        .any(|d| d.side == side && d.floors.contains(&floor))
}

fn place(sim: &mut GroupSim, ctx: &Ctx, call: CallRequest) -> Result<u64, CancelReason> {
    let placed = match call {
        CallRequest::Destination { from, to } => {
            if from.floor == to.floor {
                return Err(CancelReason::SameSourceAndDestination);
            }
            if !has_door(ctx, from.floor, from.side) || !has_door(ctx, to.floor, to.side) {
                return Err(CancelReason::NotServed);
            }
            sim.place_destination_call(from.floor, to.floor)
        }
        CallRequest::Landing { at, direction } => {
            if !has_door(ctx, at.floor, at.side) {
                return Err(CancelReason::NotServed);
            }
            let dir = match direction {
                Direction::Up => sim::Direction::Up,
                Direction::Down => sim::Direction::Down,
            };
            sim.place_landing_call(at.floor, dir)
        }
    };
    placed.map_err(|e| match e {
        CallError::FloorNotServed(_) => CancelReason::NotServed,
        CallError::SameFloor(_) => CancelReason::SameSourceAndDestination,
        CallError::NoTravel { .. } => CancelReason::InvalidDirection,
        CallError::NoLiftAvailable => CancelReason::NoLiftsAvailable,
        CallError::UnknownCall(_) | CallError::NotCancellable(_) => CancelReason::CannotServeNow,
    })
}

fn forget(ctx: &Ctx, book: &mut Book, id: CallId) {
    book.ids.retain(|_, d| *d != id);
    book.lift_of.remove(&id);
    ctx.live
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
}

/// Sends every call change since the last drain; returns them too.
fn publish_calls(sim: &mut GroupSim, ctx: &Ctx, book: &mut Book) -> Vec<CallEvent> {
    let mut out = Vec::new();
    for u in sim.drain_call_updates() {
        let Some(&id) = book.ids.get(&u.call) else {
            continue;
        };
        let guidance = u.guidance.map(|g| match g {
            sim::Guidance::WaitForCar { lift, floor } => Guidance::WaitForCar { lift, floor },
            sim::Guidance::EnterCar { lift, floor } => Guidance::EnterCar { lift, floor },
            sim::Guidance::StayInCar { lift } => Guidance::StayInCar { lift },
            sim::Guidance::ExitCar { lift, floor } => Guidance::ExitCar { lift, floor },
        });
        let (state, reason) = match u.state {
            sim::CallState::Created => (CallState::Created, None),
            sim::CallState::Approved { lift } => {
                book.lift_of.insert(id, lift);
                (CallState::Approved, None)
            }
            sim::CallState::Served => (CallState::Served, None),
            sim::CallState::Cancelled { reason } => (
                CallState::Cancelled,
                Some(match reason {
                    sim::CancelReason::ByCaller => CancelReason::ByCaller,
                    sim::CancelReason::NoLiftAvailable => CancelReason::NoLiftsAvailable,
                }),
            ),
        };
        let event = CallEvent {
            call: id,
            group: ctx.group.id.clone(),
            at: instant(ctx, book, u.at_s),
            state,
            lift: book.lift_of.get(&id).cloned(),
            guidance,
            reason,
        };
        if state.is_final() {
            forget(ctx, book, id);
        }
        // No subscriber is not an error: the event is simply not wanted.
        let _ = ctx.calls.send(event.clone());
        out.push(event);
    }
    out
}

fn lift_status(sim: &GroupSim, ctx: &Ctx, book: &Book, i: usize) -> Option<LiftStatus> {
    let s = sim.lift_state(i)?;
    let (dir, next) = sim.lift_motion(i)?;
    Some(LiftStatus {
        group: ctx.group.id.clone(),
        lift: s.id,
        at: instant(ctx, book, sim.now_s()),
        floor: s.floor,
        next_floor: next,
        direction: dir.map(|d| match d {
            sim::Direction::Up => Direction::Up,
            sim::Direction::Down => Direction::Down,
        }),
        motion: if s.phase == Phase::Moving {
            Motion::Moving
        } else {
            Motion::Standing
        },
        door: match s.phase {
            Phase::Opening => DoorState::Opening,
            Phase::Open => DoorState::Open,
            Phase::Closing => DoorState::Closing,
            Phase::Idle | Phase::Moving | Phase::OutOfService => DoorState::Closed,
        },
        in_service: s.available,
        load_persons: Some(s.passengers),
    })
}

fn publish_lifts(sim: &GroupSim, ctx: &Ctx, book: &mut Book) {
    for i in 0..ctx.group.lifts.len() {
        let Some(now) = lift_status(sim, ctx, book, i) else {
            continue;
        };
        let changed = book.last[i].as_ref().is_none_or(|l| !l.same_state(&now));
        if changed {
            let _ = ctx.lifts.send(now.clone());
            book.last[i] = Some(now);
        }
    }
}
