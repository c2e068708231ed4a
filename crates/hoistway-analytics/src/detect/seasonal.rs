//! Hour-of-week seasonal profile in 200 bytes.
//!
//! The signal is modelled as slow level + weekly pattern + noise. The level
//! is an exponential average with a one-day time constant; the profile holds,
//! per hour of the week, the median of `value - level`, kept as a signed
//! byte count of quanta and updated frugally (one quantum towards each
//! sample, at most once per `MIN_UPDATE_MS`). Frugal updates estimate a
//! median, so spikes barely move it, and the rate limit means a sudden shift
//! cannot be learned as "seasonal" within the hour it appears. Because the
//! profile is taken relative to the moving level, a slow drift of the whole
//! signal stays out of the profile and remains visible to the detectors.

use crate::time::{hour_of_week, DAY_MS};

const HOURS: usize = 168;
/// Fastest the profile may move: one quantum per 5 minutes per signal.
const MIN_UPDATE_MS: i64 = 5 * 60 * 1000;
/// Time constant of the level average.
const LEVEL_TAU_MS: f64 = DAY_MS as f64;

/// Weekly pattern of one signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Seasonal {
    /// Signal units per profile step; 0 until the detector's baseline exists.
    quantum: f32,
    level: f32,
    level_ts: i64,
    last_update_ts: i64,
    profile: [i8; HOURS],
}

impl Default for Seasonal {
    fn default() -> Self {
        Self {
            quantum: 0.0,
            level: 0.0,
            level_ts: i64::MIN,
            last_update_ts: i64::MIN,
            profile: [0; HOURS],
        }
    }
}

impl Seasonal {
    /// Starts learning with a step size fitted to the signal's spread.
    pub fn start(&mut self, level: f32, scale: f32, ts_ms: i64) {
        self.quantum = (scale / 8.0).max(f32::MIN_POSITIVE);
        self.level = level;
        self.level_ts = ts_ms;
    }

    pub fn is_started(&self) -> bool {
        self.quantum > 0.0
    }

    /// Expected seasonal offset at `ts_ms`.
    pub fn offset(&self, ts_ms: i64) -> f32 {
        f32::from(self.profile[hour_of_week(ts_ms)]) * self.quantum
    }

    /// Learns from one raw sample. `typical` says whether the sample looked
    /// normal to the detector; atypical samples only move the level.
    pub fn learn(&mut self, x: f32, ts_ms: i64, typical: bool) {
        if !self.is_started() {
            return;
        }
        if ts_ms > self.level_ts {
            let dt = (ts_ms - self.level_ts) as f64;
            let a = (1.0 - (-dt / LEVEL_TAU_MS).exp()) as f32;
            self.level += a * (x - self.level);
            self.level_ts = ts_ms;
        }
        if !typical || ts_ms.saturating_sub(self.last_update_ts) < MIN_UPDATE_MS {
            return;
        }
        self.last_update_ts = ts_ms;
        let h = hour_of_week(ts_ms);
        let target = x - self.level;
        let current = f32::from(self.profile[h]) * self.quantum;
        if target > current + self.quantum / 2.0 {
            self.profile[h] = self.profile[h].saturating_add(1);
        } else if target < current - self.quantum / 2.0 {
            self.profile[h] = self.profile[h].saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR_MS;

    #[test]
    fn learns_a_daily_pattern_and_ignores_nothing_else() {
        let mut s = Seasonal::default();
        let t0 = 1_704_067_200_000; // Monday 2024-01-01
        s.start(50.0, 1.0, t0);
        // Four weeks of samples every 5 minutes: +4 during 12:00-13:00 daily.
        let step = 5 * 60 * 1000;
        let mut t = t0;
        while t < t0 + 28 * DAY_MS {
            let hour = (t / HOUR_MS) % 24;
            let x = if hour == 12 { 54.0 } else { 50.0 };
            s.learn(x, t, true);
            t += step;
        }
        let noon = t0 + 12 * HOUR_MS + 30 * 60 * 1000;
        let night = t0 + 3 * HOUR_MS;
        assert!(s.offset(noon) > 2.5, "noon offset {}", s.offset(noon));
        assert!(
            s.offset(night).abs() < 0.5,
            "night offset {}",
            s.offset(night)
        );
    }
}
