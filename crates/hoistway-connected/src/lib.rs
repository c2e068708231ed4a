//! Connected equipment: telemetry ingest (HTTP and MQTT), the in-process
//! analytics pipeline, live state, rollups, findings, remote commands and
//! retention.
//!
//! Module map:
//! - [`pipeline`]: the one path every event takes: decode, check the unit,
//!   store (deduplicated by `(unit, seq)`), count into rollups, feed the
//!   analytics engine, persist live state and findings, all in one
//!   transaction per batch.
//! - [`convert`]: analytics types to storage rows.
//! - [`cases_hook`]: where findings and entrapment alarms reach the service
//!   desk (one function).
//! - [`health`]: whether ingest is failing to store, and since when.
//! - [`remote`]: the safety gate and life cycle of remote commands.
//! - [`mqtt`]: the broker connection: shared subscription, manual acks
//!   after commit, command publishing.
//! - [`publisher`]: the command publisher the pipeline holds.
//! - `mqtt_ingest`: broker messages to committed batches in two stages
//!   (decode beside store), with a lane of its own for entrapment alarms.
//! - [`credentials`]: issuing device tokens, and the Mosquitto password and
//!   ACL files that let each device publish only as its own unit.
//! - [`jobs`]: periodic work: offline detection, closing rollup buckets,
//!   command timeouts, raw-event retention.
//!
//! Architecture invariant: an event is acknowledged (HTTP 200, MQTT PUBACK)
//! only after the transaction holding it, its rollup counts and its
//! findings has committed. The database, not the in-memory engine, decides
//! what is a duplicate, so counts stay exact across restarts and nodes.

pub mod cases_hook;
pub mod convert;
pub mod credentials;
#[cfg(test)]
mod fuzz;
pub mod health;
pub mod jobs;
pub mod mqtt;
mod mqtt_ingest;
pub mod pipeline;
pub mod publisher;
pub mod remote;
pub mod store_retry;

pub use pipeline::{IngestReport, Pipeline};

pub use hoistway_app::state::ConnectedSettings;

use hoistway_app::state::AppState;
use std::sync::Arc;

/// The process's telemetry pipeline (made on first use from the
/// connected settings; every clone of the state shares it).
pub fn pipeline_of(state: &AppState) -> Arc<Pipeline> {
    state
        .capabilities
        .get_or_init(|| Pipeline::new(state.settings.connected.clone()))
}
