//! Triage: from what the caller told us to a priority, with the rule that
//! fired and a sentence an operator can read back.
//!
//! Rules are checked from most to least severe and the first match wins, so a
//! case with both an entrapment and a hospital outage is an emergency for the
//! entrapment (the rationale still mentions the rest).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::priority::Priority;

/// A reported hazard. Known kinds are named so reports can be counted;
/// anything else a caller says is kept as free text. Every hazard is treated as
/// a life-safety risk: the desk never argues a caller out of a hazard.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Hazard {
    Fire,
    Smoke,
    Water,
    /// A landing door open with no car behind it, or the shaft otherwise reachable.
    ExposedShaft,
    Electrical,
    /// Car moving with doors open, or stopping far from the landing.
    UncontrolledMovement,
    Other(String),
}

/// A hazard text that carries no information.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hazard must not be empty")]
pub struct EmptyHazard;

impl Hazard {
    /// Maps a caller's word to a known hazard; unknown words stay as text.
    pub fn parse(s: &str) -> Result<Self, EmptyHazard> {
        let t = s.trim();
        if t.is_empty() {
            return Err(EmptyHazard);
        }
        Ok(
            match t.to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
                "fire" => Hazard::Fire,
                "smoke" => Hazard::Smoke,
                "water" | "flood" | "flooding" => Hazard::Water,
                "exposed_shaft" | "open_shaft" | "open_landing_door" => Hazard::ExposedShaft,
                "electrical" | "electric_shock" | "sparks" => Hazard::Electrical,
                "uncontrolled_movement" | "moving_with_doors_open" => Hazard::UncontrolledMovement,
                _ => Hazard::Other(t.to_owned()),
            },
        )
    }

    pub fn as_str(&self) -> &str {
        match self {
            Hazard::Fire => "fire",
            Hazard::Smoke => "smoke",
            Hazard::Water => "water",
            Hazard::ExposedShaft => "exposed_shaft",
            Hazard::Electrical => "electrical",
            Hazard::UncontrolledMovement => "uncontrolled_movement",
            Hazard::Other(s) => s,
        }
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Hazard {
    type Error = EmptyHazard;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Hazard> for String {
    fn from(h: Hazard) -> Self {
        h.as_str().to_owned()
    }
}

/// What the desk knows when a call comes in. Missing JSON fields default to
/// "no" so a minimal portal form still triages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Intake {
    pub passengers_trapped: u32,
    pub medical_condition: bool,
    pub hazards: Vec<Hazard>,
    /// Taken out of service on purpose (by staff or the fire brigade).
    pub unit_removed_from_service: bool,
    /// Not running (fault, stuck, shut down).
    pub unit_out_of_service: bool,
    pub only_lift_in_building: bool,
    pub building_is_hospital: bool,
    /// The unit is on the building's accessible (step-free) route.
    pub accessible_route: bool,
    pub high_traffic: bool,
    /// Informational: helps the technician, does not change the priority.
    pub car_near_landing: Option<bool>,
}

impl Intake {
    /// A unit that is not carrying passengers, for whatever reason.
    pub fn unit_down(&self) -> bool {
        self.unit_out_of_service || self.unit_removed_from_service
    }
}

/// Which rule decided the priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageRule {
    Entrapment,
    MedicalCondition,
    Hazard,
    OnlyLiftInBuilding,
    Hospital,
    AccessibleRoute,
    HighTrafficOutage,
    Default,
}

/// The triage outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    pub priority: Priority,
    pub rule: TriageRule,
    pub rationale: String,
}

/// Decides the priority of a new case.
pub fn triage(intake: &Intake) -> Triage {
    let (priority, rule, why) = decide(intake);
    let mut rationale = why;
    let notes = extra_notes(intake, rule);
    if !notes.is_empty() {
        rationale.push_str("; also: ");
        rationale.push_str(&notes.join(", "));
    }
    Triage {
        priority,
        rule,
        rationale,
    }
}

fn decide(i: &Intake) -> (Priority, TriageRule, String) {
    use Priority::*;
    if i.passengers_trapped > 0 {
        let n = i.passengers_trapped;
        let who = if n == 1 { "passenger" } else { "passengers" };
        return (
            Emergency,
            TriageRule::Entrapment,
            format!("entrapment: {n} {who} trapped"),
        );
    }
    if i.medical_condition {
        return (
            Emergency,
            TriageRule::MedicalCondition,
            "life-safety risk: medical condition reported".into(),
        );
    }
    if !i.hazards.is_empty() {
        let list: Vec<&str> = i.hazards.iter().map(Hazard::as_str).collect();
        return (
            Emergency,
            TriageRule::Hazard,
            format!("life-safety risk: hazard reported ({})", list.join(", ")),
        );
    }
    if i.unit_down() {
        // Critical zones first, in the order a dispatcher would cite them.
        if i.only_lift_in_building {
            return (
                Urgent,
                TriageRule::OnlyLiftInBuilding,
                "unit down and it is the only lift in the building".into(),
            );
        }
        if i.building_is_hospital {
            return (
                Urgent,
                TriageRule::Hospital,
                "unit down in a hospital".into(),
            );
        }
        if i.accessible_route {
            return (
                Urgent,
                TriageRule::AccessibleRoute,
                "unit down on an accessible route".into(),
            );
        }
        if i.high_traffic {
            return (
                Urgent,
                TriageRule::HighTrafficOutage,
                "high-traffic unit is down".into(),
            );
        }
        return (
            Routine,
            TriageRule::Default,
            "unit down outside any critical zone".into(),
        );
    }
    (
        Routine,
        TriageRule::Default,
        "no entrapment, no safety risk, unit in service".into(),
    )
}

/// Facts that did not decide the priority but the operator should hear.
fn extra_notes(i: &Intake, rule: TriageRule) -> Vec<String> {
    let mut v = Vec::new();
    if rule != TriageRule::MedicalCondition && rule != TriageRule::Entrapment && i.medical_condition
    {
        v.push("medical condition".to_owned());
    }
    if rule == TriageRule::Entrapment && i.medical_condition {
        v.push("medical condition among the trapped".to_owned());
    }
    if rule != TriageRule::Hazard && !i.hazards.is_empty() {
        let list: Vec<&str> = i.hazards.iter().map(Hazard::as_str).collect();
        v.push(format!("hazards ({})", list.join(", ")));
    }
    if rule == TriageRule::Entrapment {
        match i.car_near_landing {
            Some(true) => v.push("car near a landing".into()),
            Some(false) => v.push("car between floors".into()),
            None => {}
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn down() -> Intake {
        Intake {
            unit_out_of_service: true,
            ..Intake::default()
        }
    }

    #[test]
    fn entrapment_is_emergency_whatever_else() {
        let i = Intake {
            passengers_trapped: 2,
            medical_condition: true,
            building_is_hospital: true,
            unit_out_of_service: true,
            car_near_landing: Some(false),
            ..Intake::default()
        };
        let t = triage(&i);
        assert_eq!(t.priority, Priority::Emergency);
        assert_eq!(t.rule, TriageRule::Entrapment);
        assert!(t.rationale.contains("2 passengers"), "{}", t.rationale);
        assert!(t.rationale.contains("medical"), "{}", t.rationale);
        assert!(t.rationale.contains("between floors"), "{}", t.rationale);
    }

    #[test]
    fn life_safety_without_entrapment_is_emergency() {
        let med = Intake {
            medical_condition: true,
            ..Intake::default()
        };
        assert_eq!(triage(&med).rule, TriageRule::MedicalCondition);
        assert_eq!(triage(&med).priority, Priority::Emergency);
        let smoke = Intake {
            hazards: vec![Hazard::parse("Smoke").unwrap()],
            ..Intake::default()
        };
        let t = triage(&smoke);
        assert_eq!(
            (t.priority, t.rule),
            (Priority::Emergency, TriageRule::Hazard)
        );
        assert!(t.rationale.contains("smoke"));
        let odd = Intake {
            hazards: vec![Hazard::parse("broken glass in car").unwrap()],
            ..Intake::default()
        };
        assert_eq!(triage(&odd).priority, Priority::Emergency);
    }

    #[test]
    fn critical_zone_outages_are_urgent() {
        let cases = [
            (
                Intake {
                    only_lift_in_building: true,
                    ..down()
                },
                TriageRule::OnlyLiftInBuilding,
            ),
            (
                Intake {
                    building_is_hospital: true,
                    ..down()
                },
                TriageRule::Hospital,
            ),
            (
                Intake {
                    accessible_route: true,
                    ..down()
                },
                TriageRule::AccessibleRoute,
            ),
            (
                Intake {
                    high_traffic: true,
                    ..down()
                },
                TriageRule::HighTrafficOutage,
            ),
            (
                Intake {
                    high_traffic: true,
                    unit_removed_from_service: true,
                    ..Intake::default()
                },
                TriageRule::HighTrafficOutage,
            ),
        ];
        for (i, rule) in cases {
            let t = triage(&i);
            assert_eq!(t.priority, Priority::Urgent, "{i:?}");
            assert_eq!(t.rule, rule);
        }
    }

    #[test]
    fn critical_zone_with_unit_running_is_routine() {
        let i = Intake {
            only_lift_in_building: true,
            building_is_hospital: true,
            accessible_route: true,
            high_traffic: true,
            ..Intake::default()
        };
        let t = triage(&i);
        assert_eq!(
            (t.priority, t.rule),
            (Priority::Routine, TriageRule::Default)
        );
        assert_eq!(triage(&down()).priority, Priority::Routine);
    }

    #[test]
    fn hazard_parse_names_known_kinds_and_refuses_blank() {
        assert_eq!(Hazard::parse(" open shaft ").unwrap(), Hazard::ExposedShaft);
        assert_eq!(Hazard::parse("FLOOD").unwrap(), Hazard::Water);
        assert_eq!(
            Hazard::parse("oil leak").unwrap(),
            Hazard::Other("oil leak".into())
        );
        assert_eq!(Hazard::parse("   "), Err(EmptyHazard));
        let json = r#"{"passengers_trapped":0,"hazards":["fire","oil leak"]}"#;
        let i: Intake = serde_json::from_str(json).unwrap();
        assert_eq!(
            i.hazards,
            vec![Hazard::Fire, Hazard::Other("oil leak".into())]
        );
        assert!(serde_json::from_str::<Intake>(r#"{"hazards":[""]}"#).is_err());
    }
}
