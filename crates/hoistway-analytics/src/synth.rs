//! Seeded synthetic telemetry for tests, benchmarks and demos.
//!
//! Not a simulator (that is the twin's job): a cheap, deterministic stream
//! with a realistic mix of kinds and plausible values, so benchmarks measure
//! the decoder and pipeline on what devices actually send.

use crate::event::*;

/// SplitMix64: tiny, fast, and good enough for test data. Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Standard normal (Box–Muller).
    pub fn gauss(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// A fleet of units emitting a realistic event mix.
#[derive(Debug, Clone)]
pub struct Fleet {
    rng: Rng,
    units: Vec<(UnitKey, u64, i32)>,
    ts_ms: i64,
    step_ms: i64,
}

impl Fleet {
    /// `units` elevators starting at `start_ms`; on average one event every
    /// `step_ms` across the fleet.
    pub fn new(seed: u64, units: usize, start_ms: i64, step_ms: i64) -> Self {
        let units = (0..units.max(1))
            .map(|i| {
                let key = UnitKey::parse(&format!("EL-{:05}", 10_000 + i))
                    .expect("generated unit keys are valid");
                (key, 1, 0)
            })
            .collect();
        Self {
            rng: Rng::new(seed),
            units,
            ts_ms: start_ms,
            step_ms: step_ms.max(1),
        }
    }

    /// The next event. Mix: trips and door cycles dominate, sensors sample
    /// steadily, status and counters are occasional, faults and alarms rare.
    pub fn next_event(&mut self) -> Event {
        let r = &mut self.rng;
        self.ts_ms += 1 + r.below(2 * self.step_ms as u64) as i64;
        let u = r.below(self.units.len() as u64) as usize;
        let (unit, seq, floor) = &mut self.units[u];
        *seq += 1;
        let roll = r.below(1000);
        let body = match roll {
            0..=349 => {
                let to = r.below(12) as i32;
                let from = *floor;
                *floor = to;
                let floors = (to - from).unsigned_abs();
                EventBody::Trip(Trip {
                    from_floor: from,
                    to_floor: to,
                    duration_ms: 4000 + 1500 * floors + r.below(800) as u32,
                    levelling_error_mm: (r.gauss() * 3.0) as f32,
                })
            }
            350..=699 => EventBody::DoorCycle(DoorCycle {
                floor: *floor,
                open_ms: 2500 + r.below(2000) as u32,
                close_ms: (3000.0 + r.gauss() * 150.0).max(500.0) as u32,
                reopens: u32::from(r.below(10) == 0),
                obstruction: r.below(50) == 0,
            }),
            700..=899 => {
                let (name, value) = match r.below(3) {
                    0 => (SensorName::MotorTempC, 45.0 + r.gauss() * 2.0),
                    1 => (SensorName::VibrationMmS, 1.5 + r.gauss().abs() * 0.3),
                    _ => (SensorName::DriveCurrentA, 18.0 + r.gauss() * 3.0),
                };
                EventBody::Sensor(Sensor { name, value })
            }
            900..=959 => EventBody::Status(Status {
                mode: Mode::Normal,
                available: r.below(50) != 0,
                passengers: Some(r.below(6) as u32),
            }),
            960..=989 => EventBody::Counter(Counter {
                starts: *seq * 3,
                run_hours: *seq as f64 * 0.01,
            }),
            990..=997 => EventBody::Fault(Fault {
                code: ["DRV_OVERCURRENT", "DOOR_LOCK", "CTL_COMM"][r.below(3) as usize].into(),
                severity: FaultSeverity::Minor,
            }),
            _ => EventBody::Alarm(Alarm {
                alarm: AlarmKind::EmergencyPhone,
                active: r.below(2) == 0,
            }),
        };
        Event {
            unit: unit.clone(),
            ts_ms: self.ts_ms,
            seq: *seq,
            body,
        }
    }
}

impl Iterator for Fleet {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        Some(self.next_event())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_mixed() {
        let a: Vec<Event> = Fleet::new(7, 5, 0, 1000).take(2000).collect();
        let b: Vec<Event> = Fleet::new(7, 5, 0, 1000).take(2000).collect();
        assert_eq!(a, b);
        let trips = a
            .iter()
            .filter(|e| matches!(e.body, EventBody::Trip(_)))
            .count();
        assert!((500..900).contains(&trips), "{trips}");
        assert!(a.windows(2).all(|w| w[0].ts_ms < w[1].ts_ms));
    }

    #[test]
    fn gauss_has_unit_variance() {
        let mut r = Rng::new(1);
        let xs: Vec<f64> = (0..20_000).map(|_| r.gauss()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(
            mean.abs() < 0.05 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }
}
