//! The visit report a technician posts on completion: findings, parts used
//! and time on site (the checklist results travel with it).

use hoistway_domain::text::required_text;
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};

/// A part used on a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartUsed {
    pub part_number: String,
    pub quantity: u32,
}

/// What a technician sends to complete a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitReportInput {
    /// What was found and done, in words the customer reads.
    pub findings: String,
    #[serde(default)]
    pub parts_used: Vec<PartUsed>,
    /// Minutes on site, 1 to 1440.
    pub time_on_site_min: u32,
}

impl VisitReportInput {
    /// Checks the report; returns it trimmed.
    pub fn validated(self) -> Result<Self, Invalid> {
        let findings = required_text("findings", &self.findings, 5000)?;
        if !(1..=1440).contains(&self.time_on_site_min) {
            return Err(Invalid::new(
                "time_on_site_min",
                format!(
                    "{} is not between 1 and 1440 minutes",
                    self.time_on_site_min
                ),
            ));
        }
        if self.parts_used.len() > 200 {
            return Err(Invalid::new("parts_used", "at most 200 parts per report"));
        }
        let mut parts = Vec::with_capacity(self.parts_used.len());
        for p in self.parts_used {
            let part_number = required_text("parts_used", &p.part_number, 60)?;
            if !(1..=10_000).contains(&p.quantity) {
                return Err(Invalid::new(
                    "parts_used",
                    format!("quantity of {part_number} must be 1 to 10000"),
                ));
            }
            parts.push(PartUsed {
                part_number,
                quantity: p.quantity,
            });
        }
        Ok(Self {
            findings,
            parts_used: parts,
            time_on_site_min: self.time_on_site_min,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_rules() {
        let ok = VisitReportInput {
            findings: "  All good. ".into(),
            parts_used: vec![PartUsed {
                part_number: "KM123".into(),
                quantity: 2,
            }],
            time_on_site_min: 75,
        };
        assert_eq!(ok.clone().validated().unwrap().findings, "All good.");
        let zero = VisitReportInput {
            time_on_site_min: 0,
            ..ok.clone()
        };
        assert_eq!(zero.validated().unwrap_err().field, "time_on_site_min");
        let no_qty = VisitReportInput {
            parts_used: vec![PartUsed {
                part_number: "X".into(),
                quantity: 0,
            }],
            ..ok
        };
        assert_eq!(no_qty.validated().unwrap_err().field, "parts_used");
    }
}
