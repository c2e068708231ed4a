//! Thresholds of the rules and the tuning of each signal's detector.
//!
//! Defaults follow common practice: ±10 mm re-levelling limit, ISO 10816
//! "unacceptable" vibration near 7 mm/s, escalator braking distances of
//! EN 115-1 (roughly 0.4–2 m per m/s of nominal speed), motor insulation
//! class limits well above normal running temperature.

use serde::{Deserialize, Serialize};

use super::robust::{DetectorConfig, Tail};

/// Everything the per-unit analytics can be tuned with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalyticsConfig {
    /// |levelling error| above this counts as a re-levelling.
    pub relevel_threshold_mm: f32,
    /// Re-levellings per hour that raise [`LevellingDrift`](super::FindingKind::LevellingDrift).
    pub relevels_per_hour: u32,
    /// Door reopens per hour that raise [`DoorReopens`](super::FindingKind::DoorReopens)...
    pub reopens_per_hour: u32,
    /// ...when they are also at least this share of the door closings in
    /// that hour: people hold doors, so a busy lift reopens several percent
    /// of its closings in normal service (20 in 200 at a peak hour); one
    /// closing in five reopened is a door problem.
    pub reopen_share: f32,
    /// Rise (mm) of the recent median |levelling error| over the unit's own
    /// baseline below which the statistical detector does not raise: load
    /// and direction move it by a millimetre or so in normal service, far
    /// inside the ±10 mm stopping accuracy of EN 81-20.
    pub levelling_rise_mm: f32,
    /// Motor temperature (°C) that is overheating at once, and the level it
    /// must fall below to clear.
    pub motor_temp_limit_c: f64,
    pub motor_temp_clear_c: f64,
    /// Rise (°C) of the recent median over the motor's own baseline below
    /// which the statistical detector does not raise: duty and ambient
    /// move a motor's temperature by several degrees in normal service.
    pub motor_temp_rise_c: f64,
    /// Trips must take at least this multiple of the unit's usual time for
    /// the distance before a slowdown is a finding (load and door dwell
    /// move trip times by a few percent in normal service).
    pub trip_slowdown_min_ratio: f32,
    /// Minutes of event time every source of a finding must stay quiet
    /// before it clears (sustained recovery, no flapping).
    pub clear_after_min: u32,
    /// Vibration (mm/s RMS) that raises, and the level that clears.
    pub vibration_limit_mm_s: f64,
    pub vibration_clear_mm_s: f64,
    /// Permitted escalator braking distance per m/s of speed (mm).
    pub braking_min_mm_per_mps: f64,
    pub braking_max_mm_per_mps: f64,
    /// Faults of one family within 24 h that raise its finding (a critical
    /// fault raises at once); 24 h without one clears it.
    pub faults_per_day: u32,
    /// Daily failure-risk score that raises [`FailureRisk`](super::FindingKind::FailureRisk),
    /// and the score it must fall below to clear.
    pub risk_raise: f64,
    pub risk_clear: f64,
    pub door_close: DetectorConfig,
    pub levelling: DetectorConfig,
    pub motor_temp: DetectorConfig,
    pub trip_time: DetectorConfig,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        // Wear signals: trouble is upwards, and the baseline is anchored
        // after learning so that slow wear (days) is measured against how
        // the unit used to behave instead of being followed.
        let upper = DetectorConfig {
            tail: Tail::Upper,
            ..DetectorConfig::anchored()
        };
        Self {
            relevel_threshold_mm: 10.0,
            relevels_per_hour: 5,
            reopens_per_hour: 20,
            reopen_share: 0.2,
            levelling_rise_mm: 1.5,
            motor_temp_limit_c: 95.0,
            motor_temp_clear_c: 85.0,
            motor_temp_rise_c: 12.0,
            clear_after_min: 120,
            trip_slowdown_min_ratio: 1.12,
            vibration_limit_mm_s: 7.1,
            vibration_clear_mm_s: 4.5,
            braking_min_mm_per_mps: 400.0,
            braking_max_mm_per_mps: 2000.0,
            faults_per_day: 3,
            risk_raise: 0.8,
            risk_clear: 0.5,
            door_close: DetectorConfig {
                min_scale: 20.0,
                seasonal: true,
                ..upper
            },
            levelling: DetectorConfig {
                min_scale: 0.5,
                ..upper
            },
            motor_temp: DetectorConfig {
                min_scale: 2.0,
                seasonal: true,
                ..upper
            },
            trip_time: DetectorConfig {
                min_scale: 0.01,
                ..upper
            },
        }
    }
}
