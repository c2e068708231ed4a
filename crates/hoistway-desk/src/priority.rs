//! Case priority, the outcome of triage that selects the SLA target.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How urgently a case must be attended.
///
/// The derived order runs from most to least severe, so `Emergency < Urgent`
/// and sorting a work queue ascending puts emergencies first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Emergency,
    Urgent,
    Routine,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Emergency, Priority::Urgent, Priority::Routine];

    /// The wire name (`emergency`, `urgent`, `routine`).
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::Urgent => "urgent",
            Priority::Routine => "routine",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_most_severe_first_and_names_are_snake_case() {
        let mut v = vec![Priority::Routine, Priority::Emergency, Priority::Urgent];
        v.sort();
        assert_eq!(v, Priority::ALL.to_vec());
        for p in Priority::ALL {
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{p}\""));
        }
    }
}
