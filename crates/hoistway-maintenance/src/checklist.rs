//! Checklists: what a technician checks on a visit, by unit kind. The lists
//! are data: the built-in ones below are the starting point, and provider
//! admins replace them per kind. Items flagged `safety` are the ones whose
//! failure must open a case with the service desk.

use hoistway_domain::fleet::UnitKind;
use hoistway_domain::{wire_enum, Invalid};
use serde::{Deserialize, Serialize};

/// Most items a template may hold.
pub const MAX_ITEMS: usize = 100;

/// One line of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Stable key, `a-z`, `0-9` and `_`: results are recorded against it.
    pub code: String,
    pub title: String,
    /// A failure of a safety item opens a service case.
    #[serde(default)]
    pub safety: bool,
}

wire_enum!(
    /// The result of one checklist item.
    ItemOutcome, "outcome" { Pass => "pass", Fail => "fail", NotApplicable => "n_a" }
);

fn item(code: &str, title: &str, safety: bool) -> ChecklistItem {
    ChecklistItem {
        code: code.into(),
        title: title.into(),
        safety,
    }
}

/// The built-in checklist of a unit kind.
pub fn default_items(kind: UnitKind) -> Vec<ChecklistItem> {
    match kind {
        UnitKind::Elevator => vec![
            item(
                "safety_gear",
                "Safety gear and overspeed governor test",
                true,
            ),
            item("brakes", "Brake inspection and holding test", true),
            item(
                "ropes_belts",
                "Suspension ropes or belts: wear and tension",
                true,
            ),
            item("door_locks", "Landing door locks and interlocks", true),
            item(
                "door_protection",
                "Car door reopening device (light curtain)",
                true,
            ),
            item(
                "door_operator",
                "Car door operator: speed, noise, rollers",
                false,
            ),
            item("levelling", "Levelling accuracy at every landing", false),
            item(
                "emergency_phone",
                "Alarm button and emergency phone call",
                true,
            ),
            item("emergency_light", "Car emergency lighting", true),
            item(
                "pit_headroom",
                "Pit stop switch, buffers and headroom",
                true,
            ),
            item(
                "machinery",
                "Machine, drive and controller; fault log read",
                false,
            ),
            item(
                "guides_lubrication",
                "Guide rails, shoes and lubrication",
                false,
            ),
            item("lighting", "Car and landing lighting and signals", false),
        ],
        UnitKind::Escalator => vec![
            item(
                "handrails",
                "Handrail condition and speed synchronisation",
                true,
            ),
            item("steps_combs", "Steps, step gaps and comb plates", true),
            item("brakes", "Main brake and stopping distance", true),
            item("emergency_stops", "Emergency stop buttons", true),
            item(
                "safety_switches",
                "Skirt, comb-plate and handrail-inlet switches",
                true,
            ),
            item("chains", "Drive and step chain tension", false),
            item("lubrication", "Lubrication system", false),
            item("lighting", "Comb and step-gap lighting", false),
            item("signage", "Safety signage at both landings", false),
        ],
        UnitKind::Door => vec![
            item("safety_sensors", "Presence and motion sensors", true),
            item("emergency_opening", "Break-out and emergency opening", true),
            item("force_limits", "Closing force and speed limits", true),
            item("drive_unit", "Drive unit, belt and rollers", false),
            item("guides_seals", "Floor guides and seals", false),
            item("program_switch", "Program switch and locking", false),
            item("signage", "Safety signage", false),
        ],
    }
}

/// Checks a template's items: 1 to [`MAX_ITEMS`], codes well-formed and
/// unique, titles present. Returns them trimmed.
pub fn validate_items(items: Vec<ChecklistItem>) -> Result<Vec<ChecklistItem>, Invalid> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Invalid::new(
            "items",
            format!("a checklist needs 1 to {MAX_ITEMS} items"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let code = it.code.trim().to_string();
        let ok = !code.is_empty()
            && code.len() <= 40
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(Invalid::new(
                "items",
                format!("item code '{code}' must be 1 to 40 of a-z, 0-9 and _"),
            ));
        }
        if !seen.insert(code.clone()) {
            return Err(Invalid::new(
                "items",
                format!("item code '{code}' appears twice"),
            ));
        }
        let title = hoistway_domain::text::required_text("items", &it.title, 200)?;
        out.push(ChecklistItem {
            code,
            title,
            safety: it.safety,
        });
    }
    Ok(out)
}

/// Whether recording `outcome` on an item opens a case now: only a failed
/// safety item, and only the first time (a technician correcting a note or
/// re-recording the failure must not open a second case).
pub fn opens_case(item: &ChecklistItem, outcome: ItemOutcome, already_opened: bool) -> bool {
    item.safety && outcome == ItemOutcome::Fail && !already_opened
}

/// Codes of the items that have no result yet, in checklist order.
pub fn missing<'a>(items: &'a [ChecklistItem], recorded: &[&str]) -> Vec<&'a str> {
    items
        .iter()
        .filter(|i| !recorded.contains(&i.code.as_str()))
        .map(|i| i.code.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_have_safety_items() {
        for k in UnitKind::ALL {
            let items = default_items(*k);
            assert_eq!(validate_items(items.clone()).unwrap(), items);
            assert!(items.iter().any(|i| i.safety), "{k} has no safety item");
        }
    }

    #[test]
    fn refusals() {
        let bad = |items| validate_items(items).unwrap_err().message;
        assert!(bad(vec![]).contains("1 to 100"));
        assert!(bad(vec![item("A b", "x", false)]).contains("a-z"));
        assert!(bad(vec![item("a", "x", false), item("a", "y", true)]).contains("twice"));
        assert!(validate_items(vec![item("a", "  ", false)]).is_err());
    }

    #[test]
    fn only_first_failure_of_a_safety_item_opens_a_case() {
        let safety = item("brakes", "Brakes", true);
        let plain = item("lighting", "Lighting", false);
        assert!(opens_case(&safety, ItemOutcome::Fail, false));
        assert!(!opens_case(&safety, ItemOutcome::Fail, true));
        assert!(!opens_case(&safety, ItemOutcome::Pass, false));
        assert!(!opens_case(&plain, ItemOutcome::Fail, false));
        let items = default_items(UnitKind::Door);
        assert_eq!(missing(&items, &["safety_sensors"]).len(), items.len() - 1);
    }
}
