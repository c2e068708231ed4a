//! Hoistway connected equipment: the pure analytics core.
//!
//! Module map:
//! - [`backtest`]: `analyze_csv`, the offline back-test over a CSV series.
//! - [`decode`] / [`encode`]: fast JSON and NDJSON reading, and writing back.
//! - [`dedupe`]: per-unit sliding window over sequence numbers.
//! - [`detect`]: rules, robust detectors, findings, fault catalog.
//! - [`engine`]: the entry point: events in, findings and rollups out.
//! - [`eval`]: per-row F1/FAR/MAR and the NAB changepoint score, for benchmarks.
//! - [`event`]: the telemetry event schema v1 as Rust types.
//! - [`risk`]: learned failure-risk score (logistic regression on rollups).
//! - [`rollup`]: hourly and daily mergeable accumulators per unit.
//! - [`state`]: live per-unit state, connectivity, remote-command gate.
//! - [`synth`]: seeded synthetic telemetry for tests and benchmarks.
//! - [`time`]: RFC 3339 to epoch milliseconds, hour and day buckets.
//!
//! Architecture invariant: this crate does no IO of its own. No files, no
//! network, no environment, no clock: callers pass `now` and timestamps in,
//! so every function here is deterministic and testable without sleeping.

pub mod backtest;
pub mod decode;
pub mod dedupe;
pub mod detect;
pub mod encode;
pub mod engine;
pub mod eval;
pub mod event;
pub mod risk;
pub mod rollup;
pub mod state;
pub mod synth;
pub mod time;

#[cfg(test)]
mod testutil;

pub use backtest::{analyze_csv, AnalyzeError, AnalyzeOptions, Summary};
pub use decode::{decode_event, decode_ndjson, BatchDecode, DecodeError, LineError};
pub use dedupe::SeqVerdict;
pub use detect::{AnalyticsConfig, DetectorConfig};
pub use detect::{Finding, FindingKind, FindingStatus, Severity};
pub use encode::{encode_event, encode_ndjson};
pub use engine::{BatchOutcome, Engine, EngineConfig, IngestOutcome};
pub use event::*;
pub use rollup::{Period, Rollup};
pub use state::{is_safe_for_remote_command, Refusal, StatusView, UnitState};
