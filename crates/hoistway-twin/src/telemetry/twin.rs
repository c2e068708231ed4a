//! The fleet-feeding telemetry twin.
//!
//! Sensors are sampled every [`TICK_S`]; trips and door cycles are reported
//! as they complete; faults progress continuously and fail a unit exactly at
//! the failure time of their label (time steps are split there). Per unit,
//! `seq` strictly increases and `ts` never goes back, across calls.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::event::{AlarmKind, Event, EventBody, Mode, Severity, SCHEMA_VERSION};
use super::models::{noise, DoorModel, EscalatorModel, TICK_S};
use crate::building::Building;
use crate::error::{invalid, TwinError};
use crate::faults::{car_effects, severity_of, Fault, FaultKind, FaultLabel, UnitKind};
use crate::sim::{
    DispatchMode, GroupSim, ObservationKind, Parking, SimOptions, RELEVEL_THRESHOLD_MM,
};
use crate::traffic::{self, Pattern};

/// Ticks between status heartbeats and between counter reports.
const STATUS_EVERY: u64 = 5;
const COUNTER_EVERY: u64 = 15;
/// Door cycles with this many reopens raise a minor door fault.
const REOPEN_FAULT_AT: u32 = 3;
/// Motor temperature that raises an over-temperature warning.
const HOT_C: f64 = 80.0;

#[derive(Debug, Clone)]
enum Model {
    Elevator {
        group: usize,
        lift: usize,
        last_run_s: f64,
    },
    Escalator(EscalatorModel),
    Door(DoorModel),
}

#[derive(Debug, Clone)]
struct Unit {
    id: String,
    kind: UnitKind,
    seq: u64,
    last_t: f64,
    faults: Vec<Fault>,
    failed: bool,
    mode: Mode,
    entrapment: bool,
    starts_base: u64,
    run_h_base: f64,
    temp_c: f64,
    hot_warned: bool,
    model: Model,
}

#[derive(Debug, Clone)]
struct Pending {
    t: f64,
    unit: usize,
    body: EventBody,
}

/// A simulated fleet that emits device telemetry.
#[derive(Debug, Clone)]
pub struct TelemetryTwin {
    start: DateTime<Utc>,
    now: f64,
    rng: ChaCha8Rng,
    seed: u64,
    groups: Vec<GroupSim>,
    /// Unit index of each lift, per group.
    lifts: Vec<Vec<usize>>,
    units: Vec<Unit>,
    labels: Vec<FaultLabel>,
    pending: Vec<Pending>,
    next_tick: f64,
    ticks: u64,
}

impl TelemetryTwin {
    /// An empty fleet whose simulated time zero is `start`.
    pub fn new(start: DateTime<Utc>, seed: u64) -> Self {
        Self {
            start,
            now: 0.0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            seed,
            groups: Vec::new(),
            lifts: Vec::new(),
            units: Vec::new(),
            labels: Vec::new(),
            pending: Vec::new(),
            next_tick: TICK_S,
            ticks: 0,
        }
    }

    /// Simulated seconds since start.
    pub fn now_s(&self) -> f64 {
        self.now
    }

    /// Wall-clock instant of the simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        self.at(self.now)
    }

    fn at(&self, t: f64) -> DateTime<Utc> {
        self.start + Duration::milliseconds((t * 1000.0).round() as i64)
    }

    fn check_id(&self, id: &str) -> Result<(), TwinError> {
        if id.trim().is_empty() || id.chars().any(char::is_control) {
            return Err(invalid("unit", format!("{id:?} is not a usable unit id")));
        }
        if self.units.iter().any(|u| u.id == id) {
            return Err(invalid("unit", format!("duplicate unit id {id:?}")));
        }
        Ok(())
    }

    fn add_unit(&mut self, id: &str, kind: UnitKind, model: Model) -> Result<usize, TwinError> {
        self.check_id(id)?;
        let starts_base = self.rng.gen_range(10_000..200_000);
        let run_h_base = f64::from(self.rng.gen_range(1_000..20_000u32));
        self.units.push(Unit {
            id: id.to_owned(),
            kind,
            seq: 0,
            last_t: f64::NEG_INFINITY,
            faults: Vec::new(),
            failed: false,
            mode: Mode::Normal,
            entrapment: false,
            starts_base,
            run_h_base,
            temp_c: 30.0,
            hot_warned: false,
            model,
        });
        let u = self.units.len() - 1;
        self.emit_status(u);
        self.emit_counter(u);
        Ok(u)
    }

    /// Adds a lift group of `building`, one unit id per lift in group order,
    /// fed with `pattern` traffic (rate from the building when `None`).
    /// Returns the group index for [`TelemetryTwin::group_mut`].
    pub fn add_group(
        &mut self,
        building: &Building,
        group_id: &str,
        unit_ids: &[String],
        pattern: Pattern,
        rate_p5: Option<f64>,
        dispatch: DispatchMode,
    ) -> Result<usize, TwinError> {
        let group = building.group(group_id)?;
        if unit_ids.len() != group.lifts.len() {
            return Err(invalid(
                "unit_ids",
                format!("{} ids for {} lifts", unit_ids.len(), group.lifts.len()),
            ));
        }
        let gi = self.groups.len();
        let opts = SimOptions {
            dispatch,
            parking: if pattern.parks_at_main() {
                Parking::MainFloor
            } else {
                Parking::StayPut
            },
            keep_records: false,
            observations: true,
            fixed_main_load: None,
            seed: self.seed.wrapping_add(gi as u64 + 1),
        };
        let mut sim = GroupSim::for_group(building, group, opts);
        let rate = rate_p5.unwrap_or_else(|| traffic::arrival_rate_p5(building, pattern));
        sim.set_traffic(
            pattern,
            rate,
            self.seed.wrapping_mul(31).wrapping_add(gi as u64),
        );
        sim.run_until(self.now);
        // Check every id first so a refused group leaves no half-added units.
        for (i, id) in unit_ids.iter().enumerate() {
            self.check_id(id)?;
            if unit_ids[..i].contains(id) {
                return Err(invalid("unit", format!("duplicate unit id {id:?}")));
            }
        }
        for lift in 0..unit_ids.len() {
            sim.set_effects(lift, car_effects(&[], self.now));
        }
        self.groups.push(sim);
        self.lifts.push(Vec::with_capacity(unit_ids.len()));
        for (lift, id) in unit_ids.iter().enumerate() {
            let u = self.add_unit(
                id,
                UnitKind::Elevator,
                Model::Elevator {
                    group: gi,
                    lift,
                    last_run_s: 0.0,
                },
            )?;
            self.lifts[gi].push(u);
        }
        Ok(gi)
    }

    pub fn add_escalator(&mut self, unit_id: &str) -> Result<(), TwinError> {
        self.add_unit(
            unit_id,
            UnitKind::Escalator,
            Model::Escalator(EscalatorModel::new()),
        )
        .map(|_| ())
    }

    /// Adds an automatic door cycling `cycles_per_hour` on average.
    pub fn add_door(&mut self, unit_id: &str, cycles_per_hour: f64) -> Result<(), TwinError> {
        if !(cycles_per_hour.is_finite() && cycles_per_hour >= 0.0) {
            return Err(invalid("cycles_per_hour", "must be zero or more"));
        }
        let m = DoorModel::new(cycles_per_hour, self.now, &mut self.rng);
        self.add_unit(unit_id, UnitKind::Door, Model::Door(m))
            .map(|_| ())
    }

    /// The lift group simulation, e.g. to place remote calls on it.
    pub fn group_mut(&mut self, group: usize) -> Option<&mut GroupSim> {
        self.groups.get_mut(group)
    }

    fn unit_index(&self, id: &str) -> Result<usize, TwinError> {
        self.units
            .iter()
            .position(|u| u.id == id)
            .ok_or_else(|| TwinError::UnknownUnit(id.to_owned()))
    }

    /// Injects a fault (times in simulated seconds) and returns its label.
    pub fn inject_fault(
        &mut self,
        unit_id: &str,
        kind: FaultKind,
        onset_s: f64,
        failure_s: f64,
    ) -> Result<FaultLabel, TwinError> {
        let u = self.unit_index(unit_id)?;
        let unit_kind = self.units[u].kind;
        if !kind.applies_to(unit_kind) {
            return Err(TwinError::FaultNotApplicable {
                fault: kind.to_string(),
                unit_kind: unit_kind.as_str().to_owned(),
            });
        }
        let fault = Fault::new(kind, onset_s, failure_s)?;
        self.units[u].faults.push(fault);
        let fmt = |t: f64| self.at(t).to_rfc3339_opts(SecondsFormat::Millis, true);
        let label = FaultLabel {
            unit: unit_id.to_owned(),
            unit_kind,
            kind,
            onset_s: fault.onset_s,
            failure_s: fault.failure_s,
            onset_ts: fmt(fault.onset_s),
            failure_ts: fmt(fault.failure_s),
            failure_code: kind.failure_code().to_owned(),
        };
        self.labels.push(label.clone());
        Ok(label)
    }

    /// Ground truth of every injection so far.
    pub fn labels(&self) -> &[FaultLabel] {
        &self.labels
    }

    /// A technician fixed the unit: faults cleared, back in service.
    pub fn repair(&mut self, unit_id: &str) -> Result<(), TwinError> {
        let u = self.unit_index(unit_id)?;
        let unit = &mut self.units[u];
        unit.faults.clear();
        unit.failed = false;
        unit.hot_warned = false;
        if unit.entrapment {
            unit.entrapment = false;
            self.push(
                u,
                EventBody::Alarm {
                    alarm: AlarmKind::Entrapment,
                    active: false,
                },
            );
        }
        self.set_mode(unit_id, Mode::Normal)
    }

    /// Switches the operating mode; any mode but normal takes the unit out
    /// of passenger service.
    pub fn set_mode(&mut self, unit_id: &str, mode: Mode) -> Result<(), TwinError> {
        let u = self.unit_index(unit_id)?;
        if mode == Mode::Normal && self.units[u].failed {
            return Err(invalid(
                "mode",
                "a failed unit returns to normal only through repair",
            ));
        }
        self.units[u].mode = mode;
        self.set_service(u, mode == Mode::Normal);
        self.emit_status(u);
        Ok(())
    }

    fn set_service(&mut self, u: usize, on: bool) {
        let now = self.now;
        match &mut self.units[u].model {
            Model::Elevator { group, lift, .. } => {
                let (g, l) = (*group, *lift);
                if on {
                    self.groups[g].set_effects(l, car_effects(&[], now));
                    self.groups[g].return_to_service(l);
                } else {
                    self.groups[g].take_out_of_service(l);
                }
            }
            Model::Escalator(m) => {
                if on && !m.running {
                    m.starts += 1;
                }
                m.running = on;
            }
            Model::Door(_) => {}
        }
    }

    fn push(&mut self, unit: usize, body: EventBody) {
        self.pending.push(Pending {
            t: self.now,
            unit,
            body,
        });
    }

    fn passengers(&self, u: usize) -> u32 {
        match self.units[u].model {
            Model::Elevator { group, lift, .. } => self.groups[group]
                .lift_state(lift)
                .map_or(0, |s| s.passengers),
            _ => 0,
        }
    }

    fn emit_status(&mut self, u: usize) {
        let unit = &self.units[u];
        let body = EventBody::Status {
            mode: unit.mode,
            available: unit.mode == Mode::Normal && !unit.failed,
            passengers: self.passengers(u),
        };
        self.push(u, body);
    }

    fn emit_counter(&mut self, u: usize) {
        let unit = &self.units[u];
        let (starts, run_s) = match &unit.model {
            Model::Elevator { group, lift, .. } => self.groups[*group]
                .lift_state(*lift)
                .map_or((0, 0.0), |s| (s.starts, s.run_s)),
            Model::Escalator(m) => (m.starts, m.run_s),
            Model::Door(m) => (m.cycles, m.run_s),
        };
        let body = EventBody::Counter {
            starts: unit.starts_base + starts,
            run_hours: unit.run_h_base + run_s / 3600.0,
        };
        self.push(u, body);
    }

    /// Moves simulated time forward by `dt_s` and returns the events of
    /// that span, oldest first.
    pub fn advance(&mut self, dt_s: f64) -> Vec<Event> {
        if dt_s.is_finite() && dt_s > 0.0 {
            let end = self.now + dt_s;
            while self.now < end {
                let step = self
                    .next_tick
                    .min(end)
                    .min(self.next_failure().unwrap_or(f64::INFINITY));
                let step = step.max(self.now);
                self.run_units_until(step);
                self.now = step;
                self.check_failures();
                if step >= self.next_tick {
                    self.tick();
                    self.next_tick += TICK_S;
                    self.ticks += 1;
                }
            }
        }
        self.flush()
    }

    fn next_failure(&self) -> Option<f64> {
        self.units
            .iter()
            .filter(|u| !u.failed)
            .flat_map(|u| u.faults.iter().map(|f| f.failure_s))
            .filter(|&t| t > self.now)
            .min_by(f64::total_cmp)
    }

    fn run_units_until(&mut self, step: f64) {
        for g in 0..self.groups.len() {
            self.groups[g].run_until(step);
            for obs in self.groups[g].drain_observations() {
                let u = self.lifts[g][obs.lift];
                let body = match obs.kind {
                    ObservationKind::Trip {
                        from,
                        to,
                        duration_s,
                        levelling_error_mm,
                    } => {
                        if levelling_error_mm.abs() > RELEVEL_THRESHOLD_MM {
                            self.pending.push(Pending {
                                t: obs.t,
                                unit: u,
                                body: EventBody::Fault {
                                    code: "E311".into(),
                                    severity: Severity::Minor,
                                },
                            });
                        }
                        EventBody::Trip {
                            from_floor: from,
                            to_floor: to,
                            duration_ms: (duration_s * 1000.0).round() as u32,
                            levelling_error_mm: levelling_error_mm as f32,
                        }
                    }
                    ObservationKind::DoorCycle {
                        floor,
                        open_s,
                        close_s,
                        reopens,
                        obstruction,
                    } => {
                        if reopens >= REOPEN_FAULT_AT {
                            self.pending.push(Pending {
                                t: obs.t,
                                unit: u,
                                body: EventBody::Fault {
                                    code: "E221".into(),
                                    severity: Severity::Minor,
                                },
                            });
                        }
                        EventBody::DoorCycle {
                            floor,
                            open_ms: (open_s * 1000.0).round() as u32,
                            close_ms: (close_s * 1000.0).round() as u32,
                            reopens,
                            obstruction,
                        }
                    }
                };
                self.pending.push(Pending {
                    t: obs.t,
                    unit: u,
                    body,
                });
            }
        }
        for u in 0..self.units.len() {
            let in_service = !self.units[u].failed && self.units[u].mode == Mode::Normal;
            let wear = severity_of(&self.units[u].faults, FaultKind::DoorRollerWear, self.now);
            let Model::Door(m) = &mut self.units[u].model else {
                continue;
            };
            while m.next_cycle <= step {
                let t = m.next_cycle;
                m.next_cycle = t + m.gap(&mut self.rng);
                if !in_service {
                    continue;
                }
                let close_s = DoorModel::CLOSE_S * (1.0 + 0.8 * wear) + noise(&mut self.rng, 0.05);
                let mut reopens = 0;
                while reopens < 5 && self.rng.gen::<f64>() < 0.02 + 0.45 * wear {
                    reopens += 1;
                }
                let obstruction = reopens > 0 && self.rng.gen::<f64>() < 0.05 + 0.3 * wear;
                m.cycles += 1;
                m.cycles_this_tick += 1;
                m.run_s += DoorModel::OPEN_S + close_s;
                let body = EventBody::DoorCycle {
                    floor: 0,
                    open_ms: ((DoorModel::OPEN_S + noise(&mut self.rng, 0.05)) * 1000.0).round()
                        as u32,
                    close_ms: (close_s * 1000.0).round() as u32,
                    reopens,
                    obstruction,
                };
                self.pending.push(Pending { t, unit: u, body });
                if reopens >= REOPEN_FAULT_AT {
                    self.pending.push(Pending {
                        t,
                        unit: u,
                        body: EventBody::Fault {
                            code: "E221".into(),
                            severity: Severity::Minor,
                        },
                    });
                }
            }
        }
    }

    /// Fails units whose fault reached its failure time.
    fn check_failures(&mut self) {
        let now = self.now;
        for u in 0..self.units.len() {
            if self.units[u].failed {
                continue;
            }
            let Some(f) = self.units[u].faults.iter().find(|f| f.failed(now)).copied() else {
                continue;
            };
            let trapped = match self.units[u].model {
                Model::Elevator { group, lift, .. } => self.groups[group]
                    .lift_state(lift)
                    .is_some_and(|s| s.passengers > 0),
                _ => false,
            };
            self.units[u].failed = true;
            self.units[u].mode = Mode::OutOfService;
            self.push(
                u,
                EventBody::Fault {
                    code: f.kind.failure_code().into(),
                    severity: Severity::Critical,
                },
            );
            self.set_service(u, false);
            self.emit_status(u);
            if trapped {
                self.units[u].entrapment = true;
                self.push(
                    u,
                    EventBody::Alarm {
                        alarm: AlarmKind::Entrapment,
                        active: true,
                    },
                );
            }
        }
    }

    /// Orders pending events by time, keeps each unit's timestamps
    /// non-decreasing and numbers them.
    fn flush(&mut self) -> Vec<Event> {
        let mut pending = std::mem::take(&mut self.pending);
        // Stable: events of one instant keep the order they were made in.
        pending.sort_by(|a, b| a.t.total_cmp(&b.t));
        let mut out = Vec::with_capacity(pending.len());
        for p in pending {
            let unit = &mut self.units[p.unit];
            let t = p.t.max(unit.last_t);
            unit.last_t = t;
            unit.seq += 1;
            out.push(Event {
                v: SCHEMA_VERSION,
                unit: unit.id.clone(),
                ts: self.start + Duration::milliseconds((t * 1000.0).round() as i64),
                seq: unit.seq,
                body: p.body,
            });
        }
        out
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

mod signals;

#[cfg(test)]
mod tests;
