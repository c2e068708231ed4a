//! State of one car in the group simulation.

use super::floorset::FloorSet;
use super::plan::{Dir, Requests};
use super::records::CarEffects;

/// What the car is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Parked with doors closed.
    Idle,
    Moving,
    Opening,
    /// Doors open: passengers transfer, then the dwell runs.
    Open,
    Closing,
    /// Taken out of service (fault); stands where it stopped.
    OutOfService,
}

/// The flight in progress.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Leg {
    pub from: usize,
    pub to: usize,
    pub depart: f64,
    pub arrive: f64,
    /// Stopping error sampled at departure; a large one costs a re-level.
    pub levelling_mm: f64,
    pub relevel_s: f64,
}

/// Round trip being measured (from door opening at the main floor).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TripAcc {
    pub start: f64,
    pub idle_at_start: f64,
    pub boardings: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Car {
    pub floor: usize,
    pub phase: Phase,
    /// Direction of travel, or direction being served at a stop.
    pub dir: Dir,
    /// Guards scheduled events: only the event with the current epoch counts.
    pub epoch: u32,
    pub riders: Vec<u32>,
    pub cc: FloorSet,
    /// Landing pickups assigned to this car: [up, down].
    pub pick: [FloorSet; 2],
    /// Passengers allocated (destination dispatch) but not yet aboard.
    pub assigned_list: Vec<u32>,
    pub leg: Leg,
    /// Door cycle in progress: start time, transfers, boarding budget.
    pub cycle_start: f64,
    pub cycle_transfers: u32,
    pub board_budget: u32,
    /// Closing time, reopens and obstruction of the cycle being closed.
    pub cycle_obs: (f64, u32, bool),
    /// Doors are held open by the dwell timer (not transferring).
    pub dwelling: bool,
    /// Dwell already served since the last transfer.
    pub dwelled: bool,
    /// Waiting for more boarders (fixed-load validation mode).
    pub holding: bool,
    pub starts: u64,
    pub run_s: f64,
    pub idle_since: Option<f64>,
    pub idle_total: f64,
    pub trip: Option<TripAcc>,
    pub effects: CarEffects,
}

impl Car {
    pub fn new(floor: usize) -> Self {
        Self {
            floor,
            phase: Phase::Idle,
            dir: Dir::None,
            epoch: 0,
            riders: Vec::new(),
            cc: FloorSet::default(),
            pick: [FloorSet::default(); 2],
            assigned_list: Vec::new(),
            leg: Leg::default(),
            cycle_start: 0.0,
            cycle_transfers: 0,
            board_budget: 0,
            cycle_obs: (0.0, 0, false),
            dwelling: false,
            dwelled: false,
            holding: false,
            starts: 0,
            run_s: 0.0,
            idle_since: Some(0.0),
            idle_total: 0.0,
            trip: None,
            effects: CarEffects::default(),
        }
    }

    pub fn requests(&self) -> Requests {
        Requests {
            cc: self.cc,
            up: self.pick[0],
            down: self.pick[1],
        }
    }

    pub fn available(&self) -> bool {
        self.phase != Phase::OutOfService
    }

    /// Leaves the idle state, booking the idle time (kept out of round trips).
    pub fn wake(&mut self, now: f64) {
        if let Some(s) = self.idle_since.take() {
            self.idle_total += now - s;
        }
    }

    /// Idle time so far, including a park in progress.
    pub fn idle_until(&self, now: f64) -> f64 {
        self.idle_total + self.idle_since.map_or(0.0, |s| now - s)
    }
}
