//! Decoder tests: field errors, batches, and properties (no panic on any
//! input; encode then decode is the identity).

use proptest::prelude::*;

use super::*;
use crate::encode::{encode_event, encode_ndjson};
use crate::event::*;

const TRIP: &str = r#"{"v":1,"unit":"EL-1","ts":"2024-05-01T10:00:00.250Z","seq":7,"kind":"trip","from_floor":0,"to_floor":5,"duration_ms":9100,"levelling_error_mm":-2.5}"#;

#[test]
fn decodes_a_trip() {
    let ev = decode_event(TRIP.as_bytes()).unwrap();
    assert_eq!(ev.unit.as_str(), "EL-1");
    assert_eq!(
        ev.ts_ms,
        crate::time::parse_rfc3339("2024-05-01T10:00:00.250Z").unwrap()
    );
    assert_eq!(ev.seq, 7);
    assert_eq!(
        ev.body,
        EventBody::Trip(Trip {
            from_floor: 0,
            to_floor: 5,
            duration_ms: 9100,
            levelling_error_mm: -2.5
        })
    );
}

#[test]
fn version_is_optional_but_checked() {
    let no_v = TRIP.replace(r#""v":1,"#, "");
    assert!(decode_event(no_v.as_bytes()).is_ok());
    let v2 = TRIP.replace(r#""v":1"#, r#""v":2"#);
    let err = decode_event(v2.as_bytes()).unwrap_err();
    assert_eq!(err, DecodeError::UnsupportedVersion(2));
    assert!(err.to_string().contains("version 2"));
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (TRIP.replace(r#""seq":7,"#, ""), "`seq`"),
        (TRIP.replace(r#""seq":7"#, r#""seq":"7""#), "`seq`"),
        (TRIP.replace(r#""seq":7"#, r#""seq":-1"#), "`seq`"),
        (TRIP.replace("9100", "-5"), "`duration_ms`"),
        (TRIP.replace("9100", "5000000000"), "`duration_ms`"),
        (TRIP.replace("-2.5", r#""x""#), "`levelling_error_mm`"),
        (TRIP.replace(r#""to_floor":5,"#, ""), "`to_floor`"),
        (TRIP.replace("2024-05-01T10", "2024-05-01 10:00"), "`ts`"),
        (TRIP.replace(r#""EL-1""#, r#""""#), "`unit`"),
        (TRIP.replace(r#""trip""#, r#""teleport""#), "`kind`"),
        (TRIP.replace(r#""unit":"EL-1","#, ""), "`unit`"),
    ];
    for (json, field) in cases {
        let msg = decode_event(json.as_bytes()).unwrap_err().to_string();
        assert!(msg.contains(field), "{json} -> {msg}");
    }
}

#[test]
fn unknown_and_foreign_fields_are_ignored() {
    // `name` belongs to sensors; on a trip it is just an extra field, so its
    // odd type must not matter.
    let json = TRIP.replace(
        r#""kind":"trip","#,
        r#""kind":"trip","name":{"a":[1,2]},"firmware":"1.2","#,
    );
    assert!(decode_event(json.as_bytes()).is_ok());
}

#[test]
fn escaped_strings_decode() {
    let json = r#"{"unit":"EL\u002d9","ts":"2024-05-01T10:00:00Z","seq":1,"kind":"fault","code":"DRV_\"X\"","severity":"major"}"#;
    let ev = decode_event(json.as_bytes()).unwrap();
    assert_eq!(ev.unit.as_str(), "EL-9");
    match ev.body {
        EventBody::Fault(f) => assert_eq!(f.code, "DRV_\"X\""),
        other => panic!("wrong body {other:?}"),
    }
}

#[test]
fn status_passengers_optional() {
    let json = r#"{"unit":"E","ts":"2024-05-01T10:00:00Z","seq":1,"kind":"status","mode":"out_of_service","available":false}"#;
    let ev = decode_event(json.as_bytes()).unwrap();
    assert_eq!(
        ev.body,
        EventBody::Status(Status {
            mode: Mode::OutOfService,
            available: false,
            passengers: None
        })
    );
    let bad = json.replace("out_of_service", "asleep");
    let msg = decode_event(bad.as_bytes()).unwrap_err().to_string();
    assert!(msg.contains("`mode`") && msg.contains("asleep"), "{msg}");
}

#[test]
fn batch_keeps_good_lines_and_numbers_bad_ones() {
    let batch = format!(
        "{TRIP}\r\n\n  \n{{not json\n{TRIP}\n[1,2]\n{}",
        TRIP.replace("EL-1", "")
    );
    let out = decode_ndjson(batch.as_bytes());
    assert_eq!(out.events.len(), 2);
    let lines: Vec<usize> = out.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![4, 6, 7]);
    assert!(out.errors[0].message.contains("malformed JSON"));
    assert!(out.errors[2].message.contains("`unit`"));
}

fn arb_body() -> impl Strategy<Value = EventBody> {
    let finite = -1.0e9f64..1.0e9;
    prop_oneof![
        (any::<i32>(), any::<i32>(), any::<u32>(), -500.0f32..500.0).prop_map(|(a, b, d, l)| {
            EventBody::Trip(Trip {
                from_floor: a,
                to_floor: b,
                duration_ms: d,
                levelling_error_mm: l,
            })
        }),
        (
            any::<i32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>()
        )
            .prop_map(|(f, o, c, r, ob)| EventBody::DoorCycle(DoorCycle {
                floor: f,
                open_ms: o,
                close_ms: c,
                reopens: r,
                obstruction: ob,
            })),
        (0usize..5, any::<bool>(), proptest::option::of(any::<u32>())).prop_map(|(m, a, p)| {
            EventBody::Status(Status {
                mode: Mode::ALL[m],
                available: a,
                passengers: p,
            })
        }),
        ("[a-z_]{1,12}", finite.clone()).prop_map(|(n, v)| EventBody::Sensor(Sensor {
            name: SensorName::parse(&n),
            value: v,
        })),
        ("[A-Z_\"\\\\é]{1,10}", 0usize..3).prop_map(|(c, s)| EventBody::Fault(Fault {
            code: c,
            severity: [
                FaultSeverity::Minor,
                FaultSeverity::Major,
                FaultSeverity::Critical
            ][s],
        })),
        (any::<bool>(), any::<bool>()).prop_map(|(e, a)| EventBody::Alarm(Alarm {
            alarm: if e {
                AlarmKind::Entrapment
            } else {
                AlarmKind::EmergencyPhone
            },
            active: a,
        })),
        (any::<u64>(), 0.0f64..1.0e7).prop_map(|(s, h)| EventBody::Counter(Counter {
            starts: s,
            run_hours: h
        })),
        (0usize..3, 0.0f64..2.0, 0.0f64..5000.0).prop_map(|(d, s, b)| {
            EventBody::Escalator(Escalator {
                direction: [Direction::Up, Direction::Down, Direction::Stopped][d],
                speed_mps: s,
                braking_distance_mm: b,
            })
        }),
    ]
}

fn arb_event() -> impl Strategy<Value = Event> {
    (
        "[A-Za-z0-9\\-/ é]{1,20}",
        -2_000_000_000_000i64..250_000_000_000_000,
        any::<u64>(),
        arb_body(),
    )
        .prop_map(|(u, ts, seq, body)| Event {
            unit: UnitKey::parse(&u).unwrap(),
            ts_ms: ts,
            seq,
            body,
        })
}

/// serde_json's default float parser (we keep it: it is fast) may land one
/// ulp off the shortest representation, so f64 fields compare within 1e-15
/// relative; everything else must be exact.
fn same(a: &Event, b: &Event) -> bool {
    fn close(x: f64, y: f64) -> bool {
        x == y || (x - y).abs() <= 1e-15 * x.abs().max(y.abs())
    }
    let bodies = match (&a.body, &b.body) {
        (EventBody::Sensor(x), EventBody::Sensor(y)) => x.name == y.name && close(x.value, y.value),
        (EventBody::Counter(x), EventBody::Counter(y)) => {
            x.starts == y.starts && close(x.run_hours, y.run_hours)
        }
        (EventBody::Escalator(x), EventBody::Escalator(y)) => {
            x.direction == y.direction
                && close(x.speed_mps, y.speed_mps)
                && close(x.braking_distance_mm, y.braking_distance_mm)
        }
        (x, y) => x == y,
    };
    bodies && a.unit == b.unit && a.ts_ms == b.ts_ms && a.seq == b.seq
}

proptest! {
    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_event(&bytes);
        let _ = decode_ndjson(&bytes);
    }

    #[test]
    fn never_panics_on_mutated_events(ev in arb_event(), at in any::<prop::sample::Index>(), b in any::<u8>()) {
        let mut json = encode_event(&ev).into_bytes();
        let i = at.index(json.len());
        json[i] = b;
        let _ = decode_event(&json);
    }

    #[test]
    fn round_trip(ev in arb_event()) {
        let json = encode_event(&ev);
        let back = decode_event(json.as_bytes()).unwrap();
        prop_assert!(same(&back, &ev), "{:?} != {:?}", back, ev);
    }

    #[test]
    fn batch_round_trip(evs in proptest::collection::vec(arb_event(), 0..20)) {
        let mut buf = Vec::new();
        encode_ndjson(&evs, &mut buf);
        let out = decode_ndjson(&buf);
        prop_assert!(out.errors.is_empty());
        prop_assert_eq!(out.events.len(), evs.len());
        for (a, b) in out.events.iter().zip(&evs) {
            prop_assert!(same(a, b), "{:?} != {:?}", a, b);
        }
    }
}
