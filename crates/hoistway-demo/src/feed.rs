//! The demo's live fleet: the telemetry twin simulates every connected unit
//! of the demo buildings (lift groups from their stored topologies,
//! escalators and doors beside them) and feeds its events through the same
//! ingest pipeline devices use, so live status, rollups and findings fill up
//! while you watch. A few units carry injected faults (door roller wear,
//! levelling drift, an overheating motor) that turn into pre-emptive cases
//! as they progress.

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

/// Builds the twin for the demo fleet: its units keyed by equipment number.
pub async fn fleet(
    state: &AppState,
) -> Result<(TelemetryTwin, HashMap<String, UnitRef>), FeedError> {
    let scope = Scope::All;
    let mut twin = TelemetryTwin::new(state.clock.now(), 2026);
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
    // Faults that progress over the first simulated hours.
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
        if twin.inject_fault(id, *kind, *onset, *failure).is_ok() {
            faults.next();
        }
    }
    Ok((twin, refs))
}

/// Runs the fleet: every second of wall time the twin advances `speed`
/// simulated seconds and its events go through the ingest pipeline.
pub fn spawn(
    state: AppState,
    mut twin: TelemetryTwin,
    refs: HashMap<String, UnitRef>,
    speed: f64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let mut per_unit: HashMap<&str, String> = HashMap::new();
            let events = twin.advance(speed);
            for e in &events {
                if refs.contains_key(e.unit.as_str()) {
                    let line = per_unit.entry(e.unit.as_str()).or_default();
                    line.push_str(&e.to_json());
                    line.push('\n');
                }
            }
            let mut batch = Prepared::default();
            for (unit, payload) in &per_unit {
                if let Some(r) = refs.get(*unit) {
                    hoistway_connected::pipeline_of(&state).prepare(
                        r,
                        payload.as_bytes(),
                        "demo",
                        state.clock.now(),
                        &mut batch,
                    );
                }
            }
            if batch.is_empty() {
                continue;
            }
            if let Err(e) = hoistway_connected::pipeline_of(&state)
                .commit(&state.db, &state.metrics, state.clock.now(), &batch)
                .await
            {
                tracing::warn!(error = %e, "demo telemetry batch failed");
            }
        }
    })
}
