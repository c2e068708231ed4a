//! The one entry point the server drives: events in, findings and rollups out.
//!
//! Per unit the engine keeps a dedupe window, the live state, the analytics
//! and the open rollup buckets. Everything is in memory and deterministic;
//! time only moves with event timestamps and the `now_ms` the caller passes
//! to [`Engine::tick`] and [`Engine::rollups_drain`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::dedupe::{SeqVerdict, SeqWindow};
use crate::detect::config::AnalyticsConfig;
use crate::detect::unit::UnitAnalytics;
use crate::detect::{Finding, FindingKind, Severity};
use crate::event::{Event, UnitKey};
use crate::risk::{features, Model};
use crate::rollup::book::RollupBook;
use crate::rollup::{Period, Rollup};
use crate::state::{is_safe_for_remote_command, Refusal, StateConfig, StatusView, UnitState};

/// Configuration of the whole pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    pub state: StateConfig,
    pub analytics: AnalyticsConfig,
    /// How late (event time) an event may arrive and still land in its
    /// rollup bucket when buckets close on the event-time watermark.
    pub lateness_ms: i64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            state: StateConfig::default(),
            analytics: AnalyticsConfig::default(),
            lateness_ms: 2 * 60_000,
        }
    }
}

#[derive(Debug, Clone)]
struct Slot {
    seq: SeqWindow,
    state: UnitState,
    analytics: UnitAnalytics,
    rollups: RollupBook,
}

/// What happened to one event.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestOutcome {
    pub verdict: SeqVerdict,
    /// Findings raised, updated or cleared by this event (usually none).
    pub findings: Vec<Finding>,
}

/// Counts for a batch, in the shape `POST /telemetry` answers with.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchOutcome {
    pub accepted: usize,
    /// Duplicates and events too old for the dedupe window.
    pub duplicates: usize,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

/// Streaming analytics over a fleet.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    cfg: EngineConfig,
    units: HashMap<UnitKey, Slot>,
    rollups: Vec<Rollup>,
    risk: Model,
    /// The newest event time accepted from any unit. Analytics run on event
    /// time: a tick judges silence and empties windows at
    /// `max(now, watermark)`, so a feed running ahead of the wall clock
    /// (the demo's twin at `--speed N`, a replay) is judged by its own time
    /// and never looks stale.
    watermark_ms: i64,
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Self {
        Self {
            cfg,
            units: HashMap::new(),
            rollups: Vec::new(),
            risk: Model::shipped(),
            watermark_ms: i64::MIN,
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// Processes one event; findings it triggers are appended to `findings`.
    pub fn ingest_into(&mut self, ev: &Event, findings: &mut Vec<Finding>) -> SeqVerdict {
        let Self {
            cfg,
            units,
            rollups,
            watermark_ms,
            ..
        } = self;
        // Look up by &str first so the common case does not clone the key.
        if !units.contains_key(ev.unit.as_str()) {
            units.insert(
                ev.unit.clone(),
                Slot {
                    seq: SeqWindow::new(),
                    state: UnitState::default(),
                    analytics: UnitAnalytics::new(&cfg.analytics),
                    rollups: RollupBook::new(ev.unit.clone(), cfg.state.offline_after_ms),
                },
            );
        }
        let slot = units
            .get_mut(ev.unit.as_str())
            .expect("slot inserted above");
        let verdict = slot.seq.check_and_mark(ev.seq);
        if verdict != SeqVerdict::New {
            return verdict;
        }
        *watermark_ms = (*watermark_ms).max(ev.ts_ms);
        slot.state.apply(ev, &cfg.state);
        slot.analytics
            .ingest(&ev.unit, ev, &cfg.analytics, findings);
        slot.rollups.apply(ev, rollups);
        verdict
    }

    /// Processes one event.
    pub fn ingest(&mut self, ev: &Event) -> IngestOutcome {
        let mut findings = Vec::new();
        let verdict = self.ingest_into(ev, &mut findings);
        IngestOutcome { verdict, findings }
    }

    /// Processes a batch in order.
    pub fn ingest_batch<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> BatchOutcome {
        let mut out = BatchOutcome::default();
        for ev in events {
            match self.ingest_into(ev, &mut out.findings) {
                SeqVerdict::New => out.accepted += 1,
                SeqVerdict::Duplicate | SeqVerdict::TooOld => out.duplicates += 1,
            }
        }
        out
    }

    /// Time passes without events: raises `Offline` for silent units and
    /// clears findings whose windows have emptied. Call periodically.
    pub fn tick(&mut self, now_ms: i64) -> Vec<Finding> {
        let now_ms = self.event_now(now_ms);
        let mut out = Vec::new();
        let (scfg, acfg) = (&self.cfg.state, &self.cfg.analytics);
        for (unit, slot) in &mut self.units {
            slot.analytics.tick(unit, now_ms, acfg, &mut out);
            if let Some(seen) = slot.state.last_seen_ms() {
                if !slot.state.is_connected(now_ms, scfg)
                    && !slot.analytics.is_open(FindingKind::Offline)
                {
                    slot.analytics
                        .mark_offline(unit, now_ms, now_ms - seen, &mut out);
                }
            }
        }
        out
    }

    /// Rollups ready for storage: buckets that ended by `now_ms`, plus late
    /// partials. Merge rows of the same `(unit, period, start_ms)`.
    pub fn rollups_drain(&mut self, now_ms: i64) -> Vec<Rollup> {
        let now_ms = now_ms.max(self.watermark_ms.saturating_sub(self.cfg.lateness_ms));
        for slot in self.units.values_mut() {
            slot.rollups.close_until(now_ms, &mut self.rollups);
        }
        std::mem::take(&mut self.rollups)
    }

    /// Every rollup including the open buckets as they stand (shutdown).
    pub fn rollups_flush(&mut self, now_ms: i64) -> Vec<Rollup> {
        for slot in self.units.values_mut() {
            slot.rollups.flush(now_ms, &mut self.rollups);
        }
        std::mem::take(&mut self.rollups)
    }

    /// The time analytics judge by: the caller's clock, or the event-time
    /// watermark when events run ahead of it.
    pub fn event_now(&self, now_ms: i64) -> i64 {
        now_ms.max(self.watermark_ms)
    }

    /// Replaces the failure-risk model (e.g. one retrained on the fleet).
    pub fn set_risk_model(&mut self, model: Model) {
        self.risk = model;
    }

    /// Scores a closed daily rollup with the failure-risk model, raising or
    /// clearing `FailureRisk` for its unit. Returns the score (`None` for
    /// hourly rollups or unknown units) and appends findings to `out`.
    pub fn assess_day(&mut self, day: &Rollup, out: &mut Vec<Finding>) -> Option<f64> {
        if day.period != Period::Day {
            return None;
        }
        let slot = self.units.get_mut(day.unit.as_str())?;
        let score = self.risk.score(&features(day));
        slot.analytics.set_risk(
            &day.unit,
            day.start_ms + day.period.len_ms(),
            score,
            &self.cfg.analytics,
            out,
        );
        Some(score)
    }

    /// The open (current hour and day) rollups of a unit.
    pub fn open_rollups(&self, unit: &str) -> Vec<Rollup> {
        self.units
            .get(unit)
            .map(|s| s.rollups.open().cloned().collect())
            .unwrap_or_default()
    }

    pub fn state(&self, unit: &str) -> Option<&UnitState> {
        self.units.get(unit).map(|s| &s.state)
    }

    /// The unit's status as `GET /units/{id}/status` shows it.
    pub fn status(&self, unit: &str, now_ms: i64) -> Option<StatusView> {
        self.state(unit).map(|s| s.view(now_ms, &self.cfg.state))
    }

    /// The remote-command gate for a unit; unknown units are offline.
    pub fn check_remote_command(&self, unit: &str, now_ms: i64) -> Result<(), Refusal> {
        match self.state(unit) {
            Some(s) => is_safe_for_remote_command(s, now_ms, &self.cfg.state),
            None => Err(Refusal::Offline),
        }
    }

    pub fn open_findings(&self, unit: &str) -> Vec<(FindingKind, Severity)> {
        self.units
            .get(unit)
            .map(|s| s.analytics.open_findings().collect())
            .unwrap_or_default()
    }

    /// Forgets a unit's learned baselines (after repair); returns the
    /// findings this clears.
    pub fn rebaseline(&mut self, unit: &str, now_ms: i64) -> Vec<Finding> {
        let mut out = Vec::new();
        let key = self.units.get_key_value(unit).map(|(k, _)| k.clone());
        if let (Some(key), Some(slot)) = (key, self.units.get_mut(unit)) {
            slot.analytics
                .rebaseline(&key, now_ms, &self.cfg.analytics, &mut out);
        }
        out
    }

    /// Forgets a unit's sequence numbers (controller replaced, counter reset).
    pub fn reset_sequence(&mut self, unit: &str) {
        if let Some(s) = self.units.get_mut(unit) {
            s.seq.reset();
        }
    }

    pub fn units(&self) -> impl Iterator<Item = &UnitKey> {
        self.units.keys()
    }

    /// Bytes of per-unit dedupe, state and analytics (rollup buckets not
    /// included: they are storage-bound output, not analytics state).
    pub fn unit_footprint(&self, unit: &str) -> Option<usize> {
        self.units.get(unit).map(|s| {
            std::mem::size_of::<SeqWindow>()
                + std::mem::size_of::<UnitState>()
                + s.state.heap_bytes()
                + s.analytics.footprint()
        })
    }
}

#[cfg(test)]
mod tests;
