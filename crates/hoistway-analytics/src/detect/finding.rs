//! What the analytics tell the service desk: findings and their lifecycle.
//!
//! There is at most one open finding per `(unit, kind)`. The engine emits
//! [`FindingStatus::Raised`] once when it opens, [`FindingStatus::Updated`]
//! when its severity rises, and [`FindingStatus::Cleared`] when the signal
//! has recovered, so the desk can open one case, update it instead of
//! duplicating it, and close or downgrade it.

use serde::{Deserialize, Serialize};

use crate::event::UnitKey;

/// What kind of trouble a finding is about. One case per (unit, kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Passengers trapped: an emergency, raised at once.
    Entrapment,
    /// The car's emergency phone was used.
    EmergencyPhone,
    /// Door close time drifting above the unit's own baseline.
    DoorWear,
    /// Too many door reopens per hour (sensors, sill, obstruction).
    DoorReopens,
    /// Levelling error drifting, or too many re-levellings per hour.
    LevellingDrift,
    /// Motor temperature above its limit or drifting above baseline.
    MotorOverheat,
    /// Trips taking longer than the unit's own baseline for the distance.
    TripSlowdown,
    /// Vibration above the acceptable limit.
    Vibration,
    /// Escalator braking distance outside the permitted range.
    EscalatorBraking,
    DriveFaults,
    DoorFaults,
    BrakeFaults,
    SafetyCircuitFaults,
    ControllerFaults,
    EscalatorFaults,
    OtherFaults,
    /// No telemetry for longer than the offline threshold.
    Offline,
    /// The learned failure-risk score is high.
    FailureRisk,
}

impl FindingKind {
    pub const ALL: [FindingKind; 18] = [
        Self::Entrapment,
        Self::EmergencyPhone,
        Self::DoorWear,
        Self::DoorReopens,
        Self::LevellingDrift,
        Self::MotorOverheat,
        Self::TripSlowdown,
        Self::Vibration,
        Self::EscalatorBraking,
        Self::DriveFaults,
        Self::DoorFaults,
        Self::BrakeFaults,
        Self::SafetyCircuitFaults,
        Self::ControllerFaults,
        Self::EscalatorFaults,
        Self::OtherFaults,
        Self::Offline,
        Self::FailureRisk,
    ];

    /// The wire name, as serde writes it (`door_reopens`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entrapment => "entrapment",
            Self::EmergencyPhone => "emergency_phone",
            Self::DoorWear => "door_wear",
            Self::DoorReopens => "door_reopens",
            Self::LevellingDrift => "levelling_drift",
            Self::MotorOverheat => "motor_overheat",
            Self::TripSlowdown => "trip_slowdown",
            Self::Vibration => "vibration",
            Self::EscalatorBraking => "escalator_braking",
            Self::DriveFaults => "drive_faults",
            Self::DoorFaults => "door_faults",
            Self::BrakeFaults => "brake_faults",
            Self::SafetyCircuitFaults => "safety_circuit_faults",
            Self::ControllerFaults => "controller_faults",
            Self::EscalatorFaults => "escalator_faults",
            Self::OtherFaults => "other_faults",
            Self::Offline => "offline",
            Self::FailureRisk => "failure_risk",
        }
    }

    /// Dense index, for per-unit bit sets.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the desk should treat it as an emergency (passengers involved).
    pub fn is_emergency(self) -> bool {
        matches!(self, Self::Entrapment)
    }
}

/// How urgent a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

/// Where a finding is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Newly opened: open a case.
    Raised,
    /// Still open, severity changed: update the case.
    Updated,
    /// Recovered: close or downgrade the case.
    Cleared,
}

/// The measured signal behind a statistical finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Signal name, e.g. `door_close_ms`.
    pub signal: String,
    /// Recent typical value (median of the last samples) or the value seen.
    pub observed: f64,
    /// What the unit's own history says is normal (or the fixed limit).
    pub baseline: f64,
    /// Distance from baseline in robust standard deviations, when
    /// statistical.
    pub deviation_sigma: Option<f64>,
}

/// One finding update for the service desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub unit: UnitKey,
    pub kind: FindingKind,
    pub status: FindingStatus,
    pub severity: Severity,
    /// Human-readable: which signal, how far from baseline.
    pub explanation: String,
    pub likely_fault: String,
    pub suggested_spares: Vec<String>,
    pub evidence: Option<Evidence>,
    /// Event time that triggered the update, epoch milliseconds.
    pub ts_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for k in FindingKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str(), "{k:?}");
        }
    }
}
