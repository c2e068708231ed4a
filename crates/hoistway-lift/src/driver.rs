//! The controller-driver trait and the vocabulary it speaks.
//!
//! # Writing a driver for a real controller
//!
//! A driver serves one building. It is told the building's topology when it
//! is started (by a [`crate::DriverFactory`]) and then:
//!
//! - **places calls** ([`ControllerDriver::place_call`]) on a group: a
//!   destination call from one [`Landing`] to another, or a landing call at
//!   a landing in a [`Direction`]. A landing carries both the area id (what
//!   KONE-style controllers take, `1000 * (floor index + 1)`, +10 for a rear
//!   landing) and the floor number and side (what simpler controllers take),
//!   so each driver uses whichever its controller speaks. The answer is the
//!   call's state right after placing it: `created`, or already `approved`
//!   with the lift when the controller allocates at once. A call the group
//!   refuses outright (no lift in service, floors it does not serve, a
//!   direction that goes nowhere) is [`DriverError::Refused`] with a
//!   [`CancelReason`]; it then produces no events.
//! - **cancels calls** ([`ControllerDriver::cancel_call`]) that have not been
//!   boarded yet; the cancellation is then also published as an event.
//! - **publishes call events** per group ([`ControllerDriver::subscribe_calls`]):
//!   every change of a call it placed, in order, each with the new
//!   [`CallState`], the allocated lift and passenger [`Guidance`] when known.
//!   Every call ends with exactly one `served` or `cancelled` event; a driver
//!   that loses its controller cancels its live calls with
//!   [`CancelReason::CannotServeNow`].
//! - **publishes lift state** per group ([`ControllerDriver::subscribe_lifts`]):
//!   position (floor, next stop), direction, motion and doors, whenever one
//!   of them changes; [`ControllerDriver::lift_states`] answers the current
//!   state of every lift for new subscribers.
//!
//! Call ids are chosen by the driver, unique within the building while the
//! call lives, positive and below 2^31 (they double as the compatible API's
//! `session_id`). Drivers must not block: the methods return futures or
//! channels, and the work runs on the driver's own tasks.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::broadcast;

/// A boxed future, so drivers can be used as `dyn ControllerDriver`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Identifier of a live call within its building.
pub type CallId = u64;

/// Direction of a landing call or of a lift's travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

/// Door side of a car at a landing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Front,
    Rear,
}

/// A place a passenger calls from or to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landing {
    /// KONE-convention area id.
    pub area: u32,
    pub floor: i32,
    pub side: Side,
}

/// What a passenger asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallRequest {
    /// From one landing to another (destination control).
    Destination { from: Landing, to: Landing },
    /// Up or down at a landing (conventional buttons).
    Landing { at: Landing, direction: Direction },
}

/// Lifecycle state of a call: `created` → `approved` → `served`, or
/// `cancelled` with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    Created,
    Approved,
    Served,
    Cancelled,
}

impl CallState {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Served | Self::Cancelled)
    }
}

/// Why a call ended without being served (or was never accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The caller withdrew it.
    ByCaller,
    /// The caller may not travel from or to one of the areas.
    AccessDenied,
    /// An area id the building does not have.
    AreaDoesNotExist,
    /// Origin and destination are the same floor.
    SameSourceAndDestination,
    /// A landing call in a direction with no floor to go to.
    InvalidDirection,
    /// No group of the building serves both landings.
    NotServed,
    /// Every lift of the group is out of service.
    NoLiftsAvailable,
    /// The group cannot take calls now (controller unreachable, topology
    /// being replaced, service shutting down).
    CannotServeNow,
}

impl CancelReason {
    pub const ALL: [CancelReason; 8] = [
        Self::ByCaller,
        Self::AccessDenied,
        Self::AreaDoesNotExist,
        Self::SameSourceAndDestination,
        Self::InvalidDirection,
        Self::NotServed,
        Self::NoLiftsAvailable,
        Self::CannotServeNow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ByCaller => "by_caller",
            Self::AccessDenied => "access_denied",
            Self::AreaDoesNotExist => "area_does_not_exist",
            Self::SameSourceAndDestination => "same_source_and_destination",
            Self::InvalidDirection => "invalid_direction",
            Self::NotServed => "not_served",
            Self::NoLiftsAvailable => "no_lifts_available",
            Self::CannotServeNow => "cannot_serve_now",
        }
    }
}

/// What the passenger should do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Guidance {
    WaitForCar { lift: String, floor: i32 },
    EnterCar { lift: String, floor: i32 },
    StayInCar { lift: String },
    ExitCar { lift: String, floor: i32 },
}

/// One change of a call.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CallEvent {
    pub call: CallId,
    pub group: String,
    pub at: DateTime<Utc>,
    pub state: CallState,
    /// The allocated lift, once known.
    pub lift: Option<String>,
    pub guidance: Option<Guidance>,
    /// Set when `state` is `cancelled`.
    pub reason: Option<CancelReason>,
}

/// Door state of a lift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DoorState {
    Closed,
    Opening,
    Open,
    Closing,
}

/// Whether the car is travelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Motion {
    Standing,
    Moving,
}

/// Position, direction, motion and doors of one lift.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LiftStatus {
    pub group: String,
    pub lift: String,
    pub at: DateTime<Utc>,
    /// Floor the car stands at, or last passed.
    pub floor: i32,
    /// While moving, the floor it will stop at next.
    pub next_floor: Option<i32>,
    /// Direction of travel or of the service at a stop; `None` when idle.
    pub direction: Option<Direction>,
    pub motion: Motion,
    pub door: DoorState,
    pub in_service: bool,
    /// Persons aboard, when the controller knows.
    pub load_persons: Option<u32>,
}

impl LiftStatus {
    /// Same state, ignoring when it was observed.
    pub fn same_state(&self, other: &LiftStatus) -> bool {
        LiftStatus {
            at: other.at,
            ..self.clone()
        } == *other
    }
}

/// A group as the driver knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub id: String,
    pub lifts: Vec<String>,
}

/// What a driver can answer besides a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriverError {
    #[error("unknown group {0:?}")]
    UnknownGroup(String),
    #[error("unknown call {0}")]
    UnknownCall(CallId),
    #[error("call {0} can no longer be cancelled")]
    NotCancellable(CallId),
    /// The group refused the call outright.
    #[error("call refused: {}", .0.as_str())]
    Refused(CancelReason),
    /// The driver or its controller is not running.
    #[error("controller unavailable: {0}")]
    Unavailable(String),
}

/// A building's lift groups as remote call drives them. See the module
/// documentation for the contract.
pub trait ControllerDriver: Send + Sync + 'static {
    /// The groups and their lifts.
    fn groups(&self) -> Vec<GroupInfo>;

    /// Places a call on `group`; answers its state right after placing.
    fn place_call<'a>(
        &'a self,
        group: &'a str,
        call: CallRequest,
    ) -> BoxFuture<'a, Result<CallEvent, DriverError>>;

    /// Withdraws a call that has not been boarded yet.
    fn cancel_call(&self, call: CallId) -> BoxFuture<'_, Result<(), DriverError>>;

    /// Every change of the calls of `group`, from now on.
    fn subscribe_calls(&self, group: &str) -> Result<broadcast::Receiver<CallEvent>, DriverError>;

    /// Every change of a lift of `group`, from now on.
    fn subscribe_lifts(&self, group: &str) -> Result<broadcast::Receiver<LiftStatus>, DriverError>;

    /// The current state of every lift of `group`.
    fn lift_states<'a>(
        &'a self,
        group: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LiftStatus>, DriverError>>;

    /// Stops the driver: live calls are cancelled with
    /// [`CancelReason::CannotServeNow`] and the event channels close.
    fn shutdown(&self);
}
