//! Hourly and daily per-unit rollups: what reports read.
//!
//! A [`Rollup`] is a plain, serialisable, mergeable accumulator: two rollups
//! of the same `(unit, period, start)` add up with [`Rollup::merge`], so the
//! storage layer can upsert a late-arriving partial into a stored row.
//! [`book::RollupBook`] fills them from events, one book per unit.

pub mod book;
mod levelling;

use serde::{Deserialize, Serialize};

pub use levelling::{LevellingStats, BIN_EDGES_MM};

use crate::event::UnitKey;
use crate::time::{DAY_MS, HOUR_MS};

/// Bucket length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Hour,
    Day,
}

impl Period {
    pub fn len_ms(self) -> i64 {
        match self {
            Self::Hour => HOUR_MS,
            Self::Day => DAY_MS,
        }
    }

    /// Start of the UTC bucket containing `ts_ms`.
    pub fn start_of(self, ts_ms: i64) -> i64 {
        ts_ms - ts_ms.rem_euclid(self.len_ms())
    }
}

/// Two rollups of different buckets cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot merge rollups of different buckets")]
pub struct MergeError;

/// Counts for one unit over one hour or day (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    pub unit: UnitKey,
    pub period: Period,
    /// Bucket start, epoch milliseconds (UTC).
    pub start_ms: i64,
    /// Events counted (all kinds).
    pub events: u64,
    /// Trips ("starts" as reports call them when no counter is fitted).
    pub trips: u64,
    /// Sum of trip durations, in hours: running time seen trip by trip.
    pub trip_hours: f64,
    /// Increase of the absolute `starts` counter, attributed to the bucket of
    /// the later reading. Zero without counter reports.
    pub counter_starts: u64,
    /// Increase of the absolute `run_hours` counter, likewise.
    pub counter_run_hours: f64,
    pub door_cycles: u64,
    pub door_reopens: u64,
    pub door_obstructions: u64,
    pub levelling: LevellingStats,
    pub faults: u64,
    /// Milliseconds of the bucket the unit reported itself available.
    pub available_ms: i64,
    /// Milliseconds of the bucket with a known status (reported and not
    /// offline). Availability is `available_ms / observed_ms`.
    pub observed_ms: i64,
}

impl Rollup {
    /// An empty bucket.
    pub fn new(unit: UnitKey, period: Period, start_ms: i64) -> Self {
        Self {
            unit,
            period,
            start_ms,
            events: 0,
            trips: 0,
            trip_hours: 0.0,
            counter_starts: 0,
            counter_run_hours: 0.0,
            door_cycles: 0,
            door_reopens: 0,
            door_obstructions: 0,
            levelling: LevellingStats::default(),
            faults: 0,
            available_ms: 0,
            observed_ms: 0,
        }
    }

    pub fn end_ms(&self) -> i64 {
        self.start_ms + self.period.len_ms()
    }

    pub fn contains(&self, ts_ms: i64) -> bool {
        (self.start_ms..self.end_ms()).contains(&ts_ms)
    }

    /// Time-weighted availability in percent, or `None` when no status was
    /// known during the bucket.
    pub fn availability_pct(&self) -> Option<f64> {
        (self.observed_ms > 0).then(|| 100.0 * self.available_ms as f64 / self.observed_ms as f64)
    }

    /// Counts one event into this bucket: the event-additive fields only
    /// (events, trips, doors, levelling, faults), not counter increases or
    /// availability, which need the unit's history. This is what a store
    /// adds in the same transaction as the event, so each stored event is
    /// counted exactly once whatever happens to the in-memory engine.
    pub fn count_event(&mut self, ev: &crate::event::Event) {
        book::count(self, ev, None);
    }

    /// The event-additive deltas of a batch: one hourly and one daily
    /// rollup per `(unit, bucket)` touched, each counting its events with
    /// [`Rollup::count_event`].
    pub fn deltas<'a>(events: impl IntoIterator<Item = &'a crate::event::Event>) -> Vec<Rollup> {
        let mut out: Vec<Rollup> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for ev in events {
            for p in [Period::Hour, Period::Day] {
                let start = p.start_of(ev.ts_ms);
                let i = *index.entry((ev.unit.clone(), p, start)).or_insert_with(|| {
                    out.push(Rollup::new(ev.unit.clone(), p, start));
                    out.len() - 1
                });
                out[i].count_event(ev);
            }
        }
        out
    }

    /// Adds `other` (same unit, period and start) into `self`.
    pub fn merge(&mut self, other: &Rollup) -> Result<(), MergeError> {
        if self.unit != other.unit || self.period != other.period || self.start_ms != other.start_ms
        {
            return Err(MergeError);
        }
        self.events += other.events;
        self.trips += other.trips;
        self.trip_hours += other.trip_hours;
        self.counter_starts += other.counter_starts;
        self.counter_run_hours += other.counter_run_hours;
        self.door_cycles += other.door_cycles;
        self.door_reopens += other.door_reopens;
        self.door_obstructions += other.door_obstructions;
        self.levelling.merge(&other.levelling);
        self.faults += other.faults;
        // Partials of one bucket cover disjoint stretches of time (late
        // partials carry counts only), so time adds up, capped at the bucket.
        let len = self.period.len_ms();
        self.available_ms = (self.available_ms + other.available_ms).min(len);
        self.observed_ms = (self.observed_ms + other.observed_ms).min(len);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
