//! What a connected-equipment finding kind means to the service desk: the
//! fault family its cases are grouped by, and its name in plain words.
//!
//! Kinds are the analytics' wire names (`door_reopens`, `motor_overheat`).
//! One pre-emptive case covers one (unit, family) episode: door wear, door
//! reopens and door faults on the same lift are one door problem for the
//! technician, not three cases.

/// The fault family of a finding kind; unknown kinds are `other`.
pub fn family(kind: &str) -> &'static str {
    match kind {
        "door_wear" | "door_reopens" | "door_faults" => "door",
        "levelling_drift" => "levelling",
        "motor_overheat" | "drive_faults" | "trip_slowdown" | "vibration" => "drive",
        "brake_faults" => "brake",
        "escalator_braking" | "escalator_faults" => "escalator",
        "safety_circuit_faults" => "safety_circuit",
        "controller_faults" => "controller",
        "offline" => "connectivity",
        "entrapment" => "entrapment",
        "emergency_phone" => "emergency_phone",
        "failure_risk" => "failure_risk",
        _ => "other",
    }
}

/// The kind in plain words, e.g. `door_reopens` → "door reopens".
pub fn plain_name(kind: &str) -> String {
    match kind {
        "motor_overheat" => "motor temperature".to_owned(),
        "offline" => "telemetry connection".to_owned(),
        "failure_risk" => "failure risk".to_owned(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn door_kinds_share_a_family_and_others_do_not() {
        assert_eq!(family("door_wear"), family("door_reopens"));
        assert_eq!(family("door_faults"), "door");
        assert_ne!(family("door_wear"), family("levelling_drift"));
        assert_eq!(family("motor_overheat"), family("drive_faults"));
        assert_eq!(family("something_new"), "other");
    }

    #[test]
    fn plain_names_have_no_underscores() {
        for k in ["door_reopens", "motor_overheat", "safety_circuit_faults"] {
            assert!(!plain_name(k).contains('_'), "{k}");
        }
    }
}
