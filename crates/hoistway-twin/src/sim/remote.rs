//! The controller-driver API: remote destination and landing calls.
//!
//! A destination call puts a simulated passenger at the landing, so it is
//! dispatched, boarded and carried like any other; a landing call (floor and
//! direction, no destination) is served when a car opens there in that
//! direction. Every change is queued as a [`CallUpdate`] for the driver to
//! drain; finished calls are forgotten once drained, so only counters
//! outlive a call (the spec's privacy rule).

use serde::Serialize;

use super::calls::{CallEntry, CallId, CallKind, CallState, CallUpdate, CancelReason, Guidance};
use super::plan::Dir;
use super::{DispatchMode, GroupSim, LandingCall};
use crate::error::CallError;

/// Direction of a landing call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

impl GroupSim {
    fn served_index(&self, floor: i32) -> Result<usize, CallError> {
        let lowest = self.numbers[0];
        let idx = floor
            .checked_sub(lowest)
            .and_then(|i| usize::try_from(i).ok());
        match idx {
            Some(i) if i < self.nfloors && self.served.contains(i) => Ok(i),
            _ => Err(CallError::FloorNotServed(floor)),
        }
    }

    fn any_in_service(&self) -> bool {
        self.cars.iter().any(|c| c.available())
    }

    fn new_call(&mut self, kind: CallKind) -> CallId {
        let id = self.next_call;
        self.next_call += 1;
        self.calls.insert(
            id,
            CallEntry {
                state: CallState::Created,
                kind,
            },
        );
        self.updates.push(CallUpdate {
            call: id,
            at_s: self.now,
            state: CallState::Created,
            guidance: None,
        });
        id
    }

    /// Places a destination call from floor `from` to floor `to` (floor
    /// numbers) at the current simulated time.
    pub fn place_destination_call(&mut self, from: i32, to: i32) -> Result<CallId, CallError> {
        let o = self.served_index(from)?;
        let d = self.served_index(to)?;
        if o == d {
            return Err(CallError::SameFloor(from));
        }
        if !self.any_in_service() {
            return Err(CallError::NoLiftAvailable);
        }
        let id = self.new_call(CallKind::Destination { pax: u32::MAX });
        // The entry must exist before the passenger is dispatched, because
        // dispatch already reports approval.
        let pax = self.spawn_for_call(o, d, id);
        if let Some(e) = self.calls.get_mut(&id) {
            e.kind = CallKind::Destination { pax };
        }
        Ok(id)
    }

    fn spawn_for_call(&mut self, o: usize, d: usize, id: CallId) -> u32 {
        self.spawn(o, d, Some(id))
    }

    /// Places a landing call at `floor` for travel in `dir`.
    pub fn place_landing_call(&mut self, floor: i32, dir: Direction) -> Result<CallId, CallError> {
        let f = self.served_index(floor)?;
        let possible = match dir {
            Direction::Up => self.served.lowest_above(f).is_some(),
            Direction::Down => self.served.highest_below(f).is_some(),
        };
        if !possible {
            let name = if dir == Direction::Up {
                "upward"
            } else {
                "downward"
            };
            return Err(CallError::NoTravel { floor, dir: name });
        }
        if !self.any_in_service() {
            return Err(CallError::NoLiftAvailable);
        }
        let d = usize::from(dir == Direction::Down);
        let id = self.new_call(CallKind::Landing {
            floor: f,
            up: d == 0,
        });
        self.landing.push(LandingCall {
            id,
            floor: f,
            dir: d,
            car: None,
        });
        match self.opts.dispatch {
            DispatchMode::Collective => match self.hall[f][d] {
                None => {
                    self.assign_hall(f, d, None);
                    self.approve_waiting(f, d);
                }
                Some(c) => {
                    self.approve_waiting(f, d);
                    let pd = if d == 0 { Dir::Up } else { Dir::Down };
                    self.poke(c as usize, f, pd);
                }
            },
            DispatchMode::Destination => {
                let i = self.landing.len() - 1;
                self.allocate_landing(i, None);
            }
        }
        Ok(id)
    }

    /// Withdraws a call whose passenger has not boarded yet.
    pub fn cancel_call(&mut self, id: CallId) -> Result<(), CallError> {
        let entry = self.calls.get(&id).ok_or(CallError::UnknownCall(id))?;
        if entry.state.is_final() {
            return Err(CallError::NotCancellable(id));
        }
        match entry.kind {
            CallKind::Destination { pax } => {
                let p = self.pax.get(pax as usize).copied();
                let Some(p) = p.filter(|p| p.call == Some(id) && p.board.is_nan()) else {
                    return Err(CallError::NotCancellable(id));
                };
                let (o, dest) = (usize::from(p.origin), usize::from(p.dest));
                let d = Dir::towards(o, dest).idx().unwrap_or(0);
                self.waiting[o][d].retain(|&q| q != pax);
                if let Some(c) = p.car {
                    self.cars[c as usize].assigned_list.retain(|&q| q != pax);
                    self.refresh_pick(c as usize, o, d);
                } else if let Some(c) = self.hall[o][d] {
                    self.refresh_pick(c as usize, o, d);
                }
                self.free.push(pax);
            }
            CallKind::Landing { floor, up } => {
                let d = usize::from(!up);
                let car = self
                    .landing
                    .iter()
                    .find(|l| l.id == id)
                    .and_then(|l| l.car.or(self.hall[floor][d]));
                self.landing.retain(|l| l.id != id);
                if let Some(c) = car {
                    self.refresh_pick(c as usize, floor, d);
                }
            }
        }
        self.push_update(
            id,
            CallState::Cancelled {
                reason: CancelReason::ByCaller,
            },
            None,
        );
        Ok(())
    }

    /// Current state of a call; `None` once a finished call was drained.
    pub fn call_state(&self, id: CallId) -> Option<&CallState> {
        self.calls.get(&id).map(|e| &e.state)
    }

    /// Call changes since the last drain, oldest first. Finished calls are
    /// forgotten here.
    pub fn drain_call_updates(&mut self) -> Vec<CallUpdate> {
        self.calls.retain(|_, e| !e.state.is_final());
        std::mem::take(&mut self.updates)
    }

    pub(super) fn push_update(&mut self, id: CallId, state: CallState, guidance: Option<Guidance>) {
        let Some(e) = self.calls.get_mut(&id) else {
            return;
        };
        if e.state.is_final() {
            return;
        }
        e.state = state.clone();
        self.updates.push(CallUpdate {
            call: id,
            at_s: self.now,
            state,
            guidance,
        });
    }
}
