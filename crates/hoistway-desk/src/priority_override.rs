//! A duty manager's override of the triaged priority. The record is what the
//! server writes to the case timeline; the rules here decide whether it may.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::priority::Priority;
use crate::role::Role;

/// Who acts: an opaque user id and the role they act in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
}

/// The timeline entry of a priority override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityOverride {
    pub from: Priority,
    pub to: Priority,
    pub by: Actor,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// Why an override is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("role {0} may not override a priority (duty_manager or provider_admin may)")]
    NotPermitted(Role),
    #[error("an override needs a reason")]
    MissingReason,
    #[error("priority is already {0}")]
    Unchanged(Priority),
}

/// Roles allowed to override. The provider admin may do everything (spec: roles).
pub fn may_override(role: Role) -> bool {
    matches!(role, Role::DutyManager | Role::ProviderAdmin)
}

/// Produces the override record, or refuses it.
pub fn override_priority(
    current: Priority,
    to: Priority,
    by: Actor,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<PriorityOverride, OverrideError> {
    if !may_override(by.role) {
        return Err(OverrideError::NotPermitted(by.role));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(OverrideError::MissingReason);
    }
    if current == to {
        return Err(OverrideError::Unchanged(current));
    }
    Ok(PriorityOverride {
        from: current,
        to,
        by,
        reason: reason.to_owned(),
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: "u1".into(),
            role,
        }
    }

    #[test]
    fn duty_manager_overrides_with_reason() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        let o = override_priority(
            Priority::Routine,
            Priority::Urgent,
            actor(Role::DutyManager),
            "  elderly residents on 9th floor ",
            at,
        )
        .unwrap();
        assert_eq!(
            (o.from, o.to, o.at),
            (Priority::Routine, Priority::Urgent, at)
        );
        assert_eq!(o.reason, "elderly residents on 9th floor");
    }

    #[test]
    fn refusals() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        assert_eq!(
            override_priority(
                Priority::Routine,
                Priority::Urgent,
                actor(Role::Operator),
                "x",
                at
            ),
            Err(OverrideError::NotPermitted(Role::Operator))
        );
        assert_eq!(
            override_priority(
                Priority::Routine,
                Priority::Urgent,
                actor(Role::DutyManager),
                "  ",
                at
            ),
            Err(OverrideError::MissingReason)
        );
        assert_eq!(
            override_priority(
                Priority::Urgent,
                Priority::Urgent,
                actor(Role::DutyManager),
                "x",
                at
            ),
            Err(OverrideError::Unchanged(Priority::Urgent))
        );
    }
}
