//! Roles of the people the desk rules address (escalation targets,
//! notification defaults, who may override a priority).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A person's role, with the wire names of the product specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ProviderAdmin,
    Operator,
    DutyManager,
    Technician,
    CustomerAdmin,
    PropertyManager,
    FrontDesk,
    Finance,
    Resident,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::ProviderAdmin,
        Role::Operator,
        Role::DutyManager,
        Role::Technician,
        Role::CustomerAdmin,
        Role::PropertyManager,
        Role::FrontDesk,
        Role::Finance,
        Role::Resident,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProviderAdmin => "provider_admin",
            Role::Operator => "operator",
            Role::DutyManager => "duty_manager",
            Role::Technician => "technician",
            Role::CustomerAdmin => "customer_admin",
            Role::PropertyManager => "property_manager",
            Role::FrontDesk => "front_desk",
            Role::Finance => "finance",
            Role::Resident => "resident",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_display() {
        for r in Role::ALL {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
    }
}
