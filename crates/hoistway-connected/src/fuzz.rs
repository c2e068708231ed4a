//! Fuzz targets of ingest (the telemetry decoder and the NDJSON batch
//! splitter) as proptest properties; the case count comes from
//! [`hoistway_app::fuzz::cases`].

#[cfg(test)]
mod tests {
    use crate::pipeline::{Pipeline, Prepared};
    use hoistway_app::fuzz::cases;
    use hoistway_store::telemetry::UnitRef;
    use proptest::prelude::*;

    /// Lines that look like events: right and wrong field names, types and
    /// values, so the decoder's paths past the JSON parse get exercised.
    fn event_like() -> impl Strategy<Value = String> {
        let kind = prop::sample::select(vec![
            "status",
            "trip",
            "door_cycle",
            "fault",
            "sensor",
            "alarm",
            "counter",
            "bogus",
            "",
        ]);
        let key = prop::sample::select(vec![
            "mode",
            "available",
            "passengers",
            "from_floor",
            "to_floor",
            "duration_ms",
            "levelling_error_mm",
            "floor",
            "open_ms",
            "reopens",
            "code",
            "severity",
            "name",
            "value",
            "alarm",
            "active",
            "starts",
            "run_hours",
            "x",
        ]);
        let value = prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_map(|v| if v.is_finite() {
                v.to_string()
            } else {
                "1e999".into()
            }),
            any::<bool>().prop_map(|v| v.to_string()),
            "[a-z_\\\\\"\\u{0}-\\u{7f}]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("null".to_string()),
            Just("{}".to_string()),
        ];
        let ts = prop_oneof![
            Just("\"2026-11-23T08:00:00Z\"".to_string()),
            Just("\"2026-11-23 08:00:00\"".to_string()),
            any::<i64>().prop_map(|v| v.to_string()),
            "[0-9T:Z-]{0,25}".prop_map(|s| format!("\"{s}\"")),
        ];
        (
            any::<u64>(),
            kind,
            ts,
            prop::collection::vec((key, value), 0..6),
            prop_oneof![Just("7"), Just("ken:7"), Just("8")],
        )
            .prop_map(|(seq, kind, ts, fields, unit)| {
                let mut s =
                    format!(r#"{{"v":1,"unit":"{unit}","seq":{seq},"ts":{ts},"kind":"{kind}""#);
                for (k, v) in fields {
                    s.push_str(&format!(r#","{k}":{v}"#));
                }
                s.push('}');
                s
            })
    }

    fn payload() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..400),
            prop::collection::vec(
                prop_oneof![
                    event_like().prop_map(String::into_bytes),
                    prop::collection::vec(any::<u8>(), 0..40),
                ],
                0..8
            )
            .prop_map(|lines| lines.join(&b'\n')),
        ]
    }

    fn unit() -> UnitRef {
        UnitRef {
            unit_id: 7,
            customer_id: 1,
            equipment_number: "ken:7".into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases(3_000)))]

        /// The NDJSON splitter and the decoder behind it never panic, and
        /// every non-blank line comes out once: an event or a dead letter.
        #[test]
        fn every_line_is_an_event_or_a_dead_letter(bytes in payload()) {
            let pipeline = Pipeline::new(Default::default());
            let now = chrono::DateTime::from_timestamp(1_795_420_800, 0).unwrap();
            let mut out = Prepared::default();
            pipeline.prepare(&unit(), &bytes, "fuzz", now, &mut out);
            let lines = bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count();
            let (events, dead) = out.describe();
            prop_assert_eq!(events.len() + dead.len(), lines);
            prop_assert_eq!(out.len(), lines);
        }

        /// The decoder alone on event-like text: no panic, and what it
        /// accepts re-encodes to the same event (floats to the last place).
        #[test]
        fn decoded_events_round_trip(line in event_like()) {
            use hoistway_analytics::{decode::decode_event, encode::encode_event};
            if let Ok(ev) = decode_event(line.as_bytes()) {
                let text = encode_event(&ev);
                let again = decode_event(text.as_bytes());
                prop_assert!(again.is_ok(), "{} → {} → {:?}", line, text, again);
                let again = again.unwrap();
                // Floats may differ in the last place: serde_json's default
                // parser is within one ULP, not exact (found by this target
                // at 10⁶ cases); everything else must be identical.
                prop_assert_eq!(
                    (&again.unit, again.ts_ms, again.seq, again.body.kind()),
                    (&ev.unit, ev.ts_ms, ev.seq, ev.body.kind()),
                    "{} → {}", line, text
                );
            }
        }
    }
}
