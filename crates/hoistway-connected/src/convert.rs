//! Analytics results (pure types of `hoistway-analytics`) to storage rows.

use chrono::{DateTime, Utc};
use hoistway_analytics::rollup::BIN_EDGES_MM;
use hoistway_analytics::{Finding, FindingStatus, Period, Rollup, StatusView};
use hoistway_store::findings::{FindingChange, Transition};
use hoistway_store::live::LiveState;
use hoistway_store::rollups::RollupDelta;
use serde::Serialize;

/// The wire name of a serde enum (`FindingKind::DoorWear` → `door_wear`).
pub fn wire<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

fn period(p: Period) -> &'static str {
    match p {
        Period::Hour => "hour",
        Period::Day => "day",
    }
}

/// Index of the first levelling histogram bin at or above 10 mm.
fn over_10mm_bin() -> usize {
    BIN_EDGES_MM
        .iter()
        .position(|&e| e > 10.0)
        .unwrap_or(BIN_EDGES_MM.len())
}

/// The event-additive counts of a batch delta (see `Rollup::count_event`).
pub fn counts(r: &Rollup, unit_id: i64, customer_id: i64) -> RollupDelta {
    let l = &r.levelling;
    RollupDelta {
        unit_id,
        customer_id,
        period: period(r.period),
        start_ms: r.start_ms,
        events: r.events as i64,
        starts: r.trips as i64,
        run_ms: (r.trip_hours * 3_600_000.0).round() as i64,
        door_cycles: r.door_cycles as i64,
        door_reopens: r.door_reopens as i64,
        door_obstructions: r.door_obstructions as i64,
        levelling_count: l.count as i64,
        levelling_sum_mm: l.sum_mm,
        levelling_sum_sq_mm2: l.sum_sq_mm2,
        levelling_max_abs_mm: f64::from(l.max_abs_mm),
        levelling_over_10mm: l.histogram[over_10mm_bin()..]
            .iter()
            .map(|&c| i64::from(c))
            .sum(),
        faults: r.faults as i64,
        ..Default::default()
    }
}

/// The history-dependent part of a bucket the engine closed: availability
/// time and counter increases. Its counts were already stored with the
/// events, so they are left out here.
pub fn history(r: &Rollup, unit_id: i64, customer_id: i64) -> RollupDelta {
    RollupDelta {
        unit_id,
        customer_id,
        period: period(r.period),
        start_ms: r.start_ms,
        counter_starts: r.counter_starts as i64,
        counter_run_hours: r.counter_run_hours,
        available_ms: r.available_ms,
        observed_ms: r.observed_ms,
        ..Default::default()
    }
}

pub fn finding_change(
    f: &Finding,
    unit_id: i64,
    customer_id: i64,
    at: DateTime<Utc>,
) -> FindingChange {
    FindingChange {
        unit_id,
        customer_id,
        kind: wire(&f.kind),
        transition: match f.status {
            FindingStatus::Raised => Transition::Raised,
            FindingStatus::Updated => Transition::Updated,
            FindingStatus::Cleared => Transition::Cleared,
        },
        severity: wire(&f.severity),
        explanation: f.explanation.clone(),
        likely_fault: f.likely_fault.clone(),
        spares: f.suggested_spares.clone(),
        evidence: f
            .evidence
            .as_ref()
            .and_then(|e| serde_json::to_value(e).ok()),
        at,
    }
}

/// The engine's view of a unit (taken at its last event, so nothing is
/// hidden as offline) as a stored row.
pub fn live_state(
    v: &StatusView,
    unit_id: i64,
    customer_id: i64,
    version: i64,
    now: DateTime<Utc>,
) -> LiveState {
    LiveState {
        unit_id,
        customer_id,
        mode: v.mode.map(|m| m.as_str().to_string()),
        available: v.available,
        last_seen: v.last_seen_ms.and_then(DateTime::from_timestamp_millis),
        current_floor: v.floor.map(i64::from),
        passengers: v.passengers.map(i64::from),
        starts: v.starts.map(|s| s as i64),
        run_hours: v.run_hours,
        alarms: v.alarms.iter().map(|a| a.as_str().to_string()).collect(),
        faults: serde_json::to_value(&v.faults).unwrap_or_default(),
        version,
        updated_at: now,
    }
}
