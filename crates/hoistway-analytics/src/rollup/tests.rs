//! Rollup arithmetic: availability weighting, bucket closing, late partials,
//! merging and serialisation.

use super::book::RollupBook;
use super::*;
use crate::event::*;
use crate::testutil::*;
use crate::time::HOUR_MS;

const MIN: i64 = 60_000;
// An hour boundary, so bucket maths are easy to read.
const H0: i64 = T0;

fn book() -> RollupBook {
    RollupBook::new(UnitKey::parse("EL-1").unwrap(), 10 * MIN)
}

fn heartbeat(ts: i64, seq: u64) -> Event {
    ev(ts, seq, sensor(SensorName::MotorTempC, 40.0))
}

#[test]
fn availability_is_time_weighted_within_the_hour() {
    let mut b = book();
    let mut out = Vec::new();
    // Available from :00 to :15, down :15 to :45, up again :45 to :60, with
    // heartbeats every 5 minutes so the unit never counts as offline.
    b.apply(&ev(H0, 1, status(Mode::Normal, true, Some(0))), &mut out);
    for (seq, m) in (2..).zip((5..60).step_by(5)) {
        if m == 15 {
            b.apply(
                &ev(H0 + 15 * MIN, seq, status(Mode::OutOfService, false, None)),
                &mut out,
            );
        } else if m == 45 {
            b.apply(
                &ev(H0 + 45 * MIN, seq, status(Mode::Normal, true, None)),
                &mut out,
            );
        } else {
            b.apply(&heartbeat(H0 + m * MIN, seq), &mut out);
        }
    }
    assert!(out.is_empty(), "nothing closes inside the hour");
    b.close_until(H0 + HOUR_MS, &mut out);
    assert_eq!(out.len(), 1);
    let h = &out[0];
    assert_eq!(h.period, Period::Hour);
    assert_eq!(h.start_ms, H0);
    assert_eq!(h.observed_ms, HOUR_MS);
    assert_eq!(h.available_ms, 30 * MIN);
    assert_eq!(h.availability_pct(), Some(50.0));
    assert_eq!(h.events, 12);
}

#[test]
fn silence_is_not_observed() {
    let mut b = book();
    let mut out = Vec::new();
    b.apply(&ev(H0, 1, status(Mode::Normal, true, Some(0))), &mut out);
    // Nothing more: only the first 10 minutes (offline threshold) count.
    b.close_until(H0 + HOUR_MS, &mut out);
    assert_eq!(out[0].observed_ms, 10 * MIN);
    assert_eq!(out[0].availability_pct(), Some(100.0));
}

#[test]
fn status_carries_over_hour_boundary_and_day_collects_both() {
    let mut b = book();
    let mut out = Vec::new();
    b.apply(
        &ev(H0 + 30 * MIN, 1, status(Mode::Normal, false, Some(0))),
        &mut out,
    );
    b.apply(&heartbeat(H0 + 39 * MIN, 2), &mut out);
    b.apply(&heartbeat(H0 + 48 * MIN, 3), &mut out);
    b.apply(&heartbeat(H0 + 57 * MIN, 4), &mut out);
    // Next hour: up at :06 after a heartbeat-free gap of 9 minutes.
    b.apply(
        &ev(H0 + HOUR_MS + 6 * MIN, 5, status(Mode::Normal, true, None)),
        &mut out,
    );
    assert_eq!(out.len(), 1, "the first hour closed");
    assert_eq!(out[0].observed_ms, 30 * MIN);
    assert_eq!(out[0].available_ms, 0);
    b.flush(H0 + HOUR_MS + 10 * MIN, &mut out);
    let hour2 = out
        .iter()
        .find(|r| r.period == Period::Hour && r.start_ms == H0 + HOUR_MS)
        .unwrap();
    assert_eq!(hour2.observed_ms, 10 * MIN);
    assert_eq!(hour2.available_ms, 4 * MIN);
    let day = out.iter().find(|r| r.period == Period::Day).unwrap();
    assert_eq!(day.observed_ms, 40 * MIN);
    assert_eq!(day.available_ms, 4 * MIN);
    assert_eq!(day.events, 5);
}

#[test]
fn counts_trips_doors_faults_counters() {
    let mut b = book();
    let mut out = Vec::new();
    let evs = [
        ev(
            H0,
            1,
            EventBody::Counter(Counter {
                starts: 1000,
                run_hours: 50.0,
            }),
        ),
        ev(H0 + 1, 2, trip(3, 7200, 2.0)),
        ev(H0 + 2, 3, trip(0, 3600, -12.0)),
        ev(H0 + 3, 4, door(3000, 2)),
        ev(H0 + 4, 5, door(3000, 1)),
        ev(H0 + 5, 6, fault("DRV_OVERCURRENT", FaultSeverity::Minor)),
        ev(
            H0 + 6,
            7,
            EventBody::Counter(Counter {
                starts: 1002,
                run_hours: 50.25,
            }),
        ),
    ];
    for e in &evs {
        b.apply(e, &mut out);
    }
    let h = b.open().next().unwrap().clone();
    assert_eq!(h.trips, 2);
    assert!((h.trip_hours - 0.003).abs() < 1e-12);
    assert_eq!(h.door_cycles, 2);
    assert_eq!(h.door_reopens, 3);
    assert_eq!(h.faults, 1);
    assert_eq!(h.counter_starts, 2);
    assert!((h.counter_run_hours - 0.25).abs() < 1e-12);
    assert_eq!(h.levelling.count, 2);
    assert_eq!(h.levelling.mean_mm(), Some(-5.0));
    assert_eq!(h.levelling.max_abs_mm, 12.0);
    assert_eq!(h.levelling.p95_abs_mm(), Some(12.0));
}

#[test]
fn late_events_become_mergeable_partials() {
    let mut b = book();
    let mut out = Vec::new();
    b.apply(&ev(H0 + 2 * HOUR_MS, 10, trip(1, 5000, 1.0)), &mut out);
    assert!(out.is_empty());
    b.apply(&ev(H0 + 5 * MIN, 3, trip(1, 5000, 1.0)), &mut out);
    b.apply(&ev(H0 + 6 * MIN, 4, door(3000, 0)), &mut out);
    // One hour partial for H0 (merged), the day is still open and counts them.
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].start_ms, H0);
    assert_eq!(out[0].trips, 1);
    assert_eq!(out[0].door_cycles, 1);
    assert_eq!(out[0].observed_ms, 0);
    let day = b.open().find(|r| r.period == Period::Day).unwrap();
    assert_eq!(day.trips, 2);
}

#[test]
fn merge_adds_and_refuses_other_buckets() {
    let u = UnitKey::parse("EL-1").unwrap();
    let mut a = Rollup::new(u.clone(), Period::Hour, H0);
    a.trips = 3;
    a.levelling.add(4.0);
    a.available_ms = 10 * MIN;
    a.observed_ms = 20 * MIN;
    let mut b = a.clone();
    b.levelling.add(-30.0);
    a.merge(&b).unwrap();
    assert_eq!(a.trips, 6);
    assert_eq!(a.levelling.count, 3);
    assert_eq!(a.levelling.max_abs_mm, 30.0);
    assert_eq!(a.availability_pct(), Some(50.0));
    let other = Rollup::new(u, Period::Hour, H0 + HOUR_MS);
    assert_eq!(a.merge(&other), Err(MergeError));
    let json = serde_json::to_string(&a).unwrap();
    let back: Rollup = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}

#[test]
fn deltas_count_each_event_once_per_period() {
    use crate::synth::Fleet;
    let events: Vec<_> = Fleet::new(7, 5, 1_714_557_600_000, 30_000)
        .take(600)
        .collect();
    let deltas = Rollup::deltas(&events);
    for p in [Period::Hour, Period::Day] {
        let of =
            |f: fn(&Rollup) -> u64| -> u64 { deltas.iter().filter(|r| r.period == p).map(f).sum() };
        assert_eq!(of(|r| r.events), 600);
        let trips = events
            .iter()
            .filter(|e| matches!(e.body, crate::event::EventBody::Trip(_)))
            .count() as u64;
        assert_eq!(of(|r| r.trips), trips);
        assert!(trips > 0);
        // No two rows of one bucket.
        let mut keys: Vec<_> = deltas
            .iter()
            .filter(|r| r.period == p)
            .map(|r| (r.unit.clone(), r.start_ms))
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
    // 600 events 30 s apart span 5 hours: several hourly buckets.
    assert!(deltas.iter().filter(|r| r.period == Period::Hour).count() > 5);
}
