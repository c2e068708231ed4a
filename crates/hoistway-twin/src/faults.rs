//! Faults with an onset and a progression, and their ground-truth labels.
//!
//! A fault is silent before its onset, degrades the unit along
//! `s(t) = ((t - onset) / (failure - onset))²` (slow at first, then
//! accelerating, as wear does) and fails the unit at its failure time. The
//! label records kind, onset and failure so analytics can be scored on how
//! early they warned (lead time before failure).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{invalid, TwinError};
use crate::sim::CarEffects;

/// Kinds of equipment the telemetry twin simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Elevator,
    Escalator,
    Door,
}

impl UnitKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Elevator => "elevator",
            Self::Escalator => "escalator",
            Self::Door => "door",
        }
    }
}

/// Kinds of injectable faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Door close time drifts up and reopens become frequent.
    DoorRollerWear,
    /// Stopping errors grow until cars re-level at most stops.
    LevellingDrift,
    /// Motor temperature trends upwards.
    OverheatingMotor,
    /// Minor drive faults come in bursts of growing frequency.
    DriveFaultBursts,
    /// No precursor: the unit stops at the failure time.
    SuddenBreakdown,
    /// Escalator brake: braking distance grows.
    BrakeWear,
}

impl FaultKind {
    pub const ALL: [FaultKind; 6] = [
        Self::DoorRollerWear,
        Self::LevellingDrift,
        Self::OverheatingMotor,
        Self::DriveFaultBursts,
        Self::SuddenBreakdown,
        Self::BrakeWear,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::DoorRollerWear => "door_roller_wear",
            Self::LevellingDrift => "levelling_drift",
            Self::OverheatingMotor => "overheating_motor",
            Self::DriveFaultBursts => "drive_fault_bursts",
            Self::SuddenBreakdown => "sudden_breakdown",
            Self::BrakeWear => "brake_wear",
        }
    }

    /// Fault code reported when the fault fails the unit.
    pub fn failure_code(&self) -> &'static str {
        match self {
            Self::DoorRollerWear => "E220",
            Self::LevellingDrift => "E310",
            Self::OverheatingMotor => "E501",
            Self::DriveFaultBursts => "E401",
            Self::SuddenBreakdown => "E900",
            Self::BrakeWear => "E610",
        }
    }

    pub fn applies_to(&self, unit: UnitKind) -> bool {
        matches!(
            (self, unit),
            (
                Self::SuddenBreakdown | Self::OverheatingMotor | Self::DriveFaultBursts,
                _
            ) | (Self::DoorRollerWear, UnitKind::Elevator | UnitKind::Door)
                | (Self::LevellingDrift, UnitKind::Elevator)
                | (Self::BrakeWear, UnitKind::Escalator)
        )
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaultKind {
    type Err = TwinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == norm)
            .ok_or_else(|| invalid("fault", format!("unknown fault kind {s:?}")))
    }
}

/// A fault injected into one unit; times are simulated seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    pub kind: FaultKind,
    pub onset_s: f64,
    pub failure_s: f64,
}

impl Fault {
    /// A sudden breakdown has no precursor, so its onset is its failure.
    pub fn new(kind: FaultKind, onset_s: f64, failure_s: f64) -> Result<Self, TwinError> {
        if !(onset_s.is_finite() && onset_s >= 0.0) {
            return Err(invalid(
                "onset_s",
                format!("must be a time of zero or more, got {onset_s}"),
            ));
        }
        if !(failure_s.is_finite() && failure_s >= onset_s) {
            return Err(invalid(
                "failure_s",
                format!("must not be before the onset ({onset_s}), got {failure_s}"),
            ));
        }
        let onset_s = if kind == FaultKind::SuddenBreakdown {
            failure_s
        } else {
            onset_s
        };
        Ok(Self {
            kind,
            onset_s,
            failure_s,
        })
    }

    /// Degradation from 0 (healthy) to 1 (failed) at time `t`.
    pub fn severity(&self, t: f64) -> f64 {
        if t < self.onset_s {
            0.0
        } else if t >= self.failure_s {
            1.0
        } else {
            let x = (t - self.onset_s) / (self.failure_s - self.onset_s);
            x * x
        }
    }

    pub fn failed(&self, t: f64) -> bool {
        t >= self.failure_s
    }
}

/// Ground truth of one injection, for scoring analytics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultLabel {
    pub unit: String,
    pub unit_kind: UnitKind,
    pub kind: FaultKind,
    pub onset_s: f64,
    pub failure_s: f64,
    /// RFC 3339 UTC instants derived from the twin's start.
    pub onset_ts: String,
    pub failure_ts: String,
    /// Code of the fault event sent at failure.
    pub failure_code: String,
}

/// Greatest severity at `t` of the faults of one kind.
pub fn severity_of(faults: &[Fault], kind: FaultKind, t: f64) -> f64 {
    faults
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.severity(t))
        .fold(0.0, f64::max)
}

/// Healthy door reopen rate of a lift in service (people hold doors).
pub const BASE_REOPEN_PROB: f64 = 0.03;

/// How an elevator's faults bend its car at time `t`.
pub fn car_effects(faults: &[Fault], t: f64) -> CarEffects {
    let door = severity_of(faults, FaultKind::DoorRollerWear, t);
    let lev = severity_of(faults, FaultKind::LevellingDrift, t);
    CarEffects {
        door_close_factor: 1.0 + 0.8 * door,
        reopen_prob: BASE_REOPEN_PROB + 0.45 * door,
        obstruction_prob: 0.05 + 0.3 * door,
        levelling_sigma_mm: 1.5 + 3.0 * lev,
        levelling_bias_mm: 18.0 * lev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_rises_from_onset_to_failure() {
        let f = Fault::new(FaultKind::DoorRollerWear, 100.0, 300.0).unwrap();
        assert_eq!(f.severity(50.0), 0.0);
        assert!((f.severity(200.0) - 0.25).abs() < 1e-12);
        assert_eq!(f.severity(300.0), 1.0);
        assert!(!f.failed(299.0) && f.failed(300.0));
        let mut last = 0.0;
        for t in (100..=300).step_by(10) {
            let s = f.severity(f64::from(t));
            assert!(s >= last);
            last = s;
        }
    }

    #[test]
    fn sudden_breakdown_has_no_precursor() {
        let f = Fault::new(FaultKind::SuddenBreakdown, 10.0, 500.0).unwrap();
        assert_eq!(f.onset_s, 500.0);
        assert_eq!(f.severity(499.0), 0.0);
    }

    #[test]
    fn refuses_failure_before_onset_and_parses_names() {
        assert!(Fault::new(FaultKind::BrakeWear, 10.0, 5.0).is_err());
        assert!(Fault::new(FaultKind::BrakeWear, f64::NAN, 5.0).is_err());
        assert_eq!(
            "door-roller-wear".parse::<FaultKind>().unwrap(),
            FaultKind::DoorRollerWear
        );
        assert!("rust".parse::<FaultKind>().is_err());
        assert!(!FaultKind::LevellingDrift.applies_to(UnitKind::Escalator));
        assert!(FaultKind::BrakeWear.applies_to(UnitKind::Escalator));
    }

    #[test]
    fn door_wear_slows_doors_and_levelling_drift_biases_stops() {
        let faults = [
            Fault::new(FaultKind::DoorRollerWear, 0.0, 100.0).unwrap(),
            Fault::new(FaultKind::LevellingDrift, 0.0, 100.0).unwrap(),
        ];
        let early = car_effects(&faults, 10.0);
        let late = car_effects(&faults, 90.0);
        assert!(late.door_close_factor > early.door_close_factor);
        assert!(late.reopen_prob > early.reopen_prob);
        assert!(late.levelling_bias_mm > 10.0 && early.levelling_bias_mm < 1.0);
    }
}
