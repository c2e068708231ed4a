//! `hoistway train`: fits the failure-risk model offline on labelled days
//! the twin produces. A fleet of lift groups runs for `--days` simulated
//! days with faults injected on some lifts (door roller wear, levelling
//! drift, an overheating motor, drive-fault bursts); every event goes
//! through the same analytics engine the server runs; each unit-day's
//! rollup becomes one sample, labelled 1 when the unit's fault reaches
//! failure within the following week. The model JSON goes to `--out`
//! (the repository ships the default run's output as
//! `hoistway-analytics/src/risk/model.json`, built into the binary; `serve
//! --risk-model FILE` loads another at start).

use anyhow::Context;
use chrono::{TimeZone, Utc};
use hoistway_analytics::risk::{features, train, Features};
use hoistway_analytics::rollup::{Period, Rollup};
use hoistway_analytics::{decode_event, Engine, EngineConfig};
use hoistway_twin::sim::DispatchMode;
use hoistway_twin::{Building, FaultKind, Pattern, TelemetryTwin};
use std::collections::HashMap;
use std::path::Path;

const BUILDING: &str = include_str!("../../../../examples/buildings/office-20x6.toml");
const DAY_S: f64 = 86_400.0;

/// What a training run produced.
pub struct Trained {
    pub model_json: String,
    pub samples: usize,
    pub positives: usize,
}

/// Faults with a precursor the analytics can see (sudden breakdowns have
/// none; brake wear is the escalators').
pub(super) const PRECURSOR_FAULTS: [FaultKind; 4] = [
    FaultKind::DoorRollerWear,
    FaultKind::LevellingDrift,
    FaultKind::OverheatingMotor,
    FaultKind::DriveFaultBursts,
];

/// Six-lift groups of the example office building on one twin, and the
/// lift ids of each group.
pub(super) struct OfficeFleet {
    pub twin: TelemetryTwin,
    pub start: chrono::DateTime<Utc>,
    pub groups: Vec<Vec<String>>,
}

pub(super) fn office_fleet(groups: usize, seed: u64) -> anyhow::Result<OfficeFleet> {
    let building = Building::from_toml_str(BUILDING).context("example building")?;
    let group_id = building.groups()[0].id.clone();
    let lifts = building.groups()[0].lifts.len();
    let start = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap();
    let mut twin = TelemetryTwin::new(start, seed);
    let mut all = Vec::with_capacity(groups);
    for g in 0..groups {
        let ids: Vec<String> = (0..lifts)
            .map(|l| format!("ken:{}", 900_000 + g * 10 + l))
            .collect();
        twin.add_group(
            &building,
            &group_id,
            &ids,
            Pattern::Mixed,
            None,
            DispatchMode::Collective,
        )?;
        all.push(ids);
    }
    Ok(OfficeFleet {
        twin,
        start,
        groups: all,
    })
}

/// Runs the twin for `days` with `groups` six-lift groups and fits the model.
pub fn run_training(days: u32, groups: usize, seed: u64) -> anyhow::Result<Trained> {
    anyhow::ensure!((2..=120).contains(&days), "--days must be 2 to 120");
    anyhow::ensure!((1..=50).contains(&groups), "--groups must be 1 to 50");
    let OfficeFleet {
        mut twin,
        start,
        groups: ids_of,
    } = office_fleet(groups, seed)?;
    let kinds = PRECURSOR_FAULTS;
    let mut failure_s: HashMap<String, f64> = HashMap::new();
    for (g, ids) in ids_of.iter().enumerate() {
        // Two faulty lifts per group, failing at different points of the run.
        for (k, id) in ids.iter().take(2).enumerate() {
            let kind = kinds[(g * 2 + k) % kinds.len()];
            let fail_day = 1.0 + ((g * 7 + k * 3) % days as usize) as f64;
            let onset = ((fail_day - 5.0).max(0.2)) * DAY_S;
            let label = twin.inject_fault(id, kind, onset, fail_day * DAY_S)?;
            failure_s.insert(id.clone(), label.failure_s);
        }
    }
    let mut engine = Engine::new(EngineConfig::default());
    let mut days_out: Vec<Rollup> = Vec::new();
    for _ in 0..(days as usize * 24) {
        for e in twin.advance(3600.0) {
            if let Ok(ev) = decode_event(e.to_json().as_bytes()) {
                engine.ingest(&ev);
            }
        }
        let now_ms = twin.now().timestamp_millis();
        engine.tick(now_ms);
        days_out.extend(
            engine
                .rollups_drain(now_ms)
                .into_iter()
                .filter(|r| r.period == Period::Day),
        );
    }
    let samples: Vec<(Features, bool)> = days_out
        .iter()
        .map(|r| {
            let day_end_s = (r.start_ms - start.timestamp_millis()) as f64 / 1000.0 + DAY_S;
            let fails = failure_s
                .get(r.unit.as_str())
                .is_some_and(|f| *f >= day_end_s - DAY_S && *f < day_end_s + 7.0 * DAY_S);
            (features(r), fails)
        })
        .collect();
    let positives = samples.iter().filter(|(_, y)| *y).count();
    anyhow::ensure!(
        positives > 0 && positives < samples.len(),
        "the run produced one class only; use more days or groups"
    );
    let model = train(&samples);
    Ok(Trained {
        model_json: serde_json::to_string_pretty(&model)? + "\n",
        samples: samples.len(),
        positives,
    })
}

pub fn run(days: u32, groups: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    let t = run_training(days, groups, seed)?;
    std::fs::write(out, &t.model_json).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "trained on {} unit-days ({} labelled failing within a week); model written to {}",
        t.samples,
        t.positives,
        out.display()
    );
    Ok(())
}
