//! Telemetry event schema v1: the typed form of one device event.
//!
//! On the wire an event is one flat JSON object (`unit`, `ts`, `seq`, `kind`
//! and the kind's own fields side by side); see [`crate::decode`] for the
//! reader and [`crate::encode`] for the writer. In memory the kind's fields
//! live in [`EventBody`] so a value that exists is always well formed.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The only schema version this crate reads and writes.
pub const SCHEMA_VERSION: u64 = 1;

/// Longest unit key accepted; keys are equipment ids, not free text, and a
/// cap keeps per-unit maps from being fed megabyte keys.
pub const MAX_UNIT_LEN: usize = 128;

/// Identity of one unit (elevator, escalator, door) as devices name it.
///
/// A newtype over `String` rather than an interned id: the decoder borrows the
/// key from the input while validating, and owning it here keeps [`Event`]
/// free of lifetimes for the server's channels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitKey(String);

/// Why a unit key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitKeyError {
    #[error("unit must not be empty")]
    Empty,
    #[error("unit is longer than {MAX_UNIT_LEN} bytes")]
    TooLong,
    #[error("unit must not contain control characters")]
    Control,
}

impl UnitKey {
    /// Validates and wraps a unit key.
    pub fn parse(s: &str) -> Result<Self, UnitKeyError> {
        Self::check(s)?;
        Ok(Self(s.to_owned()))
    }

    /// The checks of [`UnitKey::parse`] without allocating.
    pub fn check(s: &str) -> Result<(), UnitKeyError> {
        if s.is_empty() {
            return Err(UnitKeyError::Empty);
        }
        if s.len() > MAX_UNIT_LEN {
            return Err(UnitKeyError::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(UnitKeyError::Control);
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitKey {
    type Error = UnitKeyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::check(&s)?;
        Ok(Self(s))
    }
}

impl From<UnitKey> for String {
    fn from(k: UnitKey) -> Self {
        k.0
    }
}

impl Borrow<str> for UnitKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One decoded telemetry event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub unit: UnitKey,
    /// Device timestamp, milliseconds since the Unix epoch (UTC).
    pub ts_ms: i64,
    /// Per-unit sequence number; duplicates are dropped by [`crate::dedupe`].
    pub seq: u64,
    pub body: EventBody,
}

/// The kind-specific part of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    Trip(Trip),
    DoorCycle(DoorCycle),
    Status(Status),
    Sensor(Sensor),
    Fault(Fault),
    Alarm(Alarm),
    Counter(Counter),
    Escalator(Escalator),
}

impl EventBody {
    /// The wire name of the kind (`"trip"`, `"door_cycle"`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Trip(_) => "trip",
            Self::DoorCycle(_) => "door_cycle",
            Self::Status(_) => "status",
            Self::Sensor(_) => "sensor",
            Self::Fault(_) => "fault",
            Self::Alarm(_) => "alarm",
            Self::Counter(_) => "counter",
            Self::Escalator(_) => "escalator",
        }
    }
}

/// A car run from one floor to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    pub from_floor: i32,
    pub to_floor: i32,
    pub duration_ms: u32,
    /// Signed stopping error at the landing; positive is above the sill.
    pub levelling_error_mm: f32,
}

/// One open-close cycle of the car door.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoorCycle {
    pub floor: i32,
    pub open_ms: u32,
    pub close_ms: u32,
    pub reopens: u32,
    pub obstruction: bool,
}

/// Operating mode as the controller reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Normal,
    OutOfService,
    Inspection,
    Fire,
    Maintenance,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::Normal,
        Mode::OutOfService,
        Mode::Inspection,
        Mode::Fire,
        Mode::Maintenance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::OutOfService => "out_of_service",
            Self::Inspection => "inspection",
            Self::Fire => "fire",
            Self::Maintenance => "maintenance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A status report: mode, availability and (optionally) the car load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Status {
    pub mode: Mode,
    pub available: bool,
    pub passengers: Option<u32>,
}

/// Sensor names the analytics understand; others are carried through.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SensorName {
    MotorTempC,
    VibrationMmS,
    DriveCurrentA,
    Other(String),
}

impl SensorName {
    pub fn parse(s: &str) -> Self {
        match s {
            "motor_temp_c" => Self::MotorTempC,
            "vibration_mm_s" => Self::VibrationMmS,
            "drive_current_a" => Self::DriveCurrentA,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::MotorTempC => "motor_temp_c",
            Self::VibrationMmS => "vibration_mm_s",
            Self::DriveCurrentA => "drive_current_a",
            Self::Other(s) => s,
        }
    }
}

/// One sensor sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    pub name: SensorName,
    pub value: f64,
}

/// Fault severity as the controller grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultSeverity {
    Minor,
    Major,
    Critical,
}

impl FaultSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "minor" => Some(Self::Minor),
            "major" => Some(Self::Major),
            "critical" => Some(Self::Critical),
            _ => None,
        }
    }
}

/// A fault code logged by the controller.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub code: String,
    pub severity: FaultSeverity,
}

/// Alarms that reach a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    Entrapment,
    EmergencyPhone,
}

impl AlarmKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entrapment => "entrapment",
            Self::EmergencyPhone => "emergency_phone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "entrapment" => Some(Self::Entrapment),
            "emergency_phone" => Some(Self::EmergencyPhone),
            _ => None,
        }
    }
}

/// An alarm raised or cleared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alarm {
    pub alarm: AlarmKind,
    pub active: bool,
}

/// Absolute life counters of the machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counter {
    pub starts: u64,
    pub run_hours: f64,
}

/// Escalator travel direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Stopped,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Down => "down",
            Self::Stopped => "stopped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "up" => Some(Self::Up),
            "down" => Some(Self::Down),
            "stopped" => Some(Self::Stopped),
            _ => None,
        }
    }
}

/// An escalator run report, including the last measured braking distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Escalator {
    pub direction: Direction,
    pub speed_mps: f64,
    pub braking_distance_mm: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_key_refuses_bad_keys() {
        assert_eq!(UnitKey::parse(""), Err(UnitKeyError::Empty));
        assert_eq!(
            UnitKey::parse(&"x".repeat(MAX_UNIT_LEN + 1)),
            Err(UnitKeyError::TooLong)
        );
        assert_eq!(UnitKey::parse("a\nb"), Err(UnitKeyError::Control));
        assert_eq!(UnitKey::parse("EL-42").unwrap().as_str(), "EL-42");
    }

    #[test]
    fn enum_names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Mode::parse("sleeping"), None);
        for s in [
            FaultSeverity::Minor,
            FaultSeverity::Major,
            FaultSeverity::Critical,
        ] {
            assert_eq!(FaultSeverity::parse(s.as_str()), Some(s));
        }
        for d in [Direction::Up, Direction::Down, Direction::Stopped] {
            assert_eq!(Direction::parse(d.as_str()), Some(d));
        }
        assert_eq!(SensorName::parse("humidity").as_str(), "humidity");
        assert_eq!(SensorName::parse("motor_temp_c"), SensorName::MotorTempC);
    }
}
