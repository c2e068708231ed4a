//! The one error of this crate: input refused by a maintenance rule.

use hoistway_domain::Invalid;

/// Why a maintenance rule refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaintenanceError {
    /// A field's value is refused (maps to a 400 with the field named).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The change is not allowed in the visit's current state (a 409).
    #[error("{0}")]
    State(String),
}
