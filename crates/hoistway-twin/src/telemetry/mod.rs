//! Telemetry: the events a real elevator, escalator or door would send,
//! produced from simulated units with injected faults.
//!
//! [`TelemetryTwin`] owns a small fleet: lift groups (each a
//! [`crate::sim::GroupSim`] fed with traffic), escalators and automatic
//! doors. [`TelemetryTwin::advance`] moves simulated time forward and returns
//! the events of that span in time order, each with its per-unit `seq`.

mod event;
mod models;
mod twin;

pub use event::{
    AlarmKind, EscalatorDirection, Event, EventBody, Mode, SensorName, Severity, SCHEMA_VERSION,
};
pub use models::TICK_S;
pub use twin::TelemetryTwin;
