//! Lifts leaving and returning to service: their calls are reassigned or
//! cancelled, and waiting calls are approved when a lift can take them.

use super::calls::{CallKind, CallState, Guidance};
use super::car::Phase;
use super::{DispatchMode, GroupSim};

impl GroupSim {
    pub(super) fn out_of_service(&mut self, c: usize) {
        self.cancel_pending(c);
        let now = self.now;
        {
            let car = &mut self.cars[c];
            if car.phase == Phase::Moving {
                // Stopped in the shaft: account the partial run.
                car.run_s += (now - car.leg.depart).max(0.0);
            }
            car.wake(now);
            car.phase = Phase::OutOfService;
            car.trip = None;
        }
        let picks = std::mem::take(&mut self.cars[c].pick);
        let assigned = std::mem::take(&mut self.cars[c].assigned_list);
        match self.opts.dispatch {
            DispatchMode::Collective => {
                for (d, set) in picks.iter().enumerate() {
                    for f in 0..self.nfloors {
                        if set.contains(f) && self.hall[f][d] == Some(c as u16) {
                            self.hall[f][d] = None;
                            self.assign_hall(f, d, Some(c));
                            self.approve_waiting(f, d);
                        }
                    }
                }
            }
            DispatchMode::Destination => {
                for p in assigned {
                    self.pax[p as usize].car = None;
                    self.allocate(p, Some(c));
                }
                let mine: Vec<usize> = (0..self.landing.len())
                    .filter(|&i| self.landing[i].car == Some(c as u16))
                    .collect();
                for i in mine {
                    self.landing[i].car = None;
                    self.allocate_landing(i, Some(c));
                }
            }
        }
    }

    pub(super) fn back_in_service(&mut self, c: usize) {
        let now = self.now;
        let car = &mut self.cars[c];
        if car.leg.arrive > now || car.leg.from != car.floor {
            // Levels at the floor it was heading for.
            car.floor = car.leg.to;
        }
        car.phase = Phase::Idle;
        car.idle_since = Some(now);
        if !self.cars[c].riders.is_empty() {
            self.start_open(c);
        } else {
            self.decide(c);
        }
        self.allocate_orphans();
    }

    pub(super) fn reassign_left_behind(&mut self, c: usize, f: usize, d: usize) {
        match self.opts.dispatch {
            DispatchMode::Collective => {
                let mine = self.hall[f][d] == Some(c as u16) || self.hall[f][d].is_none();
                if !self.waiting[f][d].is_empty() && mine {
                    self.hall[f][d] = None;
                    self.cars[c].pick[d].remove(f);
                    self.assign_hall(f, d, Some(c));
                    self.approve_waiting(f, d);
                }
            }
            DispatchMode::Destination => {
                let left: Vec<u32> = self.waiting[f][d]
                    .iter()
                    .copied()
                    .filter(|&p| self.pax[p as usize].car == Some(c as u16))
                    .collect();
                if left.is_empty() {
                    return;
                }
                self.cars[c].pick[d].remove(f);
                for p in left {
                    self.cars[c].assigned_list.retain(|&q| q != p);
                    self.pax[p as usize].car = None;
                    self.allocate(p, Some(c));
                }
            }
        }
    }

    /// After a car returns to service: give unallocated demand a car.
    pub(super) fn allocate_orphans(&mut self) {
        for f in 0..self.nfloors {
            for d in 0..2 {
                if self.waiting[f][d].is_empty() {
                    continue;
                }
                match self.opts.dispatch {
                    DispatchMode::Collective => {
                        if self.hall[f][d].is_none() {
                            self.assign_hall(f, d, None);
                            self.approve_waiting(f, d);
                        }
                    }
                    DispatchMode::Destination => {
                        let orphans: Vec<u32> = self.waiting[f][d]
                            .iter()
                            .copied()
                            .filter(|&p| self.pax[p as usize].car.is_none())
                            .collect();
                        for p in orphans {
                            self.allocate(p, None);
                        }
                    }
                }
            }
        }
    }

    /// Collective: sends every remote call waiting at (`f`, `d`) its lift.
    pub(super) fn approve_waiting(&mut self, f: usize, d: usize) {
        let Some(k) = self.hall[f][d] else {
            return;
        };
        let lift = self.lift_ids[k as usize].clone();
        let mut ids: Vec<u64> = self.waiting[f][d]
            .iter()
            .filter_map(|&p| self.pax[p as usize].call)
            .collect();
        ids.extend(
            self.landing
                .iter()
                .filter(|l| l.floor == f && l.dir == d)
                .map(|l| l.id),
        );
        for id in ids {
            let same = matches!(self.calls.get(&id).map(|e| &e.state), Some(CallState::Approved { lift: l }) if *l == lift);
            if !same {
                let g = self.waiting_guidance(id, &lift, f);
                self.push_update(id, CallState::Approved { lift: lift.clone() }, g);
            }
        }
    }

    pub(super) fn waiting_guidance(&self, id: u64, lift: &str, f: usize) -> Option<Guidance> {
        match self.calls.get(&id).map(|e| e.kind) {
            Some(CallKind::Destination { .. }) => Some(Guidance::WaitForCar {
                lift: lift.to_owned(),
                floor: self.num(f),
            }),
            _ => None,
        }
    }
}
