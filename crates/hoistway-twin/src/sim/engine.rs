//! Event handlers of the group simulation: passengers appear, cars arrive,
//! doors open, passengers transfer, doors close, cars decide where to go.

use rand::Rng;

use super::calls::{CallState, Guidance};
use super::car::{Leg, Phase, TripAcc};
use super::plan::{Dir, Next, Requests};
use super::records::{
    Observation, ObservationKind, PassengerRecord, RoundTrip, RELEVEL_S, RELEVEL_THRESHOLD_MM,
};
use super::{CarEv, DispatchMode, GroupSim, Parking, Pax};

impl GroupSim {
    pub(super) fn handle(&mut self, c: usize, what: CarEv) {
        match what {
            CarEv::Arrive => self.on_arrive(c),
            CarEv::Opened => self.on_opened(c),
            CarEv::TransferDone => {
                self.cars[c].dwelling = false;
                self.transfer_step(c, 0.0);
            }
            CarEv::Closed => self.on_closed(c),
        }
    }

    /// A passenger turns up at `origin` wanting `dest` (floor indices).
    pub(super) fn spawn(&mut self, origin: usize, dest: usize, call: Option<u64>) -> u32 {
        let dir = Dir::towards(origin, dest);
        let d = dir.idx().unwrap_or(0);
        let p = Pax {
            id: self.next_pax_id,
            arrival: self.now,
            origin: origin as u16,
            dest: dest as u16,
            car: None,
            board: f64::NAN,
            call,
        };
        self.next_pax_id += 1;
        let idx = match self.free.pop() {
            Some(i) => {
                self.pax[i as usize] = p;
                i
            }
            None => {
                self.pax.push(p);
                (self.pax.len() - 1) as u32
            }
        };
        self.waiting[origin][d].push(idx);
        match self.opts.dispatch {
            DispatchMode::Destination => self.allocate(idx, None),
            DispatchMode::Collective => {
                // A car standing open here in this direction takes them now.
                let open = (0..self.cars.len()).find(|&c| {
                    let car = &self.cars[c];
                    car.phase == Phase::Open
                        && car.floor == origin
                        && (car.dir == dir || car.dir == Dir::None)
                });
                if let Some(c) = open {
                    self.poke(c, origin, dir);
                }
                let still_waiting = self.pax[idx as usize].board.is_nan();
                if still_waiting && self.hall[origin][d].is_none() {
                    self.assign_hall(origin, d, None);
                } else if let Some(c) = self.hall[origin][d] {
                    self.poke(c as usize, origin, dir);
                }
                if still_waiting {
                    self.approve_waiting(origin, d);
                }
            }
        }
        idx
    }

    /// Requests of a car, plus (collective) anyone waiting at its floor:
    /// conventional landing buttons are answered by whichever car is there.
    pub(super) fn requests_for(&self, c: usize) -> Requests {
        let car = &self.cars[c];
        let mut r = car.requests();
        if self.opts.dispatch == DispatchMode::Collective {
            let f = car.floor;
            if !self.waiting[f][0].is_empty() {
                r.up.insert(f);
            }
            if !self.waiting[f][1].is_empty() {
                r.down.insert(f);
            }
        }
        r
    }

    pub(super) fn on_arrive(&mut self, c: usize) {
        let now = self.now;
        let leg = self.cars[c].leg;
        {
            let car = &mut self.cars[c];
            car.floor = leg.to;
            car.run_s += now - leg.depart;
        }
        if self.opts.observations {
            self.observations.push(Observation {
                t: now,
                lift: c,
                kind: ObservationKind::Trip {
                    from: self.num(leg.from),
                    to: self.num(leg.to),
                    duration_s: now - leg.depart,
                    levelling_error_mm: leg.levelling_mm,
                },
            });
        }
        if leg.to == self.main {
            let car = &mut self.cars[c];
            if let Some(acc) = car.trip.take() {
                let idle = car.idle_until(now) - acc.idle_at_start;
                self.trips.push(RoundTrip {
                    lift: c,
                    start_s: acc.start,
                    end_s: now,
                    busy_s: now - acc.start - idle,
                    boardings: acc.boardings,
                });
            }
        }
        let r = self.requests_for(c);
        if r.cc.contains(leg.to) || r.pickup_at(leg.to) {
            self.start_open(c);
        } else {
            self.decide(c);
        }
    }

    pub(super) fn start_open(&mut self, c: usize) {
        let now = self.now;
        let main = self.main;
        let car = &mut self.cars[c];
        car.wake(now);
        if car.floor == main && car.trip.is_none() {
            car.trip = Some(TripAcc {
                start: now,
                idle_at_start: car.idle_until(now),
                boardings: 0,
            });
        }
        car.phase = Phase::Opening;
        car.cycle_start = now;
        car.cycle_transfers = 0;
        car.dwelling = false;
        car.dwelled = false;
        car.holding = false;
        let t = self.spec.door_open_s;
        self.schedule(c, t, CarEv::Opened);
    }

    pub(super) fn on_opened(&mut self, c: usize) {
        let now = self.now;
        let tp = self.spec.transfer_s;
        let f = self.cars[c].floor;
        let serve = self.requests_for(c).serve_dir(f, self.cars[c].dir);
        self.cars[c].phase = Phase::Open;
        self.cars[c].dir = serve;
        // Riders for this floor leave first, one transfer time each.
        let riders = std::mem::take(&mut self.cars[c].riders);
        let mut keep = Vec::with_capacity(riders.len());
        let mut out = 0u32;
        for p in riders {
            if self.pax[p as usize].dest as usize == f {
                out += 1;
                self.finish(p, c, now + f64::from(out) * tp);
            } else {
                keep.push(p);
            }
        }
        let car = &mut self.cars[c];
        car.riders = keep;
        car.cc.remove(f);
        car.cycle_transfers += out;
        let fixed = self
            .opts
            .fixed_main_load
            .filter(|_| f == self.main && serve == Dir::Up);
        car.board_budget = match fixed {
            Some(p) => {
                // Bresenham split of a fractional load: over n trips exactly
                // floor(n P) passengers, as even as whole persons allow.
                let n = self.fixed_loaded as f64;
                self.fixed_loaded += 1;
                (((n + 1.0) * p).floor() - (n * p).floor()) as u32
            }
            None => self
                .spec
                .capacity_persons
                .saturating_sub(car.riders.len() as u32),
        };
        if let Some(d) = serve.idx() {
            self.serve_landing_calls(c, f, d);
        }
        self.transfer_step(c, f64::from(out) * tp);
    }

    /// Boards whoever may board now (after `busy_s` of transfers already
    /// under way), then schedules the end of the transfers, the dwell, or
    /// the door closing.
    pub(super) fn transfer_step(&mut self, c: usize, busy_s: f64) {
        let boarded = self.board(c, self.now + busy_s);
        let total = busy_s + f64::from(boarded) * self.spec.transfer_s;
        let dwell = self.spec.door_dwell_s;
        let f = self.cars[c].floor;
        let holds = self.opts.fixed_main_load.is_some()
            && f == self.main
            && self.cars[c].dir == Dir::Up
            && self.cars[c].board_budget > 0;
        let car = &mut self.cars[c];
        if total > 0.0 {
            car.dwelling = false;
            car.dwelled = false;
            self.schedule(c, total, CarEv::TransferDone);
        } else if holds {
            // Validation mode: wait with doors open for the rest of the load.
            car.dwelling = true;
            car.holding = true;
            self.cancel_pending(c);
        } else if !car.dwelled && dwell > 0.0 {
            car.dwelling = true;
            car.dwelled = true;
            self.schedule(c, dwell, CarEv::TransferDone);
        } else {
            self.start_close(c);
        }
    }

    /// Moves eligible waiting passengers into the car; returns how many.
    pub(super) fn board(&mut self, c: usize, t0: f64) -> u32 {
        let f = self.cars[c].floor;
        let Some(d) = self.cars[c].dir.idx() else {
            return 0;
        };
        let tp = self.spec.transfer_s;
        let dd = self.opts.dispatch == DispatchMode::Destination;
        // Pick boarders in queue order, stopping as soon as the car is full
        // so a long lobby queue costs only what boards.
        let mut budget = self.cars[c].board_budget;
        let mut taken: Vec<u32> = Vec::new();
        let mut positions: Vec<usize> = Vec::new();
        for (i, &p) in self.waiting[f][d].iter().enumerate() {
            if budget == 0 {
                break;
            }
            if !dd || self.pax[p as usize].car == Some(c as u16) {
                taken.push(p);
                positions.push(i);
                budget -= 1;
            }
        }
        if taken.is_empty() {
            self.refresh_pick(c, f, d);
            return 0;
        }
        let list = &mut self.waiting[f][d];
        if positions.last() == Some(&(positions.len() - 1)) {
            list.drain(..positions.len());
        } else {
            let mut i = 0usize;
            let mut k = 0usize;
            list.retain(|_| {
                let keep = positions.get(k) != Some(&i);
                if !keep {
                    k += 1;
                }
                i += 1;
                keep
            });
        }
        let mut n = 0u32;
        for &p in &taken {
            let car = &mut self.cars[c];
            let pax = &mut self.pax[p as usize];
            pax.board = t0 + f64::from(n) * tp;
            pax.car = Some(c as u16);
            car.riders.push(p);
            car.cc.insert(pax.dest as usize);
            if dd {
                car.assigned_list.retain(|&q| q != p);
            }
            if let Some(acc) = car.trip.as_mut() {
                acc.boardings += 1;
            }
            n += 1;
        }
        self.cars[c].board_budget = budget;
        self.cars[c].cycle_transfers += n;
        if n > 0 {
            let lift = self.lift_ids[c].clone();
            let floor = self.num(f);
            let riders = self.cars[c].riders.clone();
            for &p in riders.iter().rev().take(n as usize) {
                if let Some(id) = self.pax[p as usize].call {
                    let guidance = Guidance::EnterCar {
                        lift: lift.clone(),
                        floor,
                    };
                    self.push_update(
                        id,
                        CallState::Approved { lift: lift.clone() },
                        Some(guidance),
                    );
                }
            }
        }
        self.refresh_pick(c, f, d);
        n
    }

    /// Clears landing-call bits at (`f`, `d`) that nobody needs any more.
    pub(super) fn refresh_pick(&mut self, c: usize, f: usize, d: usize) {
        let landing = self.landing.iter().any(|l| l.floor == f && l.dir == d);
        match self.opts.dispatch {
            DispatchMode::Collective => {
                if self.waiting[f][d].is_empty() && !landing {
                    if let Some(k) = self.hall[f][d].take() {
                        self.cars[k as usize].pick[d].remove(f);
                    }
                    self.cars[c].pick[d].remove(f);
                }
            }
            DispatchMode::Destination => {
                let mine = self.waiting[f][d]
                    .iter()
                    .any(|&p| self.pax[p as usize].car == Some(c as u16))
                    || self
                        .landing
                        .iter()
                        .any(|l| l.floor == f && l.dir == d && l.car == Some(c as u16));
                if !mine {
                    self.cars[c].pick[d].remove(f);
                }
            }
        }
    }

    pub(super) fn start_close(&mut self, c: usize) {
        let f = self.cars[c].floor;
        // Anyone left behind (car full) gets another car.
        if let Some(d) = self.cars[c].dir.idx() {
            self.reassign_left_behind(c, f, d);
        }
        let fx = self.cars[c].effects;
        let base = self.spec.door_close_s * fx.door_close_factor.max(0.0);
        let mut reopens = 0u32;
        let mut obstruction = false;
        if fx.reopen_prob > 0.0 {
            while reopens < 5 && self.fx_rng.gen::<f64>() < fx.reopen_prob {
                reopens += 1;
            }
            obstruction = reopens > 0 && self.fx_rng.gen::<f64>() < fx.obstruction_prob;
        }
        // A reopen costs about half an opening and half a closing.
        let total = base + f64::from(reopens) * 0.5 * (self.spec.door_open_s + base);
        // Reported when the doors are shut, so events stay in time order.
        self.cars[c].cycle_obs = (base, reopens, obstruction);
        let car = &mut self.cars[c];
        car.phase = Phase::Closing;
        car.dwelling = false;
        car.holding = false;
        self.schedule(c, total, CarEv::Closed);
    }

    pub(super) fn on_closed(&mut self, c: usize) {
        let f = self.cars[c].floor;
        if self.opts.observations {
            let (close_s, reopens, obstruction) = self.cars[c].cycle_obs;
            self.observations.push(Observation {
                t: self.now,
                lift: c,
                kind: ObservationKind::DoorCycle {
                    floor: self.num(f),
                    open_s: self.spec.door_open_s,
                    close_s,
                    reopens,
                    obstruction,
                },
            });
        }
        let start = self.cars[c].cycle_start;
        let lift = self.lift_ids[c].clone();
        let riders = self.cars[c].riders.clone();
        for p in riders {
            let pax = self.pax[p as usize];
            if let (Some(id), true) = (pax.call, pax.origin as usize == f && pax.board >= start) {
                let g = Guidance::StayInCar { lift: lift.clone() };
                self.push_update(id, CallState::Approved { lift: lift.clone() }, Some(g));
            }
        }
        self.decide(c);
    }

    /// Chooses the next move of a car standing with closed doors.
    pub(super) fn decide(&mut self, c: usize) {
        if !self.cars[c].available() {
            return;
        }
        let f = self.cars[c].floor;
        let r = self.requests_for(c);
        let mut next = r.after_close(f, self.cars[c].dir);
        if let Next::Open(_) = next {
            // A door cycle here that moved nobody must not repeat forever.
            let car = &self.cars[c];
            let same_dir = matches!(next, Next::Open(d) if d == car.dir);
            if car.phase == Phase::Closing
                && car.cycle_transfers == 0
                && same_dir
                && !r.cc.contains(f)
            {
                let mut rest = r;
                rest.up.remove(f);
                rest.down.remove(f);
                next = rest.after_close(f, car.dir);
                if let Next::Open(_) = next {
                    next = Next::Idle;
                }
            }
        }
        match next {
            Next::Go(t, d) => self.depart(c, t, d),
            Next::Open(d) => {
                self.cars[c].dir = d;
                self.start_open(c);
            }
            Next::Idle => {
                if self.opts.parking == Parking::MainFloor && f != self.main {
                    let d = Dir::towards(f, self.main);
                    self.depart(c, self.main, d);
                } else {
                    let now = self.now;
                    let car = &mut self.cars[c];
                    car.phase = Phase::Idle;
                    car.dir = Dir::None;
                    car.idle_since.get_or_insert(now);
                }
            }
        }
    }

    pub(super) fn depart(&mut self, c: usize, to: usize, d: Dir) {
        let now = self.now;
        let fx = self.cars[c].effects;
        let levelling_mm =
            fx.levelling_bias_mm + fx.levelling_sigma_mm * std_normal(&mut self.fx_rng);
        let relevel_s = if levelling_mm.abs() > RELEVEL_THRESHOLD_MM {
            RELEVEL_S
        } else {
            0.0
        };
        let from = self.cars[c].floor;
        let depart = now + self.spec.start_delay_s;
        let arrive = depart + self.flight(from, to) + relevel_s;
        if from == self.main && !self.cars[c].riders.is_empty() {
            self.main_departures.push(now);
        }
        let car = &mut self.cars[c];
        car.wake(now);
        car.dir = d;
        car.phase = Phase::Moving;
        car.starts += 1;
        car.leg = Leg {
            from,
            to,
            depart,
            arrive,
            levelling_mm,
            relevel_s,
        };
        self.schedule(c, arrive - now, CarEv::Arrive);
    }

    /// Tells car `c` that it now has a pickup at (`f`, `dir`).
    pub(super) fn poke(&mut self, c: usize, f: usize, dir: Dir) {
        let car = &self.cars[c];
        match car.phase {
            Phase::Idle => self.decide(c),
            Phase::Moving => self.try_insert(c, f, dir),
            Phase::Open
                if car.dwelling && car.floor == f && (car.dir == dir || car.dir == Dir::None) =>
            {
                if car.dir == Dir::None {
                    let cap = self
                        .spec
                        .capacity_persons
                        .saturating_sub(car.riders.len() as u32);
                    let car = &mut self.cars[c];
                    car.dir = dir;
                    car.board_budget = cap;
                }
                self.cars[c].dwelling = false;
                self.transfer_step(c, 0.0);
            }
            _ => {}
        }
    }

    /// Re-targets a moving car to an earlier floor if it can still brake.
    pub(super) fn try_insert(&mut self, c: usize, f: usize, dir: Dir) {
        let leg = self.cars[c].leg;
        let car_dir = self.cars[c].dir;
        let between = match car_dir {
            Dir::Up => leg.from < f && f < leg.to,
            Dir::Down => leg.to < f && f < leg.from,
            Dir::None => false,
        };
        if !between || dir != car_dir || self.now - leg.depart > self.braking(leg.from, f) {
            return;
        }
        let arrive = leg.depart + self.flight(leg.from, f) + leg.relevel_s;
        self.cars[c].leg.to = f;
        self.cars[c].leg.arrive = arrive;
        let dt = arrive - self.now;
        self.schedule(c, dt, CarEv::Arrive);
    }

    /// A passenger leaves the car at `t`.
    pub(super) fn finish(&mut self, p: u32, c: usize, t: f64) {
        let pax = self.pax[p as usize];
        if self.opts.keep_records {
            self.records.push(PassengerRecord {
                id: pax.id,
                arrival_s: pax.arrival,
                origin: self.num(pax.origin as usize),
                destination: self.num(pax.dest as usize),
                lift: c,
                board_s: pax.board,
                alight_s: t,
            });
        }
        if let Some(id) = pax.call {
            let g = Guidance::ExitCar {
                lift: self.lift_ids[c].clone(),
                floor: self.num(pax.dest as usize),
            };
            self.push_update(id, CallState::Served, Some(g));
        }
        self.free.push(p);
    }

    /// Landing calls (no passenger) at (`f`, `d`) are served by this stop.
    pub(super) fn serve_landing_calls(&mut self, _c: usize, f: usize, d: usize) {
        if !self.landing.iter().any(|l| l.floor == f && l.dir == d) {
            return;
        }
        let (served, rest): (Vec<_>, Vec<_>) = self
            .landing
            .iter()
            .partition(|l| l.floor == f && l.dir == d);
        self.landing = rest;
        for l in served {
            if let Some(k) = l.car {
                if self.opts.dispatch == DispatchMode::Destination {
                    self.refresh_pick(k as usize, f, d);
                }
            }
            self.push_update(l.id, CallState::Served, None);
        }
    }
}

/// Standard normal draw (Box–Muller); rand 0.8 without rand_distr has none.
fn std_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}
