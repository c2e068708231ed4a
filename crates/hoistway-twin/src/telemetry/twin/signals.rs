//! Per-tick signal sampling of the telemetry twin: sensors, doors and
//! escalators drift with their injected faults.

use super::super::event::{EscalatorDirection, EventBody, Mode, SensorName, Severity};
use super::super::models::{next_temp, noise, DoorModel, EscalatorModel, TICK_S};
use super::*;
use crate::faults::{car_effects, severity_of, Fault, FaultKind, UnitKind};
use rand::Rng;

impl TelemetryTwin {
    /// Sensor sampling, fault progression into the car models, heartbeats.
    pub(super) fn tick(&mut self) {
        let now = self.now;
        for u in 0..self.units.len() {
            let faults = self.units[u].faults.clone();
            let failed = self.units[u].failed;
            let in_service = !failed && self.units[u].mode == Mode::Normal;
            let overheat = severity_of(&faults, FaultKind::OverheatingMotor, now);
            let drive = severity_of(&faults, FaultKind::DriveFaultBursts, now);
            let (duty, load) = match &mut self.units[u].model {
                Model::Elevator {
                    group,
                    lift,
                    last_run_s,
                } => {
                    let (g, l) = (*group, *lift);
                    if in_service {
                        self.groups[g].set_effects(l, car_effects(&faults, now));
                    }
                    let st = self.groups[g].lift_state(l);
                    let run = st.as_ref().map_or(0.0, |s| s.run_s);
                    let duty = ((run - *last_run_s) / TICK_S).clamp(0.0, 1.0);
                    *last_run_s = run;
                    (duty, st.map_or(0.0, |s| f64::from(s.passengers)))
                }
                Model::Escalator(m) => {
                    if m.running {
                        m.run_s += TICK_S;
                    }
                    (if m.running { 0.6 } else { 0.0 }, 0.0)
                }
                Model::Door(m) => {
                    let d = f64::from(m.cycles_this_tick)
                        * (DoorModel::OPEN_S + DoorModel::CLOSE_S)
                        / TICK_S;
                    m.cycles_this_tick = 0;
                    (d, 0.0)
                }
            };
            let temp = next_temp(self.units[u].temp_c, duty, overheat, &mut self.rng);
            self.units[u].temp_c = temp;
            self.push(
                u,
                EventBody::Sensor {
                    name: SensorName::MotorTempC,
                    value: round2(temp),
                },
            );
            let kind = self.units[u].kind;
            let spike = if drive > 0.0 {
                drive * 20.0 * self.rng.gen::<f64>()
            } else {
                0.0
            };
            let current = match kind {
                UnitKind::Elevator => 8.0 + 1.5 * load + 14.0 * duty,
                UnitKind::Escalator => 6.0 + 10.0 * duty,
                UnitKind::Door => 0.4 + 1.2 * duty,
            } + spike
                + noise(&mut self.rng, 0.3);
            self.push(
                u,
                EventBody::Sensor {
                    name: SensorName::DriveCurrentA,
                    value: round2(current.max(0.0)),
                },
            );
            if kind != UnitKind::Door {
                let vib = 0.5 + 0.6 * duty + 2.5 * drive + noise(&mut self.rng, 0.1);
                self.push(
                    u,
                    EventBody::Sensor {
                        name: SensorName::VibrationMmS,
                        value: round2(vib.max(0.0)),
                    },
                );
            }
            self.warn_hot(u, temp);
            if in_service && drive > 0.0 && self.rng.gen::<f64>() < 0.6 * drive {
                // A burst: several minor drive faults within a few seconds.
                let n = self.rng.gen_range(2..=5);
                for k in 0..n {
                    self.pending.push(Pending {
                        t: now + 0.25 * f64::from(k),
                        unit: u,
                        body: EventBody::Fault {
                            code: "E402".into(),
                            severity: Severity::Minor,
                        },
                    });
                }
            }
            if kind == UnitKind::Escalator {
                self.escalator_event(u, &faults);
            }
            if self.ticks % STATUS_EVERY == STATUS_EVERY - 1 {
                self.emit_status(u);
            }
            if self.ticks % COUNTER_EVERY == COUNTER_EVERY - 1 {
                self.emit_counter(u);
            }
        }
    }

    fn warn_hot(&mut self, u: usize, temp: f64) {
        let unit = &mut self.units[u];
        if temp > HOT_C && !unit.hot_warned {
            unit.hot_warned = true;
            self.push(
                u,
                EventBody::Fault {
                    code: "E502".into(),
                    severity: Severity::Major,
                },
            );
        } else if temp < HOT_C - 10.0 {
            unit.hot_warned = false;
        }
    }

    fn escalator_event(&mut self, u: usize, faults: &[Fault]) {
        let brake = severity_of(faults, FaultKind::BrakeWear, self.now);
        let drive = severity_of(faults, FaultKind::DriveFaultBursts, self.now);
        let Model::Escalator(m) = &self.units[u].model else {
            return;
        };
        let (direction, running) = (m.direction, m.running);
        let speed = if running {
            EscalatorModel::NOMINAL_SPEED_MPS + noise(&mut self.rng, 0.004 + 0.02 * drive)
        } else {
            0.0
        };
        let braking =
            EscalatorModel::NOMINAL_BRAKING_MM + 450.0 * brake + noise(&mut self.rng, 8.0);
        self.push(
            u,
            EventBody::Escalator {
                direction: if running {
                    direction
                } else {
                    EscalatorDirection::Stopped
                },
                speed_mps: round3(speed),
                braking_distance_mm: round2(braking),
            },
        );
    }
}
