//! First decoding pass: one JSON object into a table of borrowed scalars.
//!
//! The object is walked once with serde_json's streaming deserializer. Known
//! keys land in a fixed slot table as [`Scalar`]s (strings borrowed from the
//! input when they hold no escapes); unknown keys and nested values are
//! skipped without allocating. Types are not checked here but in
//! [`super::build`], once `kind` is known, so an ill-typed field that the
//! kind does not use is ignored like any other extra field, and the error for
//! a field that is used can name it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// The keys the schema knows. Order matters: it indexes [`Raw::slots`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
pub(crate) enum Field {
    V,
    Unit,
    Ts,
    Seq,
    Kind,
    FromFloor,
    ToFloor,
    DurationMs,
    LevellingErrorMm,
    Floor,
    OpenMs,
    CloseMs,
    Reopens,
    Obstruction,
    Mode,
    Available,
    Passengers,
    Name,
    Value,
    Code,
    Severity,
    Alarm,
    Active,
    Starts,
    RunHours,
    Direction,
    SpeedMps,
    BrakingDistanceMm,
    #[serde(other)]
    Other,
}

/// Number of real fields (everything before `Other`).
pub(crate) const FIELD_COUNT: usize = Field::Other as usize;

impl Field {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::V => "v",
            Self::Unit => "unit",
            Self::Ts => "ts",
            Self::Seq => "seq",
            Self::Kind => "kind",
            Self::FromFloor => "from_floor",
            Self::ToFloor => "to_floor",
            Self::DurationMs => "duration_ms",
            Self::LevellingErrorMm => "levelling_error_mm",
            Self::Floor => "floor",
            Self::OpenMs => "open_ms",
            Self::CloseMs => "close_ms",
            Self::Reopens => "reopens",
            Self::Obstruction => "obstruction",
            Self::Mode => "mode",
            Self::Available => "available",
            Self::Passengers => "passengers",
            Self::Name => "name",
            Self::Value => "value",
            Self::Code => "code",
            Self::Severity => "severity",
            Self::Alarm => "alarm",
            Self::Active => "active",
            Self::Starts => "starts",
            Self::RunHours => "run_hours",
            Self::Direction => "direction",
            Self::SpeedMps => "speed_mps",
            Self::BrakingDistanceMm => "braking_distance_mm",
            Self::Other => "?",
        }
    }
}

/// One JSON value as far as the schema cares: a scalar, or "something else".
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    U(u64),
    I(i64),
    F(f64),
    Str(Cow<'a, str>),
    /// An object or array; never valid for a schema field.
    Compound,
}

impl Scalar<'_> {
    /// What the value is, for error messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::U(_) | Self::I(_) => "an integer",
            Self::F(_) => "a fractional number",
            Self::Str(_) => "a string",
            Self::Compound => "an object or array",
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar::U(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::I(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Scalar::F(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        // Only strings with escapes come through here.
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Compound)
    }
}

struct ScalarSeed;

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// The known fields of one event object, in [`Field`] order.
#[derive(Debug)]
pub(crate) struct Raw<'a> {
    pub(crate) slots: [Option<Scalar<'a>>; FIELD_COUNT],
}

impl<'a> Raw<'a> {
    pub(crate) fn get(&self, f: Field) -> Option<&Scalar<'a>> {
        self.slots.get(f as usize).and_then(Option::as_ref)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one telemetry event)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = Raw {
            slots: Default::default(),
        };
        while let Some(field) = map.next_key::<Field>()? {
            if field == Field::Other {
                map.next_value::<IgnoredAny>()?;
            } else {
                // A repeated key keeps its last value, as most JSON readers do.
                raw.slots[field as usize] = Some(map.next_value_seed(ScalarSeed)?);
            }
        }
        Ok(raw)
    }
}

/// Reads one JSON object into its slot table. Fails only on JSON syntax or a
/// non-object top level.
pub(crate) fn read_raw(bytes: &[u8]) -> Result<Raw<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw = de.deserialize_map(RawVisitor)?;
    de.end()?;
    Ok(raw)
}
