//! Data tables: fault codes and finding kinds to likely components and spares.
//!
//! Fault codes are `FAMILY_DETAIL` (or `FAMILY-DETAIL`), case-insensitive.
//! Known codes get a specific diagnosis; an unknown code of a known family
//! falls back to the family; anything else is [`FindingKind::OtherFaults`].
//! Families: `DRV` drive/inverter, `MOT` motor, `DOOR` door, `BRK` brake,
//! `SAF` safety circuit, `ENC`/`LVL` positioning, `CTL` controller, `ESC`
//! escalator. Numbered codes `Ennn` are classified by their first digit
//! (see [`fault_kind`]).

use super::finding::FindingKind;

/// Diagnosis attached to a fault code or a finding kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnosis {
    pub likely_fault: &'static str,
    pub spares: &'static [&'static str],
}

struct CodeEntry {
    code: &'static str,
    kind: FindingKind,
    diagnosis: Diagnosis,
}

const fn entry(
    code: &'static str,
    kind: FindingKind,
    likely_fault: &'static str,
    spares: &'static [&'static str],
) -> CodeEntry {
    CodeEntry {
        code,
        kind,
        diagnosis: Diagnosis {
            likely_fault,
            spares,
        },
    }
}

use FindingKind as K;

const CODES: &[CodeEntry] = &[
    entry(
        "DRV_OVERCURRENT",
        K::DriveFaults,
        "inverter output stage or motor winding insulation",
        &["IGBT power module", "drive fuse set"],
    ),
    entry(
        "DRV_OVERVOLTAGE",
        K::DriveFaults,
        "braking resistor or chopper (regenerative energy not dissipated)",
        &["braking resistor", "brake chopper board"],
    ),
    entry(
        "DRV_OVERTEMP",
        K::DriveFaults,
        "drive cooling: heatsink fan or clogged filter",
        &["drive cooling fan", "cabinet air filter"],
    ),
    entry(
        "DRV_IGBT",
        K::DriveFaults,
        "inverter power module",
        &["IGBT power module"],
    ),
    entry(
        "MOT_OVERTEMP",
        K::DriveFaults,
        "motor cooling fan or bearing friction",
        &["motor fan", "motor bearing kit"],
    ),
    entry(
        "DOOR_LOCK",
        K::DoorFaults,
        "landing door lock contact",
        &["door lock contact", "door interlock"],
    ),
    entry(
        "DOOR_MOTOR",
        K::DoorFaults,
        "door operator motor or belt",
        &["door operator motor", "door drive belt"],
    ),
    entry(
        "DOOR_OBSTRUCTED",
        K::DoorFaults,
        "light curtain or sill obstruction",
        &["light curtain pair", "sill cleaning kit"],
    ),
    entry(
        "BRK_SWITCH",
        K::BrakeFaults,
        "brake monitoring microswitch",
        &["brake microswitch"],
    ),
    entry(
        "BRK_SLIP",
        K::BrakeFaults,
        "worn brake linings",
        &["brake lining set"],
    ),
    entry(
        "SAF_CHAIN_OPEN",
        K::SafetyCircuitFaults,
        "safety circuit contact (pit stop, buffer or car top)",
        &["safety contact set"],
    ),
    entry(
        "SAF_OVERSPEED",
        K::SafetyCircuitFaults,
        "overspeed governor switch or governor rope",
        &["governor switch", "governor rope"],
    ),
    entry(
        "ENC_LOST",
        K::LevellingDrift,
        "shaft encoder or its cable",
        &["shaft encoder", "encoder cable"],
    ),
    entry(
        "LVL_POSITION",
        K::LevellingDrift,
        "positioning magnets or vane sensor",
        &["levelling sensor", "positioning magnet set"],
    ),
    entry(
        "CTL_COMM",
        K::ControllerFaults,
        "controller bus communication",
        &["CAN bus terminator", "controller I/O board"],
    ),
    entry(
        "CTL_WATCHDOG",
        K::ControllerFaults,
        "main controller board",
        &["main controller board"],
    ),
    entry(
        "ESC_STEP",
        K::EscalatorFaults,
        "step or step chain (missing-step detection)",
        &["step", "step chain roller set"],
    ),
    entry(
        "ESC_HANDRAIL",
        K::EscalatorFaults,
        "handrail drive or speed monitor",
        &["handrail drive belt", "handrail speed sensor"],
    ),
    entry(
        "ESC_COMB",
        K::EscalatorFaults,
        "comb plate safety switch",
        &["comb plate segment", "comb switch"],
    ),
];

const FAMILIES: &[(&str, FindingKind)] = &[
    ("DRV", K::DriveFaults),
    ("MOT", K::DriveFaults),
    ("DOOR", K::DoorFaults),
    ("BRK", K::BrakeFaults),
    ("SAF", K::SafetyCircuitFaults),
    ("ENC", K::LevellingDrift),
    ("LVL", K::LevellingDrift),
    ("CTL", K::ControllerFaults),
    ("ESC", K::EscalatorFaults),
];

/// The numbered scheme many controllers (and the twin) report, `E` and
/// three digits whose first names the subsystem: 1 controller, 2 door,
/// 3 positioning, 4 drive, 5 motor, 6 brake, 7 safety circuit,
/// 8 escalator; anything else is unclassified.
fn numbered_kind(code: &str) -> Option<FindingKind> {
    let b = code.as_bytes();
    if b.len() != 4 || !b[0].eq_ignore_ascii_case(&b'E') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(match b[1] {
        b'1' => K::ControllerFaults,
        b'2' => K::DoorFaults,
        b'3' => K::LevellingDrift,
        b'4' | b'5' => K::DriveFaults,
        b'6' => K::BrakeFaults,
        b'7' => K::SafetyCircuitFaults,
        b'8' => K::EscalatorFaults,
        _ => K::OtherFaults,
    })
}

/// Same code whatever the case or separator.
fn code_eq(table: &str, code: &str) -> bool {
    table.len() == code.len()
        && table.bytes().zip(code.bytes()).all(|(t, c)| {
            let c = if c == b'-' {
                b'_'
            } else {
                c.to_ascii_uppercase()
            };
            t == c
        })
}

/// The finding kind a fault code counts towards.
pub fn fault_kind(code: &str) -> FindingKind {
    if let Some(e) = CODES.iter().find(|e| code_eq(e.code, code)) {
        return e.kind;
    }
    if let Some(kind) = numbered_kind(code) {
        return kind;
    }
    let family = code.split(['_', '-']).next().unwrap_or("");
    FAMILIES
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(family))
        .map_or(K::OtherFaults, |(_, k)| *k)
}

/// Specific diagnosis of a known fault code.
pub fn fault_diagnosis(code: &str) -> Option<Diagnosis> {
    CODES
        .iter()
        .find(|e| code_eq(e.code, code))
        .map(|e| e.diagnosis)
}

/// Generic diagnosis of a finding kind.
pub fn kind_diagnosis(kind: FindingKind) -> Diagnosis {
    let (likely_fault, spares): (&'static str, &'static [&'static str]) = match kind {
        K::Entrapment => (
            "car stopped with passengers inside: release by a technician or the rescue service",
            &[],
        ),
        K::EmergencyPhone => (
            "emergency phone used from the car: check on the passengers",
            &[],
        ),
        K::DoorWear => (
            "door operator wear: rollers, guide shoes or belt tension",
            &["door hanger roller set", "door gib set", "door drive belt"],
        ),
        K::DoorReopens => (
            "door reopening: light curtain misalignment or dirty sill",
            &["light curtain pair", "sill cleaning kit"],
        ),
        K::LevellingDrift => (
            "levelling: brake adjustment, rope slip or positioning sensor",
            &["levelling sensor", "brake lining set"],
        ),
        K::MotorOverheat => (
            "motor cooling or bearing friction",
            &["motor fan", "motor bearing kit"],
        ),
        K::TripSlowdown => (
            "drive tuning or brake drag",
            &["brake lining set", "drive cooling fan"],
        ),
        K::Vibration => (
            "guide shoes, roller guides or motor bearings",
            &["roller guide set", "motor bearing kit"],
        ),
        K::EscalatorBraking => (
            "escalator brake: lining wear or spring force",
            &["escalator brake lining set", "brake spring"],
        ),
        K::DriveFaults => (
            "drive or inverter",
            &["IGBT power module", "drive cooling fan"],
        ),
        K::DoorFaults => ("door system", &["door lock contact", "door operator motor"]),
        K::BrakeFaults => ("machine brake", &["brake lining set", "brake microswitch"]),
        K::SafetyCircuitFaults => ("safety circuit contacts", &["safety contact set"]),
        K::ControllerFaults => ("controller electronics", &["controller I/O board"]),
        K::EscalatorFaults => (
            "escalator safety devices",
            &["comb switch", "step chain roller set"],
        ),
        K::OtherFaults => ("unclassified fault codes: see the controller log", &[]),
        K::Offline => (
            "telemetry gateway, its power or the network",
            &["telemetry gateway"],
        ),
        K::FailureRisk => ("several signals together suggest an imminent failure", &[]),
    };
    Diagnosis {
        likely_fault,
        spares,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_families() {
        assert_eq!(fault_kind("DRV_OVERCURRENT"), K::DriveFaults);
        assert_eq!(fault_kind("drv-overcurrent"), K::DriveFaults);
        assert_eq!(fault_kind("DOOR_SOMETHING_NEW"), K::DoorFaults);
        assert_eq!(fault_kind("brk"), K::BrakeFaults);
        assert_eq!(fault_kind("E1234"), K::OtherFaults);
        // The numbered scheme: the twin's door, levelling and motor codes.
        assert_eq!(fault_kind("E221"), K::DoorFaults);
        assert_eq!(fault_kind("e311"), K::LevellingDrift);
        assert_eq!(fault_kind("E501"), K::DriveFaults);
        assert_eq!(fault_kind("E610"), K::BrakeFaults);
        assert_eq!(fault_kind("E900"), K::OtherFaults);
        assert_eq!(fault_kind("EX21"), K::OtherFaults);
        assert_eq!(fault_kind(""), K::OtherFaults);
        let d = fault_diagnosis("brk_slip").unwrap();
        assert!(d.spares.contains(&"brake lining set"));
        assert!(fault_diagnosis("BRK_OTHER").is_none());
    }

    #[test]
    fn every_code_maps_to_its_family() {
        for e in CODES {
            let fam = e.code.split('_').next().unwrap();
            let fam_kind = FAMILIES.iter().find(|(f, _)| *f == fam).map(|(_, k)| *k);
            assert_eq!(fam_kind, Some(e.kind), "{}", e.code);
            assert!(!e.diagnosis.spares.is_empty(), "{}", e.code);
        }
        for k in FindingKind::ALL {
            assert!(!kind_diagnosis(k).likely_fault.is_empty());
        }
    }
}
