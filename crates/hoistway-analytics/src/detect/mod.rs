//! Rules and robust detectors over one unit's signals, and their findings.
//!
//! - [`finding`]: what is reported and its lifecycle (raised, updated,
//!   cleared).
//! - [`catalog`]: fault codes and finding kinds to components and spares.
//! - [`config`]: rule thresholds and per-signal detector tuning.
//! - [`robust`]: median/MAD baselines, EWMA drift and CUSUM change points.
//! - [`seasonal`]: the hour-of-week profile those baselines can subtract.
//! - [`window`]: "N events in T" counters.
//! - [`unit`](mod@unit): all of the above for one unit, with open-finding tracking.

pub mod catalog;
pub mod config;
pub mod finding;
pub mod robust;
pub mod seasonal;
pub mod unit;
pub mod window;

pub use config::AnalyticsConfig;
pub use finding::{Evidence, Finding, FindingKind, FindingStatus, Severity};
pub use robust::{DetectorConfig, Observation, Phase, SignalDetector, Tail};
pub use unit::UnitAnalytics;
