//! Second decoding pass: type-check the slot table and build an [`Event`].
//!
//! Every refusal names the field and says what was expected, because the
//! message goes back verbatim to whoever wrote the device firmware.

use super::raw::{Field, Raw, Scalar};
use super::DecodeError;
use crate::event::*;
use crate::time::parse_rfc3339;

fn required<'r, 'a>(raw: &'r Raw<'a>, f: Field) -> Result<&'r Scalar<'a>, DecodeError> {
    match raw.get(f) {
        None | Some(Scalar::Null) => Err(DecodeError::Missing(f.name())),
        Some(s) => Ok(s),
    }
}

fn wrong(f: Field, expected: &'static str, got: &Scalar<'_>) -> DecodeError {
    DecodeError::Invalid {
        field: f.name(),
        reason: format!("expected {expected}, got {}", got.describe()),
    }
}

fn out_of_range(f: Field, expected: &'static str) -> DecodeError {
    DecodeError::Invalid {
        field: f.name(),
        reason: format!("out of range, expected {expected}"),
    }
}

fn u64_field(raw: &Raw<'_>, f: Field) -> Result<u64, DecodeError> {
    const EXP: &str = "an unsigned integer";
    match required(raw, f)? {
        Scalar::U(v) => Ok(*v),
        Scalar::I(_) => Err(out_of_range(f, EXP)),
        other => Err(wrong(f, EXP, other)),
    }
}

fn u32_field(raw: &Raw<'_>, f: Field) -> Result<u32, DecodeError> {
    const EXP: &str = "an unsigned 32-bit integer";
    match required(raw, f)? {
        Scalar::U(v) => u32::try_from(*v).map_err(|_| out_of_range(f, EXP)),
        Scalar::I(_) => Err(out_of_range(f, EXP)),
        other => Err(wrong(f, EXP, other)),
    }
}

fn i32_field(raw: &Raw<'_>, f: Field) -> Result<i32, DecodeError> {
    const EXP: &str = "a 32-bit integer";
    match required(raw, f)? {
        Scalar::U(v) => i32::try_from(*v).map_err(|_| out_of_range(f, EXP)),
        Scalar::I(v) => i32::try_from(*v).map_err(|_| out_of_range(f, EXP)),
        other => Err(wrong(f, EXP, other)),
    }
}

fn f64_field(raw: &Raw<'_>, f: Field) -> Result<f64, DecodeError> {
    match required(raw, f)? {
        Scalar::U(v) => Ok(*v as f64),
        Scalar::I(v) => Ok(*v as f64),
        Scalar::F(v) => Ok(*v),
        other => Err(wrong(f, "a number", other)),
    }
}

fn non_negative(raw: &Raw<'_>, f: Field) -> Result<f64, DecodeError> {
    let v = f64_field(raw, f)?;
    if v < 0.0 {
        return Err(out_of_range(f, "a number >= 0"));
    }
    Ok(v)
}

fn bool_field(raw: &Raw<'_>, f: Field) -> Result<bool, DecodeError> {
    match required(raw, f)? {
        Scalar::Bool(b) => Ok(*b),
        other => Err(wrong(f, "true or false", other)),
    }
}

fn str_field<'r>(raw: &'r Raw<'_>, f: Field) -> Result<&'r str, DecodeError> {
    match required(raw, f)? {
        Scalar::Str(s) => Ok(s),
        other => Err(wrong(f, "a string", other)),
    }
}

/// A string field restricted to a closed set of names.
fn enum_field<T>(
    raw: &Raw<'_>,
    f: Field,
    parse: fn(&str) -> Option<T>,
    allowed: &'static str,
) -> Result<T, DecodeError> {
    let s = str_field(raw, f)?;
    parse(s).ok_or_else(|| DecodeError::Invalid {
        field: f.name(),
        reason: format!("unknown value {s:?}, expected one of {allowed}"),
    })
}

/// Builds a validated event from the slot table.
pub(crate) fn build(raw: &Raw<'_>) -> Result<Event, DecodeError> {
    if let Some(v) = raw.get(Field::V) {
        match v {
            Scalar::U(SCHEMA_VERSION) | Scalar::Null => {}
            Scalar::U(other) => return Err(DecodeError::UnsupportedVersion(*other)),
            other => return Err(wrong(Field::V, "the integer 1", other)),
        }
    }
    let unit_str = str_field(raw, Field::Unit)?;
    let unit = UnitKey::parse(unit_str).map_err(|e| DecodeError::Invalid {
        field: "unit",
        reason: e.to_string(),
    })?;
    let ts_str = str_field(raw, Field::Ts)?;
    let ts_ms = parse_rfc3339(ts_str).map_err(|e| DecodeError::Invalid {
        field: "ts",
        reason: e.to_string(),
    })?;
    let seq = u64_field(raw, Field::Seq)?;
    let kind = str_field(raw, Field::Kind)?;
    let body = match kind {
        "trip" => {
            let lev = f64_field(raw, Field::LevellingErrorMm)? as f32;
            if !lev.is_finite() {
                return Err(out_of_range(Field::LevellingErrorMm, "a finite f32"));
            }
            EventBody::Trip(Trip {
                from_floor: i32_field(raw, Field::FromFloor)?,
                to_floor: i32_field(raw, Field::ToFloor)?,
                duration_ms: u32_field(raw, Field::DurationMs)?,
                levelling_error_mm: lev,
            })
        }
        "door_cycle" => EventBody::DoorCycle(DoorCycle {
            floor: i32_field(raw, Field::Floor)?,
            open_ms: u32_field(raw, Field::OpenMs)?,
            close_ms: u32_field(raw, Field::CloseMs)?,
            reopens: u32_field(raw, Field::Reopens)?,
            obstruction: bool_field(raw, Field::Obstruction)?,
        }),
        "status" => EventBody::Status(Status {
            mode: enum_field(
                raw,
                Field::Mode,
                Mode::parse,
                "normal, out_of_service, inspection, fire, maintenance",
            )?,
            available: bool_field(raw, Field::Available)?,
            passengers: match raw.get(Field::Passengers) {
                None | Some(Scalar::Null) => None,
                Some(_) => Some(u32_field(raw, Field::Passengers)?),
            },
        }),
        "sensor" => {
            let name = str_field(raw, Field::Name)?;
            if name.is_empty() {
                return Err(DecodeError::Invalid {
                    field: "name",
                    reason: "must not be empty".into(),
                });
            }
            EventBody::Sensor(Sensor {
                name: SensorName::parse(name),
                value: f64_field(raw, Field::Value)?,
            })
        }
        "fault" => {
            let code = str_field(raw, Field::Code)?;
            if code.is_empty() {
                return Err(DecodeError::Invalid {
                    field: "code",
                    reason: "must not be empty".into(),
                });
            }
            EventBody::Fault(Fault {
                code: code.to_owned(),
                severity: enum_field(
                    raw,
                    Field::Severity,
                    FaultSeverity::parse,
                    "minor, major, critical",
                )?,
            })
        }
        "alarm" => EventBody::Alarm(Alarm {
            alarm: enum_field(
                raw,
                Field::Alarm,
                AlarmKind::parse,
                "entrapment, emergency_phone",
            )?,
            active: bool_field(raw, Field::Active)?,
        }),
        "counter" => EventBody::Counter(Counter {
            starts: u64_field(raw, Field::Starts)?,
            run_hours: non_negative(raw, Field::RunHours)?,
        }),
        "escalator" => EventBody::Escalator(Escalator {
            direction: enum_field(raw, Field::Direction, Direction::parse, "up, down, stopped")?,
            speed_mps: non_negative(raw, Field::SpeedMps)?,
            braking_distance_mm: non_negative(raw, Field::BrakingDistanceMm)?,
        }),
        other => return Err(DecodeError::UnknownKind(other.to_owned())),
    };
    Ok(Event {
        unit,
        ts_ms,
        seq,
        body,
    })
}
