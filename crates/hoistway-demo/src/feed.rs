//! The demo's live fleet: the telemetry twin simulates every connected unit
//! of the demo buildings (lift groups from their stored topologies,
//! escalators and doors beside them) and feeds its events through the same
//! ingest pipeline devices use, so live status, rollups and findings fill up
//! while you watch. A few units carry injected faults (door roller wear,
//! levelling drift, an overheating motor) that turn into pre-emptive cases
//! as they progress.
//!
//! A fleet that has been connected for a while has detectors that know
//! each unit's normal. So on a fresh demo the twin starts [`WARM_UP`]
//! before "now" and [`spawn`] first replays those hours as fast as the
//! machine allows, every batch and tick judged at its own event time,
//! through the same pipeline (its telemetry is stored like any other);
//! the faults begin only after that, while you watch. The history's
//! rollups end where the warm-up begins (`history::seed_rollups`).

use hoistway_app::state::AppState;
use hoistway_connected::pipeline::Prepared;
use hoistway_domain::Scope;
use hoistway_store::telemetry::UnitRef;
use hoistway_store::{buildings, topology, units, ListFilter};
use hoistway_twin::faults::FaultKind;
use hoistway_twin::sim::DispatchMode;
use hoistway_twin::telemetry::TelemetryTwin;
use hoistway_twin::traffic::Pattern;
use std::collections::HashMap;
use std::time::Duration;

/// Why the demo fleet could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Store(#[from] hoistway_store::StoreError),
    #[error(transparent)]
    Topology(#[from] hoistway_domain::Invalid),
    #[error(transparent)]
    Twin(#[from] hoistway_twin::TwinError),
}

/// How long before "now" the twin of a freshly seeded demo starts: longer
/// than the detectors' learning (32 + 500 samples, about nine hours for
/// the one-a-minute motor temperature), with the motors warmed through.
pub const WARM_UP: chrono::Duration = chrono::Duration::hours(12);

/// Simulated seconds per batch of the warm-up (and ticks between them).
const WARM_UP_STEP_S: f64 = 300.0;

/// Builds the twin for the demo fleet: its units keyed by equipment number.
/// The twin starts `warm_up` before the clock's now ([`WARM_UP`] on a fresh
/// demo, zero when it continues an earlier run's data) and its injected
/// faults begin after that.
pub async fn fleet(
    state: &AppState,
    warm_up: chrono::Duration,
) -> Result<(TelemetryTwin, HashMap<String, UnitRef>), FeedError> {
    let scope = Scope::All;
    let mut twin = TelemetryTwin::new(state.clock.now() - warm_up, 2026);
    let mut refs = HashMap::new();
    for b in buildings::list(&state.db, &scope, &ListFilter::limited(500))
        .await?
        .items
    {
        let fleet = units::list(
            &state.db,
            &scope,
            &ListFilter {
                building_id: Some(b.id),
                ..ListFilter::limited(500)
            },
        )
        .await?
        .items;
        let number_of: HashMap<i64, &units::Unit> = fleet.iter().map(|u| (u.id, u)).collect();
        if let Ok(topo) = topology::get(&state.db, &scope, b.id).await {
            let model = topology::twin_building(&topo)?;
            for g in &topo.groups {
                let ids: Vec<String> = g
                    .lifts
                    .iter()
                    .map(|l| match l.unit_id.and_then(|u| number_of.get(&u)) {
                        Some(u) if u.connected => u.equipment_number.clone(),
                        _ => format!("twin:{}:{}:{}", b.id, g.id, l.id),
                    })
                    .collect();
                twin.add_group(
                    &model,
                    &g.id,
                    &ids,
                    Pattern::Mixed,
                    None,
                    DispatchMode::Destination,
                )?;
            }
        }
        for u in fleet.iter().filter(|u| u.connected) {
            match u.kind {
                hoistway_domain::fleet::UnitKind::Escalator => {
                    twin.add_escalator(&u.equipment_number)?
                }
                hoistway_domain::fleet::UnitKind::Door => {
                    twin.add_door(&u.equipment_number, 40.0)?
                }
                hoistway_domain::fleet::UnitKind::Elevator => {}
            }
            refs.insert(
                u.equipment_number.clone(),
                UnitRef {
                    unit_id: u.id,
                    customer_id: u.customer_id,
                    equipment_number: u.equipment_number.clone(),
                },
            );
        }
    }
    // Faults that progress over the first simulated hours after the warm-up.
    let live = warm_up.num_milliseconds() as f64 / 1000.0;
    let elevators: Vec<String> = {
        let mut v: Vec<String> = refs.keys().cloned().collect();
        v.sort();
        v
    };
    let plan = [
        (FaultKind::DoorRollerWear, 600.0, 4.0 * 3600.0),
        (FaultKind::LevellingDrift, 900.0, 5.0 * 3600.0),
        (FaultKind::OverheatingMotor, 1200.0, 6.0 * 3600.0),
    ];
    let mut faults = plan.iter();
    for id in &elevators {
        let Some((kind, onset, failure)) = faults.clone().next() else {
            break;
        };
        if twin
            .inject_fault(id, *kind, live + onset, live + failure)
            .is_ok()
        {
            faults.next();
        }
    }
    Ok((twin, refs))
}

/// Runs the fleet: first the warm-up, the twin's hours before the clock's
/// now replayed at once (the connected-equipment jobs start after it, so
/// their ticks never judge the replay against the wall clock); then every
/// second of wall time the twin advances `speed` simulated seconds and its
/// events go through the ingest pipeline. Aborting the task stops the jobs
/// too.
pub fn spawn(
    state: AppState,
    mut twin: TelemetryTwin,
    refs: HashMap<String, UnitRef>,
    speed: f64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        warm_up(&state, &mut twin, &refs).await;
        let jobs = hoistway_connected::jobs::spawn(state.clone(), Duration::from_secs(5));
        let _stop_jobs = AbortOnDrop(jobs);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let events = twin.advance(speed);
            ingest(&state, &events, &refs, state.clock.now()).await;
        }
    })
}

/// Replays the twin up to the clock's now, judging each batch at the
/// twin's time. Returns the events sent for the fleet's units.
pub async fn warm_up(
    state: &AppState,
    twin: &mut TelemetryTwin,
    refs: &HashMap<String, UnitRef>,
) -> usize {
    let started = std::time::Instant::now();
    let mut replayed = 0;
    loop {
        let left = (state.clock.now() - twin.now()).num_milliseconds() as f64 / 1000.0;
        if left <= 0.0 {
            break;
        }
        let events = twin.advance(left.min(WARM_UP_STEP_S));
        let at = twin.now();
        replayed += ingest(state, &events, refs, at).await;
        if let Err(e) = hoistway_connected::jobs::tick_at(state, at).await {
            tracing::warn!(error = %e, "demo warm-up tick failed");
        }
    }
    if replayed > 0 {
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            events = replayed,
            "demo twin: warm-up replayed"
        );
    }
    replayed
}

/// Sends the twin's events of the fleet's units through the ingest
/// pipeline as one batch received at `now`; returns how many it sent (the
/// twin also simulates lifts the demo does not connect).
async fn ingest(
    state: &AppState,
    events: &[hoistway_twin::telemetry::Event],
    refs: &HashMap<String, UnitRef>,
    now: chrono::DateTime<chrono::Utc>,
) -> usize {
    let mut per_unit: HashMap<&str, String> = HashMap::new();
    for e in events {
        if refs.contains_key(e.unit.as_str()) {
            let line = per_unit.entry(e.unit.as_str()).or_default();
            line.push_str(&e.to_json());
            line.push('\n');
        }
    }
    let pipeline = hoistway_connected::pipeline_of(state);
    let mut batch = Prepared::default();
    for (unit, payload) in &per_unit {
        if let Some(r) = refs.get(*unit) {
            pipeline.prepare(r, payload.as_bytes(), "demo", now, &mut batch);
        }
    }
    if batch.is_empty() {
        return 0;
    }
    if let Err(e) = pipeline
        .commit(&state.db, &state.metrics, now, &batch)
        .await
    {
        tracing::warn!(error = %e, "demo telemetry batch failed");
    }
    batch.events()
}

/// Aborts a task when dropped (the jobs end with the feed that started them).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
