//! Tests of the telemetry twin: ordering, coverage of kinds, determinism and
//! the signature of each injected fault.

use crate::telemetry::event::{EscalatorDirection, SensorName};
use std::collections::HashMap;

use chrono::TimeZone;

use super::*;

const OFFICE_10: &str = include_str!("../../../../../examples/buildings/office-10.toml");

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 7, 0, 0).unwrap()
}

fn fleet(seed: u64) -> TelemetryTwin {
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    let mut t = TelemetryTwin::new(start(), seed);
    let ids: Vec<String> = (1..=4).map(|i| format!("ken:4100000{i}")).collect();
    t.add_group(
        &b,
        "A",
        &ids,
        Pattern::Mixed,
        Some(90.0),
        DispatchMode::Collective,
    )
    .unwrap();
    t.add_escalator("esc-1").unwrap();
    t.add_door("door-1", 120.0).unwrap();
    t
}

fn of<'a>(events: &'a [Event], unit: &str) -> impl Iterator<Item = &'a Event> + 'a {
    let unit = unit.to_owned();
    events.iter().filter(move |e| e.unit == unit)
}

#[test]
fn seq_increases_and_ts_never_goes_back_per_unit_across_calls() {
    let mut t = fleet(1);
    let mut all = Vec::new();
    for dt in [0.5, 30.0, 59.7, 600.0, 1.0, 1200.0] {
        all.extend(t.advance(dt));
    }
    let mut last: HashMap<&str, (u64, DateTime<Utc>)> = HashMap::new();
    for e in &all {
        if let Some(&(seq, ts)) = last.get(e.unit.as_str()) {
            assert!(e.seq > seq, "{} seq {} after {}", e.unit, e.seq, seq);
            assert!(e.ts >= ts, "{} ts went back", e.unit);
        }
        last.insert(&e.unit, (e.seq, e.ts));
        assert_eq!(e.v, 1);
        assert!(e.ts >= start() && e.ts <= t.now());
    }
    let kinds: std::collections::BTreeSet<&str> = all.iter().map(|e| e.body.kind()).collect();
    for k in [
        "trip",
        "door_cycle",
        "status",
        "sensor",
        "counter",
        "escalator",
    ] {
        assert!(kinds.contains(k), "no {k} events");
    }
    assert!(of(&all, "door-1").any(|e| e.body.kind() == "door_cycle"));
    assert!(of(&all, "esc-1").all(|e| !matches!(e.body, EventBody::Trip { .. })));
}

#[test]
fn same_seed_same_events() {
    let run = |seed| {
        let mut t = fleet(seed);
        t.inject_fault("ken:41000001", FaultKind::DriveFaultBursts, 0.0, 3000.0)
            .unwrap();
        t.advance(3600.0)
            .iter()
            .map(Event::to_json)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[test]
fn door_roller_wear_slows_closing_then_fails_the_lift_at_the_label_time() {
    let mut t = fleet(2);
    let unit = "ken:41000002";
    let label = t
        .inject_fault(unit, FaultKind::DoorRollerWear, 1800.0, 4.0 * 3600.0)
        .unwrap();
    assert_eq!(label.failure_ts, "2025-03-03T11:00:00.000Z");
    let events = t.advance(4.5 * 3600.0);
    let close = |from: f64, to: f64| {
        mean(of(&events, unit).filter_map(|e| {
            let s = (e.ts - start()).num_milliseconds() as f64 / 1000.0;
            match e.body {
                EventBody::DoorCycle { close_ms, .. } if s >= from && s < to => {
                    Some(f64::from(close_ms))
                }
                _ => None,
            }
        }))
    };
    let (early, late) = (close(0.0, 1800.0), close(3.0 * 3600.0, 4.0 * 3600.0));
    assert!((early - 3200.0).abs() < 1.0, "healthy close {early}");
    assert!(late > early * 1.3, "worn close {late} vs {early}");
    let fail = of(&events, unit)
        .find(|e| matches!(&e.body, EventBody::Fault { code, severity: Severity::Critical } if code == "E220"))
        .expect("failure fault");
    assert_eq!(fail.ts, start() + Duration::hours(4));
    // After the failure the lift reports itself out of service and is idle.
    assert!(of(&events, unit).any(|e| e.ts >= fail.ts
        && matches!(
            e.body,
            EventBody::Status {
                mode: Mode::OutOfService,
                available: false,
                ..
            }
        )));
    assert!(!of(&events, unit)
        .any(|e| e.ts > fail.ts + Duration::seconds(1) && e.body.kind() == "trip"));
    assert_eq!(t.labels().len(), 1);
}

#[test]
fn overheating_levelling_and_brake_faults_show_in_their_signals() {
    let mut t = fleet(3);
    t.inject_fault(
        "ken:41000003",
        FaultKind::OverheatingMotor,
        0.0,
        3.0 * 3600.0,
    )
    .unwrap();
    t.inject_fault("ken:41000004", FaultKind::LevellingDrift, 0.0, 3.0 * 3600.0)
        .unwrap();
    t.inject_fault("esc-1", FaultKind::BrakeWear, 0.0, 3.0 * 3600.0)
        .unwrap();
    let events = t.advance(3.0 * 3600.0 - 1.0);
    let hour = |e: &Event| (e.ts - start()).num_seconds() / 3600;
    let temp = |h| {
        mean(
            of(&events, "ken:41000003")
                .filter(|e| hour(e) == h)
                .filter_map(|e| match e.body {
                    EventBody::Sensor {
                        name: SensorName::MotorTempC,
                        value,
                    } => Some(value),
                    _ => None,
                }),
        )
    };
    assert!(
        temp(2) > temp(0) + 15.0,
        "temperature trend {} -> {}",
        temp(0),
        temp(2)
    );
    let lev = |h| {
        mean(
            of(&events, "ken:41000004")
                .filter(|e| hour(e) == h)
                .filter_map(|e| match e.body {
                    EventBody::Trip {
                        levelling_error_mm, ..
                    } => Some(f64::from(levelling_error_mm.abs())),
                    _ => None,
                }),
        )
    };
    assert!(lev(2) > lev(0) + 5.0, "levelling {} -> {}", lev(0), lev(2));
    assert!(of(&events, "ken:41000004")
        .any(|e| matches!(&e.body, EventBody::Fault { code, .. } if code == "E311")));
    let brake = |h| {
        mean(
            of(&events, "esc-1")
                .filter(|e| hour(e) == h)
                .filter_map(|e| match e.body {
                    EventBody::Escalator {
                        braking_distance_mm,
                        ..
                    } => Some(braking_distance_mm),
                    _ => None,
                }),
        )
    };
    assert!(brake(2) > brake(0) + 100.0);
}

#[test]
fn drive_fault_bursts_grow_and_repair_restores_service() {
    let mut t = fleet(4);
    let unit = "ken:41000001";
    t.inject_fault(unit, FaultKind::DriveFaultBursts, 0.0, 4.0 * 3600.0)
        .unwrap();
    let events = t.advance(4.0 * 3600.0 + 10.0);
    let minor = |h: i64| {
        of(&events, unit)
            .filter(|e| (e.ts - start()).num_seconds() / 3600 == h)
            .filter(|e| matches!(&e.body, EventBody::Fault { code, .. } if code == "E402"))
            .count()
    };
    assert!(minor(3) > minor(0), "bursts {} -> {}", minor(0), minor(3));
    t.repair(unit).unwrap();
    let after = t.advance(1800.0);
    assert!(of(&after, unit).any(|e| matches!(
        e.body,
        EventBody::Status {
            mode: Mode::Normal,
            available: true,
            ..
        }
    )));
    assert!(of(&after, unit).any(|e| e.body.kind() == "trip"));
}

#[test]
fn injections_are_checked() {
    let mut t = fleet(5);
    assert!(matches!(
        t.inject_fault("esc-1", FaultKind::LevellingDrift, 0.0, 10.0),
        Err(TwinError::FaultNotApplicable { .. })
    ));
    assert!(matches!(
        t.inject_fault("nope", FaultKind::SuddenBreakdown, 0.0, 10.0),
        Err(TwinError::UnknownUnit(_))
    ));
    assert!(t
        .inject_fault("door-1", FaultKind::DoorRollerWear, 50.0, 10.0)
        .is_err());
    assert!(t.add_door("door-1", 10.0).is_err(), "duplicate id");
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    assert!(t
        .add_group(
            &b,
            "A",
            &["x".into()],
            Pattern::UpPeak,
            None,
            DispatchMode::Collective
        )
        .is_err());
    // A sudden breakdown stops the escalator exactly at its failure time.
    t.inject_fault("esc-1", FaultKind::SuddenBreakdown, 0.0, 90.5)
        .unwrap();
    let ev = t.advance(200.0);
    let stop = of(&ev, "esc-1").find(|e| e.body.kind() == "fault").unwrap();
    assert_eq!(stop.ts, start() + Duration::milliseconds(90_500));
    assert!(of(&ev, "esc-1").any(|e| matches!(e.body, EventBody::Escalator { direction: EscalatorDirection::Stopped, speed_mps, .. } if speed_mps == 0.0)));
}
