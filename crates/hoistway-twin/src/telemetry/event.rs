//! Device event schema v1 as the twin writes it.
//!
//! One JSON object per event: `v`, `unit`, `ts` (RFC 3339 UTC, milliseconds),
//! `seq` (per unit, strictly increasing) and `kind`, with the kind's fields
//! flat beside them. Field names are a contract with the analytics reader.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};

/// Schema version written in every event.
pub const SCHEMA_VERSION: u8 = 1;

/// One telemetry event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub v: u8,
    pub unit: String,
    #[serde(serialize_with = "rfc3339_millis")]
    pub ts: DateTime<Utc>,
    pub seq: u64,
    #[serde(flatten)]
    pub body: EventBody,
}

fn rfc3339_millis<S: Serializer>(ts: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ts.to_rfc3339_opts(SecondsFormat::Millis, true))
}

impl Event {
    /// The event as one line of newline-delimited JSON (without the newline).
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Kind-specific fields; the variant name is the `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventBody {
    Trip {
        from_floor: i32,
        to_floor: i32,
        duration_ms: u32,
        levelling_error_mm: f32,
    },
    DoorCycle {
        floor: i32,
        open_ms: u32,
        close_ms: u32,
        reopens: u32,
        obstruction: bool,
    },
    Status {
        mode: Mode,
        available: bool,
        passengers: u32,
    },
    Sensor {
        name: SensorName,
        value: f64,
    },
    Fault {
        code: String,
        severity: Severity,
    },
    Alarm {
        alarm: AlarmKind,
        active: bool,
    },
    Counter {
        starts: u64,
        run_hours: f64,
    },
    Escalator {
        direction: EscalatorDirection,
        speed_mps: f64,
        braking_distance_mm: f64,
    },
}

impl EventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Trip { .. } => "trip",
            Self::DoorCycle { .. } => "door_cycle",
            Self::Status { .. } => "status",
            Self::Sensor { .. } => "sensor",
            Self::Fault { .. } => "fault",
            Self::Alarm { .. } => "alarm",
            Self::Counter { .. } => "counter",
            Self::Escalator { .. } => "escalator",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Normal,
    OutOfService,
    Inspection,
    Fire,
    Maintenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SensorName {
    #[serde(rename = "motor_temp_c")]
    MotorTempC,
    #[serde(rename = "vibration_mm_s")]
    VibrationMmS,
    #[serde(rename = "drive_current_a")]
    DriveCurrentA,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    Entrapment,
    EmergencyPhone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalatorDirection {
    Up,
    Down,
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn keys(e: &Event) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    fn ev(body: EventBody) -> Event {
        Event {
            v: SCHEMA_VERSION,
            unit: "ken:100001".into(),
            ts: Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).unwrap()
                + chrono::Duration::milliseconds(1500),
            seq: 7,
            body,
        }
    }

    fn with_common(extra: &[&str]) -> Vec<String> {
        let mut k: Vec<String> = ["v", "unit", "ts", "seq", "kind"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect();
        k.sort();
        k
    }

    #[test]
    fn every_kind_has_exactly_its_fields() {
        let cases = [
            (
                ev(EventBody::Trip {
                    from_floor: 0,
                    to_floor: 5,
                    duration_ms: 9000,
                    levelling_error_mm: 2.5,
                }),
                vec![
                    "from_floor",
                    "to_floor",
                    "duration_ms",
                    "levelling_error_mm",
                ],
            ),
            (
                ev(EventBody::DoorCycle {
                    floor: 3,
                    open_ms: 2400,
                    close_ms: 3200,
                    reopens: 1,
                    obstruction: false,
                }),
                vec!["floor", "open_ms", "close_ms", "reopens", "obstruction"],
            ),
            (
                ev(EventBody::Status {
                    mode: Mode::OutOfService,
                    available: false,
                    passengers: 0,
                }),
                vec!["mode", "available", "passengers"],
            ),
            (
                ev(EventBody::Sensor {
                    name: SensorName::VibrationMmS,
                    value: 0.7,
                }),
                vec!["name", "value"],
            ),
            (
                ev(EventBody::Fault {
                    code: "E123".into(),
                    severity: Severity::Major,
                }),
                vec!["code", "severity"],
            ),
            (
                ev(EventBody::Alarm {
                    alarm: AlarmKind::Entrapment,
                    active: true,
                }),
                vec!["alarm", "active"],
            ),
            (
                ev(EventBody::Counter {
                    starts: 12,
                    run_hours: 1.5,
                }),
                vec!["starts", "run_hours"],
            ),
            (
                ev(EventBody::Escalator {
                    direction: EscalatorDirection::Up,
                    speed_mps: 0.5,
                    braking_distance_mm: 300.0,
                }),
                vec!["direction", "speed_mps", "braking_distance_mm"],
            ),
        ];
        for (e, extra) in cases {
            assert_eq!(keys(&e), with_common(&extra), "{}", e.body.kind());
            let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
            assert_eq!(v["kind"], e.body.kind());
            // Round trip through the wire form.
            let back: Event = serde_json::from_str(&e.to_json()).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn values_use_the_wire_spellings() {
        let e = ev(EventBody::Status {
            mode: Mode::OutOfService,
            available: false,
            passengers: 2,
        });
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(v["v"], 1);
        assert_eq!(v["ts"], "2025-03-01T08:00:01.500Z");
        assert_eq!(v["mode"], "out_of_service");
        let s = ev(EventBody::Sensor {
            name: SensorName::MotorTempC,
            value: 40.0,
        });
        assert!(s.to_json().contains("\"name\":\"motor_temp_c\""));
        assert!(e
            .to_json()
            .starts_with("{\"v\":1,\"unit\":\"ken:100001\",\"ts\":"));
    }
}
