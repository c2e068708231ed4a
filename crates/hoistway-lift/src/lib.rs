//! Remote call's link to the lift groups of a building.
//!
//! A call reaches a lift group through a [`ControllerDriver`]: the digital
//! twin is one implementation ([`TwinDriver`]); a driver for a real group
//! controller (a gateway speaking the maker's protocol) is another. The
//! server never knows which it talks to. The [`Registry`] owns one running
//! driver per building, started on first use from the building's topology
//! and stopped when the topology changes.
//!
//! Nothing here stores anything: calls live in the driver's memory until
//! they end (the privacy rule of remote call). The only IO is tokio
//! channels and timers; time comes from the injectable [`Clock`].
//!
//! Module map:
//! - [`driver`]: the trait, the call and lift-state vocabulary, errors.
//! - [`twin`]: the twin driver, one `GroupSim` per group advanced in real
//!   time (times a speed factor) by a tokio task.
//! - [`registry`]: running drivers per building.
//!
//! [`Clock`]: hoistway_domain::Clock

pub mod driver;
pub mod registry;
pub mod twin;

pub use driver::{
    BoxFuture, CallEvent, CallId, CallRequest, CallState, CancelReason, ControllerDriver,
    Direction, DoorState, DriverError, GroupInfo, Guidance, Landing, LiftStatus, Motion, Side,
};
pub use registry::{DriverFactory, Registry, Running, TwinFactory};
pub use twin::{TwinDriver, TwinOptions};
