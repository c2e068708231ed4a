//! Engine scenarios: end-to-end from events to findings, rollups and status.

use super::*;
use crate::detect::FindingStatus;
use crate::event::*;
use crate::synth::Rng;
use crate::testutil::*;
use crate::time::{DAY_MS, HOUR_MS};

const MIN: i64 = 60_000;

fn on(unit: &str, mut e: Event) -> Event {
    e.unit = UnitKey::parse(unit).unwrap();
    e
}

/// A healthy elevator for `days`: door cycles and trips every few minutes
/// with noise, motor temperature with a daily cycle. `door_drift` adds ms to
/// the close time as a function of the day (fractional).
fn healthy_day_stream(seed: u64, days: i64, door_drift: impl Fn(f64) -> f64) -> Vec<Event> {
    let mut r = Rng::new(seed);
    let mut out = Vec::new();
    let mut seq = 0;
    let mut t = T0;
    while t < T0 + days * DAY_MS {
        let day = (t - T0) as f64 / DAY_MS as f64;
        seq += 1;
        let close = 3000.0 + door_drift(day) + 120.0 * r.gauss();
        out.push(ev(
            t,
            seq,
            door(close.max(500.0) as u32, u32::from(r.below(20) == 0)),
        ));
        seq += 1;
        let floors = 1 + r.below(8) as i32;
        let dur = 4000.0 + 1500.0 * floors as f64 + 200.0 * r.gauss();
        out.push(ev(
            t + 20_000,
            seq,
            trip(floors, dur as u32, (2.0 * r.gauss()) as f32),
        ));
        if seq % 6 == 0 {
            seq += 1;
            let hour = ((t / HOUR_MS) % 24) as f64;
            let temp = 45.0 + 8.0 * ((hour - 6.0) / 24.0 * std::f64::consts::TAU).sin() + r.gauss();
            out.push(ev(t + 40_000, seq, sensor(SensorName::MotorTempC, temp)));
        }
        t += 3 * MIN + r.below(120_000) as i64;
    }
    out
}

fn raised(f: &[Finding], kind: FindingKind) -> Vec<&Finding> {
    f.iter()
        .filter(|x| x.kind == kind && x.status == FindingStatus::Raised)
        .collect()
}

#[test]
fn stationary_unit_stays_quiet() {
    for seed in [1, 2, 3] {
        let mut e = Engine::default();
        let out = e.ingest_batch(&healthy_day_stream(seed, 20, |_| 0.0));
        let kinds: Vec<_> = out
            .findings
            .iter()
            .map(|f| (f.kind, f.status, f.explanation.clone()))
            .collect();
        assert!(kinds.is_empty(), "seed {seed}: {kinds:?}");
    }
}

#[test]
fn door_wear_drift_raises_one_case_with_spares() {
    // 8 healthy days, then the close time creeps up 100 ms a day.
    let events = healthy_day_stream(9, 20, |d| if d > 8.0 { (d - 8.0) * 100.0 } else { 0.0 });
    let mut e = Engine::default();
    let out = e.ingest_batch(&events);
    let wear = raised(&out.findings, FindingKind::DoorWear);
    assert_eq!(wear.len(), 1, "{:?}", out.findings);
    let f = wear[0];
    let day = (f.ts_ms - T0) as f64 / DAY_MS as f64;
    assert!(day > 8.5 && day < 14.0, "raised on day {day:.1}");
    assert!(
        f.explanation.contains("door close time"),
        "{}",
        f.explanation
    );
    assert!(!f.suggested_spares.is_empty());
    let ev = f.evidence.as_ref().unwrap();
    assert!(ev.observed > ev.baseline);
    // Nothing else fired.
    assert!(
        out.findings.iter().all(|f| f.kind == FindingKind::DoorWear),
        "{:?}",
        out.findings
    );
    assert!(e
        .open_findings("EL-1")
        .iter()
        .any(|(k, _)| *k == FindingKind::DoorWear));
}

#[test]
fn entrapment_is_immediate_and_not_duplicated() {
    let mut e = Engine::default();
    let a = e.ingest(&ev(T0, 1, alarm(AlarmKind::Entrapment, true)));
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].kind, FindingKind::Entrapment);
    assert_eq!(a.findings[0].severity, Severity::Critical);
    assert_eq!(a.findings[0].status, FindingStatus::Raised);
    assert!(e
        .ingest(&ev(T0 + 1, 2, alarm(AlarmKind::Entrapment, true)))
        .findings
        .is_empty());
    // The duplicate delivery of seq 1 is dropped before analytics.
    let dup = e.ingest(&ev(T0, 1, alarm(AlarmKind::Entrapment, true)));
    assert_eq!(dup.verdict, SeqVerdict::Duplicate);
    let c = e.ingest(&ev(T0 + 2, 3, alarm(AlarmKind::Entrapment, false)));
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].status, FindingStatus::Cleared);
}

#[test]
fn door_reopen_rule_and_time_based_clear() {
    let mut e = Engine::default();
    let mut fs = Vec::new();
    for i in 0..10 {
        e.ingest_into(&ev(T0 + i * 5 * MIN, i as u64 + 1, door(3000, 2)), &mut fs);
    }
    assert_eq!(raised(&fs, FindingKind::DoorReopens).len(), 1, "{fs:?}");
    assert!(
        fs[0].explanation.contains("20 door reopens"),
        "{}",
        fs[0].explanation
    );
    assert!(e.tick(T0 + 55 * MIN).is_empty());
    // Quiet from about 1 h 40 min; it clears only after two quiet hours.
    let reopens_cleared = |fs: Vec<Finding>| {
        fs.into_iter()
            .find(|f| f.kind == FindingKind::DoorReopens && f.status == FindingStatus::Cleared)
    };
    assert_eq!(reopens_cleared(e.tick(T0 + 2 * HOUR_MS)), None);
    assert_eq!(reopens_cleared(e.tick(T0 + 3 * HOUR_MS)), None);
    let later = reopens_cleared(e.tick(T0 + 4 * HOUR_MS)).expect("cleared after 2 quiet hours");
    assert!(
        later.explanation.contains("for 2 hours"),
        "{}",
        later.explanation
    );
}

#[test]
fn a_finding_at_its_threshold_does_not_flap() {
    // Bursts of reopens every 90 minutes: each hour alternates between over
    // the limit and quiet. One finding, raised once, never cleared between.
    let mut e = Engine::default();
    let mut fs = Vec::new();
    let mut seq = 0;
    for burst in 0..8i64 {
        let t0 = T0 + burst * 90 * MIN;
        for i in 0..10 {
            seq += 1;
            e.ingest_into(&ev(t0 + i * 3 * MIN, seq, door(3000, 2)), &mut fs);
        }
        for m in (30..90).step_by(5) {
            fs.extend(e.tick(t0 + m * MIN));
        }
    }
    let kinds: Vec<_> = fs
        .iter()
        .filter(|f| f.kind == FindingKind::DoorReopens)
        .map(|f| f.status)
        .collect();
    assert_eq!(kinds, vec![FindingStatus::Raised], "{fs:?}");
    // After the bursts stop, two quiet hours clear it once.
    let end = T0 + 8 * 90 * MIN;
    let mut after = Vec::new();
    for m in (0..240).step_by(5) {
        after.extend(e.tick(end + m * MIN));
    }
    assert_eq!(
        after
            .iter()
            .filter(|f| f.status == FindingStatus::Cleared)
            .count(),
        1,
        "{after:?}"
    );
}

#[test]
fn ticks_run_on_event_time_when_events_run_ahead_of_the_clock() {
    // A feed at 60x: event time is hours ahead of the caller's clock. A tick
    // with the (earlier) wall clock must neither empty the windows nor call
    // the unit offline.
    let mut e = Engine::default();
    let mut fs = Vec::new();
    for i in 0..10 {
        e.ingest_into(
            &ev(T0 + 5 * HOUR_MS + i * 5 * MIN, i as u64 + 1, door(3000, 2)),
            &mut fs,
        );
    }
    assert_eq!(raised(&fs, FindingKind::DoorReopens).len(), 1);
    let wall = T0 + 10 * MIN;
    assert!(e.tick(wall).is_empty());
    assert!(e
        .open_findings("EL-1")
        .iter()
        .any(|(k, _)| *k == FindingKind::DoorReopens));
    assert_eq!(e.event_now(wall), T0 + 5 * HOUR_MS + 45 * MIN);
}

#[test]
fn relevelling_rule() {
    let mut e = Engine::default();
    let mut fs = Vec::new();
    for i in 0..4 {
        e.ingest_into(
            &ev(T0 + i * MIN, i as u64 + 1, trip(2, 7000, 14.0)),
            &mut fs,
        );
    }
    assert!(fs.is_empty());
    e.ingest_into(&ev(T0 + 10 * MIN, 5, trip(2, 7000, -14.0)), &mut fs);
    let lev = raised(&fs, FindingKind::LevellingDrift);
    assert_eq!(lev.len(), 1);
    assert_eq!(lev[0].severity, Severity::Major);
}

#[test]
fn fault_rules_map_codes_to_spares() {
    let mut e = Engine::default();
    let mut fs = Vec::new();
    for i in 0..3 {
        e.ingest_into(
            &ev(
                T0 + i * HOUR_MS,
                i as u64 + 1,
                fault("DRV_OVERCURRENT", FaultSeverity::Minor),
            ),
            &mut fs,
        );
    }
    let drive = raised(&fs, FindingKind::DriveFaults);
    assert_eq!(drive.len(), 1);
    assert!(drive[0].suggested_spares.iter().any(|s| s.contains("IGBT")));
    let crit = e.ingest(&ev(
        T0 + 3 * HOUR_MS,
        4,
        fault("DRV_IGBT", FaultSeverity::Critical),
    ));
    assert_eq!(crit.findings.len(), 1);
    assert_eq!(crit.findings[0].status, FindingStatus::Updated);
    assert_eq!(crit.findings[0].severity, Severity::Critical);
    let brake = e.ingest(&ev(
        T0 + 3 * HOUR_MS,
        5,
        fault("BRK_SLIP", FaultSeverity::Critical),
    ));
    assert_eq!(brake.findings[0].kind, FindingKind::BrakeFaults);
    assert!(e
        .tick(T0 + 3 * HOUR_MS + 2 * DAY_MS)
        .iter()
        .all(|f| f.status != FindingStatus::Cleared));
    let cleared = e.tick(T0 + 5 * HOUR_MS + 2 * DAY_MS);
    let kinds: Vec<_> = cleared
        .iter()
        .filter(|f| f.status == FindingStatus::Cleared)
        .map(|f| f.kind)
        .collect();
    assert!(
        kinds.contains(&FindingKind::DriveFaults) && kinds.contains(&FindingKind::BrakeFaults),
        "{kinds:?}"
    );
}

#[test]
fn motor_overheat_limit() {
    let mut e = Engine::default();
    let hot = e.ingest(&ev(T0, 1, sensor(SensorName::MotorTempC, 97.0)));
    assert_eq!(hot.findings[0].kind, FindingKind::MotorOverheat);
    assert_eq!(hot.findings[0].severity, Severity::Critical);
    assert!(e
        .ingest(&ev(T0 + MIN, 2, sensor(SensorName::MotorTempC, 90.0)))
        .findings
        .is_empty());
    // Cooled down: it clears after two hours of normal readings, not at once.
    let mut cleared = Vec::new();
    for i in 0..30 {
        let t = T0 + 2 * MIN + i * 5 * MIN;
        cleared.extend(
            e.ingest(&ev(t, 3 + i as u64, sensor(SensorName::MotorTempC, 60.0)))
                .findings,
        );
    }
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    assert_eq!(cleared[0].status, FindingStatus::Cleared);
    let at = (cleared[0].ts_ms - T0 - 2 * MIN) / MIN;
    assert_eq!(at, 120, "cleared {at} min after the first cool reading");
}

#[test]
fn offline_once_then_cleared() {
    let mut e = Engine::default();
    e.ingest(&ev(T0, 1, status(Mode::Normal, true, Some(0))));
    assert!(e.tick(T0 + 5 * MIN).is_empty());
    let off = e.tick(T0 + 11 * MIN);
    assert_eq!(raised(&off, FindingKind::Offline).len(), 1);
    assert!(e.tick(T0 + 20 * MIN).is_empty());
    assert_eq!(e.status("EL-1", T0 + 20 * MIN).unwrap().mode, None);
    let back = e.ingest(&ev(T0 + 21 * MIN, 2, status(Mode::Normal, true, Some(0))));
    assert_eq!(back.findings[0].status, FindingStatus::Cleared);
    assert_eq!(e.check_remote_command("EL-1", T0 + 21 * MIN), Ok(()));
    assert_eq!(e.check_remote_command("nope", T0), Err(Refusal::Offline));
}

#[test]
fn escalator_braking_distance() {
    let mut e = Engine::default();
    let esc = |d: f64| {
        EventBody::Escalator(Escalator {
            direction: Direction::Up,
            speed_mps: 0.5,
            braking_distance_mm: d,
        })
    };
    assert!(e.ingest(&ev(T0, 1, esc(600.0))).findings.is_empty());
    let long = e.ingest(&ev(T0 + 1, 2, esc(1300.0)));
    assert_eq!(long.findings[0].kind, FindingKind::EscalatorBraking);
    assert!(e.ingest(&ev(T0 + 2, 3, esc(700.0))).findings.is_empty());
    let ok = e.ingest(&ev(T0 + 2 + 2 * HOUR_MS, 4, esc(700.0)));
    assert_eq!(ok.findings[0].status, FindingStatus::Cleared);
}

#[test]
fn rollups_flow_and_dedupe_counts() {
    let mut e = Engine::default();
    let evs = vec![
        ev(T0, 1, status(Mode::Normal, true, Some(0))),
        ev(T0 + MIN, 3, trip(3, 8000, 1.0)),
        ev(T0 + MIN, 2, door(3000, 0)),
        ev(T0 + MIN, 3, trip(3, 8000, 1.0)),
        on("EL-2", ev(T0 + MIN, 1, trip(1, 5000, 0.5))),
    ];
    let out = e.ingest_batch(&evs);
    assert_eq!((out.accepted, out.duplicates), (4, 1));
    assert!(e.rollups_drain(T0 + 30 * MIN).is_empty());
    let r = e.rollups_drain(T0 + HOUR_MS);
    let el1: Vec<_> = r.iter().filter(|r| r.unit.as_str() == "EL-1").collect();
    assert_eq!(el1.len(), 1);
    assert_eq!(el1[0].trips, 1);
    assert_eq!(el1[0].door_cycles, 1);
    assert_eq!(r.len(), 2);
    let rest = e.rollups_flush(T0 + HOUR_MS);
    assert!(rest.iter().all(|r| r.period == crate::rollup::Period::Day));
}

#[test]
fn per_unit_analytics_state_within_2kb() {
    let mut e = Engine::default();
    let mut fs = Vec::new();
    for x in healthy_day_stream(4, 3, |_| 0.0) {
        e.ingest_into(&x, &mut fs);
    }
    e.ingest(&ev(
        T0 + 4 * DAY_MS,
        1_000_000,
        fault("CTL_COMM", FaultSeverity::Minor),
    ));
    let bytes = e.unit_footprint("EL-1").unwrap();
    assert!(bytes <= 2048, "{bytes} bytes per unit");
    assert!(bytes > 500, "suspiciously small: {bytes}");
}

#[test]
fn rebaseline_clears_statistical_findings() {
    let events = healthy_day_stream(9, 20, |d| if d > 8.0 { (d - 8.0) * 100.0 } else { 0.0 });
    let mut e = Engine::default();
    e.ingest_batch(&events);
    assert!(e
        .open_findings("EL-1")
        .iter()
        .any(|(k, _)| *k == FindingKind::DoorWear));
    let cleared = e.rebaseline("EL-1", T0 + 21 * DAY_MS);
    assert!(cleared
        .iter()
        .any(|f| f.kind == FindingKind::DoorWear && f.status == FindingStatus::Cleared));
    assert!(e.open_findings("EL-1").is_empty());
}

#[test]
fn failure_risk_from_daily_rollups() {
    let mut e = Engine::default();
    let mut fs = Vec::new();
    // A bad day: many reopens, poor levelling and a burst of faults (the
    // shipped model learned from the twin that failing days carry faults).
    for i in 0..200u64 {
        let t = T0 + i as i64 * 2 * MIN;
        e.ingest_into(
            &ev(t, 3 * i + 1, door(3000, u32::from(i % 3 == 0))),
            &mut fs,
        );
        e.ingest_into(
            &ev(
                t + 1,
                3 * i + 2,
                trip(2, 7000, if i % 4 == 0 { 16.0 } else { 3.0 }),
            ),
            &mut fs,
        );
        if i % 10 == 0 {
            e.ingest_into(
                &ev(t + 2, 3 * i + 3, fault("CTL_COMM", FaultSeverity::Minor)),
                &mut fs,
            );
        }
    }
    let days: Vec<Rollup> = e
        .rollups_flush(T0 + DAY_MS)
        .into_iter()
        .filter(|r| r.period == crate::rollup::Period::Day)
        .collect();
    assert_eq!(days.len(), 1);
    let mut out = Vec::new();
    let score = e.assess_day(&days[0], &mut out).unwrap();
    assert!(score >= 0.8, "score {score}");
    assert_eq!(raised(&out, FindingKind::FailureRisk).len(), 1);
    // A quiet day clears it.
    let calm = Rollup::new(
        days[0].unit.clone(),
        crate::rollup::Period::Day,
        T0 + DAY_MS,
    );
    let mut out = Vec::new();
    assert!(e.assess_day(&calm, &mut out).unwrap() < 0.5);
    assert_eq!(out[0].status, FindingStatus::Cleared);
}

/// Trips for `n` events from `seq0`, every two minutes, `slow` times the
/// usual duration for the distance.
fn trips(r: &mut Rng, from: i64, seq0: u64, n: u64, slow: f64) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let floors = 1 + r.below(8) as i32;
            let dur = (4000.0 + 1500.0 * f64::from(floors)) * slow + 150.0 * r.gauss();
            ev(
                from + i as i64 * 2 * MIN,
                seq0 + i,
                trip(floors, dur as u32, 1.0),
            )
        })
        .collect()
}

#[test]
fn trip_slowdown_needs_a_real_slowdown() {
    for (slow, expect) in [(1.06, 0), (1.3, 1)] {
        let mut r = Rng::new(21);
        let mut e = Engine::default();
        let mut events = trips(&mut r, T0, 1, 2000, 1.0);
        events.extend(trips(&mut r, T0 + 2000 * 2 * MIN, 2001, 600, slow));
        let out = e.ingest_batch(&events);
        let n = raised(&out.findings, FindingKind::TripSlowdown).len();
        assert_eq!(n, expect, "{slow}: {:?}", out.findings);
    }
}
