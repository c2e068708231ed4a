//! Hoistway's domain: the types of the fleet registry, the roles and the
//! tenancy rules, and the one clock every time-dependent rule reads.
//!
//! This crate does no IO and so cannot fail for IO reasons. Values are
//! built through `parse` constructors, so a value that exists is valid.
//!
//! Module map:
//! - [`clock`]: the injectable clock (system and manual).
//! - [`error`]: [`error::Invalid`], the one validation error.
//! - [`text`]: validated strings (email, equipment number, country, time zone, dates).
//! - [`fleet`]: enums of the registry (unit kind, contract tier, billing interval, invoice status).
//! - [`billing`]: billing periods of a contract.
//! - [`coverage`]: a contract's scope, exclusions and warranty; covered or billable work.
//! - [`findings`]: fault families and plain names of connected-equipment findings.
//! - [`access`]: roles, permissions and the tenancy scope of a caller.

pub mod access;
pub mod billing;
pub mod clock;
pub mod coverage;
pub mod error;
pub mod findings;
pub mod fleet;
pub mod text;

pub use access::{Action, Resource, Role, Scope};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::Invalid;
