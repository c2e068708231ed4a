//! Remote calls: what a controller driver sees of a call it placed.
//!
//! A call is `created`, then `approved` with the lift that will serve it
//! (approval can move to another lift when the first one leaves service),
//! then `served`; or `cancelled` with a reason. Destination calls also carry
//! passenger guidance for the caller's phone: wait for car, enter car, stay
//! in car, exit car.

use serde::Serialize;

/// Identifier of a remote call, unique within one group simulation.
pub type CallId = u64;

/// Why a call ended without being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The caller withdrew it.
    ByCaller,
    /// No lift of the group is in service to take it.
    NoLiftAvailable,
}

/// Lifecycle state of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CallState {
    Created,
    Approved { lift: String },
    Served,
    Cancelled { reason: CancelReason },
}

/// What the caller should do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "guidance", rename_all = "snake_case")]
pub enum Guidance {
    WaitForCar { lift: String, floor: i32 },
    EnterCar { lift: String, floor: i32 },
    StayInCar { lift: String },
    ExitCar { lift: String, floor: i32 },
}

/// One change of a call, in simulated time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallUpdate {
    pub call: CallId,
    /// Simulated seconds since the start of the simulation.
    pub at_s: f64,
    /// State after this change.
    pub state: CallState,
    /// New guidance, when the change carries some.
    pub guidance: Option<Guidance>,
}

/// What the group keeps about a live call.
#[derive(Debug, Clone)]
pub(crate) struct CallEntry {
    pub state: CallState,
    pub kind: CallKind,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CallKind {
    /// A destination call rides with a simulated passenger.
    Destination { pax: u32 },
    /// A landing call has no destination: it is served when a car opens at
    /// the floor in the wanted direction.
    Landing { floor: usize, up: bool },
}

impl CallState {
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Served | Self::Cancelled { .. })
    }
}
