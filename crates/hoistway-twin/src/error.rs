//! Typed errors of the twin.
//!
//! One enum for the crate boundary: callers (CLI, server) map it to their own
//! errors; the core never panics on bad input, it says which field is wrong.

/// What went wrong when loading a building or driving a simulation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TwinError {
    /// The TOML text could not be parsed (syntax, wrong type, unknown field).
    #[error("building file is not valid TOML: {0}")]
    Toml(String),
    /// A value parsed but breaks a rule of the topology or of physics.
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    /// A group id that the building does not have.
    #[error("unknown group {0:?}")]
    UnknownGroup(String),
    /// A unit id that the telemetry twin does not have.
    #[error("unknown unit {0:?}")]
    UnknownUnit(String),
    /// A traffic pattern name that is not one of the five.
    #[error(
        "unknown traffic pattern {0:?} (expected up-peak, down-peak, lunch, interfloor or mixed)"
    )]
    UnknownPattern(String),
    /// A dispatch mode name that is not known.
    #[error("unknown dispatch mode {0:?} (expected collective or destination)")]
    UnknownDispatch(String),
    /// A fault that the kind of unit cannot have (e.g. levelling on an escalator).
    #[error("fault {fault} does not apply to {unit_kind} units")]
    FaultNotApplicable { fault: String, unit_kind: String },
    /// A remote call that the group refuses.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// Why a remote call was refused at creation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("floor {0} is not served by this group")]
    FloorNotServed(i32),
    #[error("origin and destination are the same floor ({0})")]
    SameFloor(i32),
    #[error("no {dir} travel is possible from floor {floor}")]
    NoTravel { floor: i32, dir: &'static str },
    #[error("unknown call {0}")]
    UnknownCall(u64),
    #[error("call {0} can no longer be cancelled")]
    NotCancellable(u64),
    #[error("no lift of the group is in service")]
    NoLiftAvailable,
}

/// Shorthand used by the validators.
pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> TwinError {
    TwinError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}
