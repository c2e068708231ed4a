//! Simple physical models behind the sensor values: motor heating, drive
//! current and vibration, escalator speed and braking, automatic doors.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::event::EscalatorDirection;

/// Seconds between sensor samples.
pub const TICK_S: f64 = 60.0;

/// Motor temperature: first-order lag towards a target set by duty cycle
/// and overheating severity (thermal time constant of ten minutes).
pub fn next_temp(temp_c: f64, duty: f64, overheat: f64, rng: &mut ChaCha8Rng) -> f64 {
    let target = 28.0 + 35.0 * duty.clamp(0.0, 1.0) + 60.0 * overheat;
    let k = 1.0 - (-TICK_S / 600.0f64).exp();
    temp_c + (target - temp_c) * k + noise(rng, 0.3)
}

/// Zero-mean uniform noise of the given half-width.
pub fn noise(rng: &mut ChaCha8Rng, half_width: f64) -> f64 {
    (rng.gen::<f64>() * 2.0 - 1.0) * half_width
}

/// State of an escalator.
#[derive(Debug, Clone)]
pub(crate) struct EscalatorModel {
    pub direction: EscalatorDirection,
    pub running: bool,
    pub starts: u64,
    pub run_s: f64,
}

impl EscalatorModel {
    pub const NOMINAL_SPEED_MPS: f64 = 0.5;
    pub const NOMINAL_BRAKING_MM: f64 = 300.0;

    pub fn new() -> Self {
        Self {
            direction: EscalatorDirection::Up,
            running: true,
            starts: 1,
            run_s: 0.0,
        }
    }
}

/// State of an automatic door: cycles arrive as a Poisson process.
#[derive(Debug, Clone)]
pub(crate) struct DoorModel {
    pub rate_per_s: f64,
    pub next_cycle: f64,
    pub cycles: u64,
    pub run_s: f64,
    pub cycles_this_tick: u32,
}

impl DoorModel {
    pub const OPEN_S: f64 = 1.5;
    pub const CLOSE_S: f64 = 1.8;

    pub fn new(cycles_per_hour: f64, now: f64, rng: &mut ChaCha8Rng) -> Self {
        let mut m = Self {
            rate_per_s: cycles_per_hour.max(0.0) / 3600.0,
            next_cycle: f64::INFINITY,
            cycles: 0,
            run_s: 0.0,
            cycles_this_tick: 0,
        };
        m.next_cycle = now + m.gap(rng);
        m
    }

    pub fn gap(&self, rng: &mut ChaCha8Rng) -> f64 {
        if self.rate_per_s <= 0.0 {
            return f64::INFINITY;
        }
        -(1.0 - rng.gen::<f64>()).ln() / self.rate_per_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn motor_heats_towards_its_target_and_overheating_raises_it() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut healthy = 28.0;
        let mut hot = 28.0;
        for _ in 0..120 {
            healthy = next_temp(healthy, 0.5, 0.0, &mut rng);
            hot = next_temp(hot, 0.5, 1.0, &mut rng);
        }
        assert!((healthy - 45.5).abs() < 2.0, "healthy {healthy}");
        assert!(hot > 95.0, "hot {hot}");
    }
}
