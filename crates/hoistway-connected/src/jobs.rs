//! Periodic work of connected equipment.
//!
//! [`tick`] (every few seconds): lets the analytics notice silence (units
//! going offline, windows emptying), closes rollup buckets whose time is up
//! and stores their availability and counter increases, scores closed days
//! with the failure-risk model, and times out unanswered commands.
//! [`purge`] (hourly): deletes raw events past the retention period.
//!
//! Both are plain functions so tests drive them with a manual clock; the
//! intervals in [`spawn`] only call them. When several nodes run, each
//! ticks its own engine (its findings and buckets are its own, fed by the
//! events its share of the subscription brings); command timeouts are
//! idempotent; the purge runs on one node at a time under the database
//! lease `telemetry-retention`.

use super::convert;
use chrono::{DateTime, Utc};
use hoistway_analytics::Period;
use hoistway_app::state::AppState;
use hoistway_store::{commands, leases, rollups, telemetry, Actor, StoreError};
use std::time::Duration;
use tokio::task::JoinHandle;

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TickReport {
    pub findings: usize,
    pub buckets_closed: usize,
    pub commands_timed_out: usize,
}

pub async fn tick(state: &AppState) -> Result<TickReport, StoreError> {
    tick_at(state, state.clock.now()).await
}

/// [`tick`] as of `now`: a replay of past telemetry (the demo's warm-up)
/// ticks at its own event time, so silence and bucket ends are judged as
/// they were then, not against the wall clock hours later.
pub async fn tick_at(state: &AppState, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
    let now_ms = now.timestamp_millis();
    let (mut found, closed) = crate::pipeline_of(state).with_engine(|engine| {
        let mut found = engine.tick(now_ms);
        let closed = engine.rollups_drain(now_ms);
        for day in closed.iter().filter(|r| r.period == Period::Day) {
            engine.assess_day(day, &mut found);
        }
        (found, closed)
    });
    let deltas: Vec<_> = closed
        .iter()
        .filter_map(|r| {
            let id = r.unit.as_str().parse::<i64>().ok()?;
            Some(convert::history(
                r,
                id,
                crate::pipeline_of(state).customer_of(id)?,
            ))
        })
        .collect();
    found.retain(|f| {
        f.unit
            .as_str()
            .parse::<i64>()
            .is_ok_and(|id| crate::pipeline_of(state).customer_of(id).is_some())
    });
    let mut tx = state.db.begin().await?;
    rollups::add(&mut tx, &deltas).await?;
    crate::pipeline_of(state)
        .store_findings(&mut tx, &found, now, &state.metrics)
        .await?;
    tx.commit().await?;
    let timed_out = commands::expire(
        &state.db,
        Actor {
            user_id: None,
            at: now,
        },
    )
    .await?;
    Ok(TickReport {
        findings: found.len(),
        buckets_closed: closed.len(),
        commands_timed_out: timed_out.len(),
    })
}

/// Deletes raw events and dead letters older than the retention period.
pub async fn purge(state: &AppState) -> Result<u64, StoreError> {
    let cutoff = state.clock.now() - crate::pipeline_of(state).settings().retention;
    let gone = telemetry::purge_events_before(&state.db, cutoff).await?;
    if gone > 0 {
        tracing::info!(rows = gone, %cutoff, "purged raw telemetry past retention");
    }
    Ok(gone)
}

/// Runs [`tick`] every `every` and [`purge`] hourly until aborted.
pub fn spawn(state: AppState, every: Duration) -> JoinHandle<()> {
    let holder = hoistway_app::state::lease_holder();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        let mut purges = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = ticks.tick() => {
                    if let Err(e) = tick(&state).await {
                        tracing::error!(error = %e, "connected-equipment tick failed");
                    }
                }
                _ = purges.tick() => {
                    let now = state.clock.now();
                    let leased = leases::try_acquire(
                        &state.db,
                        "telemetry-retention",
                        &holder,
                        now,
                        chrono::Duration::minutes(50),
                    )
                    .await;
                    match leased {
                        Ok(true) => {
                            if let Err(e) = purge(&state).await {
                                tracing::error!(error = %e, "telemetry retention purge failed");
                            }
                        }
                        Ok(false) => {}
                        Err(e) => tracing::error!(error = %e, "retention lease failed"),
                    }
                }
            }
        }
    })
}
