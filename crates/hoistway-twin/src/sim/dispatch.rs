//! Group control: which car takes a call.
//!
//! Both controllers rank cars by a route estimate made with the very sweep
//! rule the cars follow ([`super::plan`]): the car's riders, its allocated
//! pickups and the new call are played forward in simulated time.
//!
//! - Collective: a landing call goes to the car with the earliest estimated
//!   arrival at the landing in the call's direction.
//! - Destination: a passenger goes to the car with the least estimated time
//!   to destination (waiting plus riding) plus the delay the new stops or
//!   transfers cause to everyone already allocated to that car (ETD).

use super::calls::{CallState, Guidance};
use super::car::Phase;
use super::floorset::FloorSet;
use super::plan::{Dir, Next, Requests};
use super::GroupSim;

/// Cost added for a car that would be over capacity: still usable when
/// every car is full, but never preferred.
const FULL_PENALTY_S: f64 = 1000.0;
const NONE: u16 = u16::MAX;

#[derive(Clone, Copy)]
struct Pick {
    floor: u16,
    dir: Dir,
    dest: u16,
    new: bool,
}

/// A car played forward in time.
struct Virtual<'a> {
    drops: &'a mut [u16],
    cc: FloorSet,
    up: FloorSet,
    down: FloorSet,
    picks: Vec<Pick>,
    t: f64,
    others: f64,
    new_aboard: bool,
    new_dest: u16,
    done: Option<f64>,
    delay: f64,
}

impl Virtual<'_> {
    fn requests(&self) -> Requests {
        Requests {
            cc: self.cc,
            up: self.up,
            down: self.down,
        }
    }

    fn stop(&mut self, sim: &GroupSim, pos: usize, serve: Dir, doors_open: bool) {
        let s = &sim.spec;
        if !doors_open {
            self.t += s.door_open_s;
        }
        let out = u32::from(self.drops[pos]);
        self.drops[pos] = 0;
        self.cc.remove(pos);
        let new_out = self.new_aboard && usize::from(self.new_dest) == pos;
        if new_out {
            self.done = Some(self.t + f64::from(out) * s.transfer_s);
            self.new_aboard = false;
        }
        self.others -= f64::from(out) - f64::from(u8::from(new_out));
        let mut board = 0u32;
        let mut new_in = false;
        let (mut up_left, mut down_left) = (false, false);
        let t = self.t;
        let mut done = self.done;
        self.picks.retain(|pk| {
            if usize::from(pk.floor) != pos {
                return true;
            }
            if pk.dir != serve && serve != Dir::None {
                match pk.dir {
                    Dir::Up => up_left = true,
                    _ => down_left = true,
                }
                return true;
            }
            board += 1;
            if pk.new {
                new_in = true;
                if pk.dest == NONE {
                    done = Some(t);
                }
            }
            if pk.dest != NONE {
                self.drops[usize::from(pk.dest)] += 1;
                self.cc.insert(usize::from(pk.dest));
            }
            false
        });
        self.done = done;
        if new_in && self.new_dest != NONE {
            self.new_aboard = true;
        }
        if !up_left {
            self.up.remove(pos);
        }
        if !down_left {
            self.down.remove(pos);
        }
        let transfers = out + board;
        let new_tr = u32::from(new_in) + u32::from(new_out);
        if new_tr > 0 {
            // The stop exists only for the new passenger: everyone else
            // aboard or allocated waits a whole stop longer.
            let extra = if transfers == new_tr {
                sim.stop_cost + f64::from(new_tr) * s.transfer_s
            } else {
                f64::from(new_tr) * s.transfer_s
            };
            self.delay += extra * self.others.max(0.0);
        }
        self.t += f64::from(transfers) * s.transfer_s + s.door_dwell_s + s.door_close_s;
    }
}

impl GroupSim {
    /// Estimated cost of giving car `c` a pickup at `o` going `dir` (with a
    /// destination for destination dispatch). Infinite for a car out of
    /// service.
    pub(super) fn estimate(&mut self, c: usize, o: usize, dir: Dir, dest: Option<usize>) -> f64 {
        let car = &self.cars[c];
        if car.phase == Phase::OutOfService {
            return f64::INFINITY;
        }
        let mut drops = std::mem::take(&mut self.scratch);
        let mut v = Virtual {
            drops: &mut drops,
            cc: FloorSet::default(),
            up: FloorSet::default(),
            down: FloorSet::default(),
            picks: Vec::with_capacity(car.assigned_list.len() + 4),
            t: 0.0,
            others: (car.riders.len() + car.assigned_list.len()) as f64,
            new_aboard: false,
            new_dest: dest.map_or(NONE, |d| d as u16),
            done: None,
            delay: 0.0,
        };
        for &p in &car.riders {
            let d = usize::from(self.pax[p as usize].dest);
            v.drops[d] += 1;
            v.cc.insert(d);
        }
        for &p in &car.assigned_list {
            let px = &self.pax[p as usize];
            v.picks.push(Pick {
                floor: px.origin,
                dir: Dir::towards(usize::from(px.origin), usize::from(px.dest)),
                dest: px.dest,
                new: false,
            });
        }
        // Landing pickups without a known destination (collective, remote).
        for (d, set) in car.pick.iter().enumerate() {
            for fl in set.iter() {
                let pd = if d == 0 { Dir::Up } else { Dir::Down };
                if !v
                    .picks
                    .iter()
                    .any(|p| usize::from(p.floor) == fl && p.dir == pd)
                {
                    v.picks.push(Pick {
                        floor: fl as u16,
                        dir: pd,
                        dest: NONE,
                        new: false,
                    });
                }
            }
        }
        v.picks.push(Pick {
            floor: o as u16,
            dir,
            dest: v.new_dest,
            new: true,
        });
        for p in &v.picks {
            match p.dir {
                Dir::Up => v.up.insert(usize::from(p.floor)),
                _ => v.down.insert(usize::from(p.floor)),
            }
        }
        let s = &self.spec;
        let now = self.now;
        let mut pos = car.floor;
        let mut cur = car.dir;
        match car.phase {
            Phase::Idle => cur = Dir::None,
            Phase::Moving => {
                pos = car.leg.to;
                v.t = (car.leg.arrive - now).max(0.0);
                let r = v.requests();
                if r.cc.contains(pos) || r.pickup_at(pos) {
                    let serve = r.serve_dir(pos, cur);
                    v.stop(self, pos, serve, false);
                    cur = serve;
                }
            }
            Phase::Opening | Phase::Open => {
                v.t = (car.cycle_start + s.door_open_s - now).max(0.0);
                let serve = if cur == Dir::None { dir } else { cur };
                v.stop(self, pos, serve, true);
                cur = serve;
            }
            Phase::Closing => v.t = s.door_close_s,
            Phase::OutOfService => {}
        }
        let limit = 4 * self.nfloors + 8;
        for _ in 0..limit {
            if v.done.is_some() {
                break;
            }
            match v.requests().after_close(pos, cur) {
                Next::Go(target, d) => {
                    v.t += s.start_delay_s + self.flight(pos, target);
                    pos = target;
                    let serve = v.requests().serve_dir(pos, d);
                    v.stop(self, pos, serve, false);
                    cur = serve;
                }
                Next::Open(d) => {
                    v.stop(self, pos, d, false);
                    cur = d;
                }
                Next::Idle => break,
            }
        }
        let cost = v.done.map_or(f64::INFINITY, |d| d + v.delay);
        drops.fill(0);
        self.scratch = drops;
        cost
    }

    /// Cheapest available car by `cost`, avoiding `exclude` unless it is the
    /// only one left. Ties go to the lower index (deterministic).
    fn best_car(
        &mut self,
        exclude: Option<usize>,
        mut cost: impl FnMut(&mut Self, usize) -> f64,
    ) -> Option<usize> {
        let avail: Vec<usize> = (0..self.cars.len())
            .filter(|&c| self.cars[c].available())
            .collect();
        let pool: Vec<usize> = match exclude {
            Some(x) if avail.iter().any(|&c| c != x) => {
                avail.into_iter().filter(|&c| c != x).collect()
            }
            _ => avail,
        };
        let mut best: Option<(usize, f64)> = None;
        for c in pool {
            let k = cost(self, c);
            if best.is_none_or(|(_, b)| k < b) {
                best = Some((c, k));
            }
        }
        best.map(|(c, _)| c)
    }

    /// Destination dispatch: allocates waiting passenger `p` to a car.
    pub(super) fn allocate(&mut self, p: u32, exclude: Option<usize>) {
        let px = self.pax[p as usize];
        let (o, dest) = (usize::from(px.origin), usize::from(px.dest));
        let dir = Dir::towards(o, dest);
        let cap = self.spec.capacity_persons as usize;
        let best = self.best_car(exclude, |sim, c| {
            let car = &sim.cars[c];
            let over = car.riders.len() + car.assigned_list.len() >= cap;
            sim.estimate(c, o, dir, Some(dest)) + if over { FULL_PENALTY_S } else { 0.0 }
        });
        let d = dir.idx().unwrap_or(0);
        match best {
            Some(c) => {
                self.pax[p as usize].car = Some(c as u16);
                self.cars[c].assigned_list.push(p);
                self.cars[c].pick[d].insert(o);
                if let Some(id) = px.call {
                    let lift = self.lift_ids[c].clone();
                    let g = Guidance::WaitForCar {
                        lift: lift.clone(),
                        floor: self.num(o),
                    };
                    self.push_update(id, CallState::Approved { lift }, Some(g));
                }
                self.poke(c, o, dir);
            }
            None => self.drop_unserved(p, o, d),
        }
    }

    /// A remote passenger nobody can serve is cancelled; generated traffic
    /// waits unallocated until a car returns to service.
    fn drop_unserved(&mut self, p: u32, o: usize, d: usize) {
        if let Some(id) = self.pax[p as usize].call {
            self.waiting[o][d].retain(|&q| q != p);
            self.free.push(p);
            self.push_update(
                id,
                CallState::Cancelled {
                    reason: super::CancelReason::NoLiftAvailable,
                },
                None,
            );
        }
    }

    /// Collective: gives the landing call (`f`, `d`) to the car that can be
    /// there first.
    pub(super) fn assign_hall(&mut self, f: usize, d: usize, exclude: Option<usize>) {
        let dir = if d == 0 { Dir::Up } else { Dir::Down };
        let cap = self.spec.capacity_persons as usize;
        let best = self.best_car(exclude, |sim, c| {
            let full = sim.cars[c].riders.len() >= cap;
            sim.estimate(c, f, dir, None) + if full { FULL_PENALTY_S } else { 0.0 }
        });
        match best {
            Some(c) => {
                self.hall[f][d] = Some(c as u16);
                self.cars[c].pick[d].insert(f);
                self.poke(c, f, dir);
            }
            None => {
                let remote: Vec<u32> = self.waiting[f][d]
                    .iter()
                    .copied()
                    .filter(|&p| self.pax[p as usize].call.is_some())
                    .collect();
                for p in remote {
                    self.drop_unserved(p, f, d);
                }
                self.cancel_landing_at(f, d);
            }
        }
    }

    /// Destination dispatch: gives remote landing call `i` a car.
    pub(super) fn allocate_landing(&mut self, i: usize, exclude: Option<usize>) {
        let l = self.landing[i];
        let dir = if l.dir == 0 { Dir::Up } else { Dir::Down };
        let best = self.best_car(exclude, |sim, c| sim.estimate(c, l.floor, dir, None));
        match best {
            Some(c) => {
                self.landing[i].car = Some(c as u16);
                self.cars[c].pick[l.dir].insert(l.floor);
                let lift = self.lift_ids[c].clone();
                self.push_update(l.id, CallState::Approved { lift }, None);
                self.poke(c, l.floor, dir);
            }
            None => self.cancel_landing_at(l.floor, l.dir),
        }
    }

    fn cancel_landing_at(&mut self, f: usize, d: usize) {
        let (gone, rest): (Vec<_>, Vec<_>) = self
            .landing
            .iter()
            .partition(|l| l.floor == f && l.dir == d);
        self.landing = rest;
        for l in gone {
            self.push_update(
                l.id,
                CallState::Cancelled {
                    reason: super::CancelReason::NoLiftAvailable,
                },
                None,
            );
        }
    }
}
