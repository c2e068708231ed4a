//! Fast decoding of schema-v1 events from JSON and NDJSON batches.
//!
//! Two passes over one object, neither of which builds a `serde_json::Value`:
//! `raw` streams the object into a fixed table of borrowed scalars, and
//! `build` type-checks that table against the event's `kind`. Timestamps go
//! straight to epoch milliseconds.

mod build;
mod raw;

use serde::Serialize;

use crate::event::Event;

/// Why one event was refused. The `Display` text is meant for the device
/// author and names the offending field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("missing required field `{0}`")]
    Missing(&'static str),
    #[error("field `{field}`: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("unsupported schema version {0}; this server reads \"v\":1")]
    UnsupportedVersion(u64),
    #[error("field `kind`: unknown value {0:?}, expected one of trip, door_cycle, status, sensor, fault, alarm, counter, escalator")]
    UnknownKind(String),
}

/// Decodes one event from a JSON object.
pub fn decode_event(bytes: &[u8]) -> Result<Event, DecodeError> {
    let raw = raw::read_raw(bytes).map_err(|e| DecodeError::Json(e.to_string()))?;
    build::build(&raw)
}

/// One refused line of an NDJSON batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineError {
    /// 1-based line number in the batch.
    pub line: usize,
    pub message: String,
}

/// The result of decoding a batch: the good events and the refused lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchDecode {
    pub events: Vec<Event>,
    pub errors: Vec<LineError>,
}

/// Decodes newline-delimited JSON. A malformed line is reported and skipped;
/// the rest of the batch is kept. Blank lines (and a trailing `\r`) are
/// ignored, so CRLF batches work.
pub fn decode_ndjson(bytes: &[u8]) -> BatchDecode {
    let mut out = BatchDecode::default();
    // Rough guess at events per batch to avoid regrowing: ~150 bytes a line.
    out.events.reserve(bytes.len() / 160);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match decode_event(line) {
            Ok(ev) => out.events.push(ev),
            Err(e) => out.errors.push(LineError {
                line: i + 1,
                message: e.to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;
