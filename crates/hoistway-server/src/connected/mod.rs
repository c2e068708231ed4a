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
//! - [`remote`]: the safety gate and life cycle of remote commands.
//! - [`mqtt`]: the broker connection: shared subscription, manual acks
//!   after commit, command publishing.
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
pub mod jobs;
pub mod mqtt;
mod mqtt_ingest;
pub mod pipeline;
pub mod remote;
pub mod store_retry;

pub use pipeline::{IngestReport, Pipeline};

/// Tunables of connected equipment.
#[derive(Debug, Clone)]
pub struct ConnectedSettings {
    /// Without events for this long a unit is "lost": mode unknown, not available.
    pub offline_after: chrono::Duration,
    /// Raw events and dead letters older than this are deleted.
    pub retention: chrono::Duration,
    /// A remote command without an acknowledgement by then times out.
    pub command_timeout: chrono::Duration,
    /// Largest accepted telemetry batch, bytes.
    pub ingest_body_limit: usize,
    /// Failure-risk model loaded at start (`serve --risk-model FILE`, as
    /// written by `hoistway train`); `None` keeps the shipped model.
    pub risk_model: Option<hoistway_analytics::risk::Model>,
    /// Events dated more than this before the server's clock are dead
    /// letters (a device with a reset clock sends 1970; buffered events
    /// of a device offline for days are still taken).
    pub accept_behind: chrono::Duration,
    /// ... and more than this after it (an event dated 2099 would keep a
    /// unit `online` until 2099). The demo widens it: its twin's clock
    /// runs ahead at `--speed`.
    pub accept_ahead: chrono::Duration,
}

impl Default for ConnectedSettings {
    fn default() -> Self {
        Self {
            offline_after: chrono::Duration::minutes(10),
            retention: chrono::Duration::days(30),
            command_timeout: chrono::Duration::seconds(60),
            ingest_body_limit: 8 * 1024 * 1024,
            risk_model: None,
            accept_behind: chrono::Duration::days(30),
            accept_ahead: chrono::Duration::minutes(5),
        }
    }
}
