//! Writing events back to schema-v1 JSON (flat object, `"v":1`).
//!
//! Used by the twin and by tests that round-trip the decoder. `Serialize` is
//! implemented by hand because the wire form is flat: the kind's fields sit
//! beside `unit`, `ts`, `seq` and `kind`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::event::{Event, EventBody, SCHEMA_VERSION};
use crate::time::format_rfc3339_ms;

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("v", &SCHEMA_VERSION)?;
        m.serialize_entry("unit", self.unit.as_str())?;
        m.serialize_entry("ts", &format_rfc3339_ms(self.ts_ms))?;
        m.serialize_entry("seq", &self.seq)?;
        m.serialize_entry("kind", self.body.kind())?;
        match &self.body {
            EventBody::Trip(t) => {
                m.serialize_entry("from_floor", &t.from_floor)?;
                m.serialize_entry("to_floor", &t.to_floor)?;
                m.serialize_entry("duration_ms", &t.duration_ms)?;
                m.serialize_entry("levelling_error_mm", &t.levelling_error_mm)?;
            }
            EventBody::DoorCycle(d) => {
                m.serialize_entry("floor", &d.floor)?;
                m.serialize_entry("open_ms", &d.open_ms)?;
                m.serialize_entry("close_ms", &d.close_ms)?;
                m.serialize_entry("reopens", &d.reopens)?;
                m.serialize_entry("obstruction", &d.obstruction)?;
            }
            EventBody::Status(st) => {
                m.serialize_entry("mode", st.mode.as_str())?;
                m.serialize_entry("available", &st.available)?;
                if let Some(p) = st.passengers {
                    m.serialize_entry("passengers", &p)?;
                }
            }
            EventBody::Sensor(se) => {
                m.serialize_entry("name", se.name.as_str())?;
                m.serialize_entry("value", &se.value)?;
            }
            EventBody::Fault(f) => {
                m.serialize_entry("code", &f.code)?;
                m.serialize_entry("severity", f.severity.as_str())?;
            }
            EventBody::Alarm(a) => {
                m.serialize_entry("alarm", a.alarm.as_str())?;
                m.serialize_entry("active", &a.active)?;
            }
            EventBody::Counter(c) => {
                m.serialize_entry("starts", &c.starts)?;
                m.serialize_entry("run_hours", &c.run_hours)?;
            }
            EventBody::Escalator(e) => {
                m.serialize_entry("direction", e.direction.as_str())?;
                m.serialize_entry("speed_mps", &e.speed_mps)?;
                m.serialize_entry("braking_distance_mm", &e.braking_distance_mm)?;
            }
        }
        m.end()
    }
}

/// One event as a JSON object string.
pub fn encode_event(ev: &Event) -> String {
    // Serializing our own map of plain values into a String cannot fail.
    serde_json::to_string(ev).unwrap_or_default()
}

/// Appends events as NDJSON (one object per line, each ending in `\n`).
pub fn encode_ndjson<'a>(events: impl IntoIterator<Item = &'a Event>, out: &mut Vec<u8>) {
    for ev in events {
        if serde_json::to_writer(&mut *out, ev).is_ok() {
            out.push(b'\n');
        }
    }
}
