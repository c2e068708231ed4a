//! Discrete-event simulation of one lift group.
//!
//! Time is simulated seconds from zero; nothing here reads a clock. Events
//! (car arrivals, doors opened, transfers done, doors closed) sit in a binary
//! heap; passenger arrivals come from the seeded [`TrafficGen`] or from remote
//! calls. Each car has at most one pending event, guarded by an epoch so a
//! re-planned car simply outdates its old event.
//!
//! Module map: `plan` the sweep rule, `dispatch` the group controllers
//! (collective baseline and destination dispatch with an
//! estimated-time-to-destination cost), `engine` the event handlers,
//! `remote` the controller-driver API, `records` what a run leaves behind.

mod calls;
mod car;
mod dispatch;
mod engine;
mod floorset;
mod plan;
mod records;
mod remote;
mod service;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

pub use calls::{CallId, CallState, CallUpdate, CancelReason, Guidance};
pub use car::Phase;
pub use records::{
    CarEffects, Observation, ObservationKind, PassengerRecord, RoundTrip, RELEVEL_S,
    RELEVEL_THRESHOLD_MM,
};
pub use remote::Direction;

use crate::building::{Building, CarSpec, Group};
use crate::error::TwinError;
use crate::traffic::{Pattern, TrafficGen};
use calls::CallEntry;
use car::Car;

/// How the group assigns calls to cars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DispatchMode {
    /// Conventional up/down landing buttons; each landing call goes to the
    /// car with the earliest estimated arrival, anyone boards any car that
    /// stops in their direction.
    Collective,
    /// Destination entry at the landing; each passenger is allocated a car
    /// by least estimated time to destination including the delay caused to
    /// passengers already allocated.
    Destination,
}

impl DispatchMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Collective => "collective",
            Self::Destination => "destination",
        }
    }
}

impl fmt::Display for DispatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DispatchMode {
    type Err = TwinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "collective" => Ok(Self::Collective),
            "destination" | "dd" => Ok(Self::Destination),
            _ => Err(TwinError::UnknownDispatch(s.to_owned())),
        }
    }
}

impl Serialize for DispatchMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where idle cars wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parking {
    /// Return to the main floor (up-peak style).
    MainFloor,
    /// Stay where the last passenger left.
    StayPut,
}

/// Settings of one simulation run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    pub dispatch: DispatchMode,
    pub parking: Parking,
    /// Keep a [`PassengerRecord`] per completed journey (studies); off for
    /// endless telemetry runs so memory stays flat.
    pub keep_records: bool,
    /// Collect [`Observation`]s for the telemetry twin.
    pub observations: bool,
    /// Validation mode: every car leaves the main floor going up with exactly
    /// this many passengers on average (fractional loads alternate between
    /// the two nearest whole numbers), ignoring capacity, and waits at the
    /// main floor until it has them.
    pub fixed_main_load: Option<f64>,
    /// Seed of the stream used for fault effects (door reopens, levelling).
    pub seed: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            dispatch: DispatchMode::Collective,
            parking: Parking::MainFloor,
            keep_records: true,
            observations: false,
            fixed_main_load: None,
            seed: 0,
        }
    }
}

/// A snapshot of one lift for dashboards and the telemetry twin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiftState {
    pub id: String,
    /// Floor number the car is at, or last left.
    pub floor: i32,
    #[serde(serialize_with = "ser_phase")]
    pub phase: Phase,
    pub passengers: u32,
    pub available: bool,
    pub starts: u64,
    pub run_s: f64,
}

fn ser_phase<S: serde::Serializer>(p: &Phase, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match p {
        Phase::Idle => "idle",
        Phase::Moving => "moving",
        Phase::Opening => "opening",
        Phase::Open => "open",
        Phase::Closing => "closing",
        Phase::OutOfService => "out_of_service",
    })
}

/// A passenger in the system (waiting or riding). Slots are reused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pax {
    id: u64,
    arrival: f64,
    origin: u16,
    dest: u16,
    /// Allocated (destination dispatch) or boarded car.
    car: Option<u16>,
    board: f64,
    call: Option<CallId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CarEv {
    Arrive,
    Opened,
    TransferDone,
    Closed,
}

#[derive(Debug, Clone, Copy)]
struct Scheduled {
    t: f64,
    seq: u64,
    car: u16,
    epoch: u32,
    what: CarEv,
}

impl PartialEq for Scheduled {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scheduled {
    /// Reversed so the max-heap pops the earliest event; ties go by
    /// insertion order, keeping runs deterministic.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

/// Pending landing call without a passenger (remote landing call).
#[derive(Debug, Clone, Copy)]
struct LandingCall {
    id: CallId,
    floor: usize,
    dir: usize,
    car: Option<u16>,
}

/// The simulation of one lift group.
#[derive(Debug, Clone)]
pub struct GroupSim {
    opts: SimOptions,
    spec: CarSpec,
    lift_ids: Vec<String>,
    numbers: Vec<i32>,
    nfloors: usize,
    main: usize,
    served: floorset::FloorSet,
    /// Flight and braking-point times between floor indices, row-major.
    flight: Vec<f64>,
    braking: Vec<f64>,
    /// `ts` of the formula: used by the dispatcher as the cost of a stop.
    stop_cost: f64,
    cars: Vec<Car>,
    heap: BinaryHeap<Scheduled>,
    seq: u64,
    now: f64,
    traffic: Option<TrafficGen>,
    traffic_until: f64,
    pax: Vec<Pax>,
    free: Vec<u32>,
    next_pax_id: u64,
    waiting: Vec<[Vec<u32>; 2]>,
    hall: Vec<[Option<u16>; 2]>,
    landing: Vec<LandingCall>,
    calls: BTreeMap<CallId, CallEntry>,
    next_call: CallId,
    updates: Vec<CallUpdate>,
    records: Vec<PassengerRecord>,
    trips: Vec<RoundTrip>,
    main_departures: Vec<f64>,
    observations: Vec<Observation>,
    fx_rng: ChaCha8Rng,
    fixed_loaded: u64,
    scratch: Vec<u16>,
}

impl GroupSim {
    /// A group of `building` with every car parked at the main floor.
    pub fn new(building: &Building, group_id: &str, opts: SimOptions) -> Result<Self, TwinError> {
        let group = building.group(group_id)?;
        Ok(Self::for_group(building, group, opts))
    }

    /// As [`GroupSim::new`] for a group already looked up.
    pub fn for_group(building: &Building, group: &Group, opts: SimOptions) -> Self {
        let floors = building.floors();
        let nfloors = floors.len();
        let k = group.car.kinematics;
        let mut flight = vec![0.0; nfloors * nfloors];
        let mut braking = vec![0.0; nfloors * nfloors];
        for (i, a) in floors.iter().enumerate() {
            for (j, b) in floors.iter().enumerate() {
                let d = b.level_m - a.level_m;
                flight[i * nfloors + j] = k.flight_time(d);
                braking[i * nfloors + j] = k.braking_point(d);
            }
        }
        let main = building.floor_index(building.main_floor()).unwrap_or(0);
        let fh = crate::formula::avg_floor_height(building, group);
        Self {
            spec: group.car.clone(),
            lift_ids: group.lifts.iter().map(|l| l.id.clone()).collect(),
            numbers: floors.iter().map(|f| f.number).collect(),
            nfloors,
            main,
            flight,
            braking,
            stop_cost: crate::formula::performance_time(group, fh),
            cars: group.lifts.iter().map(|_| Car::new(main)).collect(),
            heap: BinaryHeap::new(),
            seq: 0,
            now: 0.0,
            traffic: None,
            traffic_until: f64::INFINITY,
            pax: Vec::new(),
            free: Vec::new(),
            next_pax_id: 0,
            waiting: vec![[Vec::new(), Vec::new()]; nfloors],
            hall: vec![[None, None]; nfloors],
            landing: Vec::new(),
            calls: BTreeMap::new(),
            next_call: 1,
            updates: Vec::new(),
            records: Vec::new(),
            trips: Vec::new(),
            main_departures: Vec::new(),
            observations: Vec::new(),
            fx_rng: ChaCha8Rng::seed_from_u64(opts.seed ^ 0x5eed_fa17),
            fixed_loaded: 0,
            scratch: vec![0; nfloors],
            served: served_set(building, group),
            opts,
        }
    }
}

fn served_set(building: &Building, group: &Group) -> floorset::FloorSet {
    let mut s = floorset::FloorSet::default();
    for &n in &group.served {
        if let Some(i) = building.floor_index(n) {
            s.insert(i);
        }
    }
    s
}

impl GroupSim {
    /// Feeds the group with generated passengers from now on.
    pub fn set_traffic(&mut self, pattern: Pattern, rate_p5: f64, seed: u64) {
        let served: Vec<usize> = (0..self.nfloors)
            .filter(|&i| self.served.contains(i))
            .collect();
        let mut gen = TrafficGen::new(pattern, rate_p5, &served, self.main, seed);
        // Skip arrivals that would lie in the past of an already running sim.
        while gen.peek_time() < self.now {
            gen.next_arrival();
        }
        self.traffic = Some(gen);
    }

    /// Generated arrivals stop at this simulated time (the sim runs on so
    /// passengers already in the system can finish).
    pub fn stop_traffic_at(&mut self, t_s: f64) {
        self.traffic_until = t_s;
    }

    /// Simulated seconds since start.
    pub fn now_s(&self) -> f64 {
        self.now
    }

    /// Processes every event up to and including `t_end_s`, then sets the
    /// clock to `t_end_s`.
    pub fn run_until(&mut self, t_end_s: f64) {
        loop {
            let ta = match &self.traffic {
                Some(g) if g.peek_time() < self.traffic_until => g.peek_time(),
                _ => f64::INFINITY,
            };
            let te = self.heap.peek().map_or(f64::INFINITY, |s| s.t);
            let t = ta.min(te);
            if t > t_end_s || !t.is_finite() {
                break;
            }
            self.now = self.now.max(t);
            if ta <= te {
                if let Some(a) = self.traffic.as_mut().and_then(TrafficGen::next_arrival) {
                    self.spawn(a.origin, a.dest, None);
                }
            } else if let Some(s) = self.heap.pop() {
                if self.cars[s.car as usize].epoch == s.epoch {
                    self.handle(s.car as usize, s.what);
                }
            }
        }
        if t_end_s > self.now {
            self.now = t_end_s;
        }
    }

    /// Passengers waiting at landings or riding.
    pub fn in_system(&self) -> usize {
        self.pax.len() - self.free.len()
    }

    pub fn lift_ids(&self) -> &[String] {
        &self.lift_ids
    }

    pub fn lift_state(&self, lift: usize) -> Option<LiftState> {
        let car = self.cars.get(lift)?;
        Some(LiftState {
            id: self.lift_ids[lift].clone(),
            floor: self.numbers[car.floor],
            phase: car.phase,
            passengers: car.riders.len() as u32,
            available: car.available(),
            starts: car.starts,
            run_s: car.run_s,
        })
    }

    /// Where a lift is heading: its direction of travel or service (`None`
    /// when idle) and, while moving, the floor number it will stop at next.
    /// For controller drivers that report position like a real group does.
    pub fn lift_motion(&self, lift: usize) -> Option<(Option<Direction>, Option<i32>)> {
        let car = self.cars.get(lift)?;
        let dir = match car.dir {
            plan::Dir::Up => Some(Direction::Up),
            plan::Dir::Down => Some(Direction::Down),
            plan::Dir::None => None,
        };
        let next = (car.phase == Phase::Moving).then(|| self.numbers[car.leg.to]);
        Some((dir, next))
    }

    /// Completed journeys so far (when `keep_records` is on).
    pub fn records(&self) -> &[PassengerRecord] {
        &self.records
    }

    /// Completed round trips from the main floor.
    pub fn round_trips(&self) -> &[RoundTrip] {
        &self.trips
    }

    /// Times cars left the main floor with passengers aboard.
    pub fn main_departures(&self) -> &[f64] {
        &self.main_departures
    }

    /// Device observations since the last drain (when `observations` is on).
    pub fn drain_observations(&mut self) -> Vec<Observation> {
        std::mem::take(&mut self.observations)
    }

    /// Sets how faults currently bend a car's behaviour.
    pub fn set_effects(&mut self, lift: usize, effects: CarEffects) {
        if let Some(c) = self.cars.get_mut(lift) {
            c.effects = effects;
        }
    }

    /// Takes a car out of service where it stands (a breakdown stops it
    /// between floors; riders stay inside). Its calls move to other cars.
    pub fn take_out_of_service(&mut self, lift: usize) {
        if lift < self.cars.len() && self.cars[lift].available() {
            self.out_of_service(lift);
        }
    }

    /// Puts a car back into service; it levels at the floor it was heading
    /// for and lets its riders continue.
    pub fn return_to_service(&mut self, lift: usize) {
        if lift < self.cars.len() && !self.cars[lift].available() {
            self.back_in_service(lift);
        }
    }

    pub fn options(&self) -> &SimOptions {
        &self.opts
    }

    fn num(&self, idx: usize) -> i32 {
        self.numbers[idx]
    }

    fn flight(&self, a: usize, b: usize) -> f64 {
        self.flight[a * self.nfloors + b]
    }

    fn braking(&self, a: usize, b: usize) -> f64 {
        self.braking[a * self.nfloors + b]
    }

    fn schedule(&mut self, car: usize, dt: f64, what: CarEv) {
        let c = &mut self.cars[car];
        c.epoch = c.epoch.wrapping_add(1);
        self.seq += 1;
        self.heap.push(Scheduled {
            t: self.now + dt.max(0.0),
            seq: self.seq,
            car: car as u16,
            epoch: c.epoch,
            what,
        });
    }

    /// Outdates the car's pending event without scheduling a new one.
    fn cancel_pending(&mut self, car: usize) {
        let c = &mut self.cars[car];
        c.epoch = c.epoch.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests;
