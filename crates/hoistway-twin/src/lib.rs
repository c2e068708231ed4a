//! Hoistway twin: a discrete-event digital twin of lift groups.
//!
//! Pure core: no files, network, environment or clock. Time is simulated
//! seconds; wall-clock timestamps are derived from a start instant the
//! caller passes in.
//!
//! Module map:
//! - [`building`]: topology (floors, areas, sides, groups, lifts, decks,
//!   doors) loaded and validated from TOML.
//! - [`kinematics`]: closed-form jerk-limited flight times.
//! - [`traffic`]: traffic patterns and the seeded arrival generator.
//! - [`sim`]: the group simulation, its dispatchers and the remote-call API.
//! - [`formula`]: the up-peak round-trip-time formula.
//! - [`figures`]: percentiles and round-trip figures.
//! - [`study`]: traffic studies for the CLI (report, text, CSV rows).
//! - [`faults`]: fault kinds, their progression and ground-truth labels.
//! - [`telemetry`]: device events (schema v1) from a simulated fleet.

pub mod building;
pub mod error;
pub mod faults;
pub mod figures;
pub mod formula;
pub mod kinematics;
pub mod sim;
pub mod study;
pub mod telemetry;
pub mod traffic;

pub use building::{Building, Group, Side};
pub use error::{CallError, TwinError};
pub use faults::{FaultKind, FaultLabel, UnitKind};
pub use formula::{UpPeakFigures, UpPeakInputs};
pub use kinematics::Kinematics;
pub use sim::{
    CallId, CallState, CallUpdate, DispatchMode, GroupSim, Guidance, Parking, SimOptions,
};
pub use study::{csv_rows, run_study, run_study_with, StudyOptions, StudyReport, CSV_HEADER};
pub use telemetry::{Event, EventBody, TelemetryTwin};
pub use traffic::Pattern;
