//! Strings of the technician's planned-visit work (issue #19): today's
//! visits on `/tech`, the visit page `/tech/visits/{id}` (start, checklist,
//! completion with the visit report) and the unit's history shown on the
//! visit and work-order pages.

pub struct TechVisits {
    pub today_heading: &'static str,
    pub none_today: &'static str,
    /// "Maintenance at 10:30 (about 60 min)".
    pub planned_line: fn(&str, &str, u32) -> String,
    pub back: &'static str,
    pub address: &'static str,
    pub location: &'static str,
    pub planned_for: &'static str,
    pub duration: fn(u32) -> String,
    pub open_map: &'static str,
    pub equipment_number: &'static str,
    pub notes: &'static str,
    pub start: &'static str,
    pub start_hint: &'static str,
    pub started: &'static str,
    pub case_pending: &'static str,
    pub checklist_heading: &'static str,
    pub checklist_hint: &'static str,
    pub no_checklist: &'static str,
    pub progress: fn(usize, usize) -> String,
    /// Outcome words: pass, fail, n_a.
    pub outcome: fn(&str) -> &'static str,
    pub note: &'static str,
    pub safety_item: &'static str,
    pub handed_to_desk: &'static str,
    pub save_checklist: &'static str,
    pub recorded: fn(usize) -> String,
    pub nothing_recorded: &'static str,
    pub complete_heading: &'static str,
    pub complete_hint: &'static str,
    pub findings: &'static str,
    pub time_on_site: &'static str,
    pub parts: &'static str,
    pub parts_hint: &'static str,
    pub part_number: &'static str,
    pub quantity: &'static str,
    pub complete: &'static str,
    pub completed: &'static str,
    pub report_heading: &'static str,
    pub minutes_on_site: fn(u32) -> String,
    pub filed_at: &'static str,
    /// Why a visit form was refused, by the field the rules named.
    pub refused_field: fn(&str) -> &'static str,
    pub refused_state: &'static str,
    pub history_heading: &'static str,
    pub history_empty: &'static str,
    pub history_case: fn(&str) -> String,
    pub history_cause: fn(&str) -> String,
    /// Under the work order's report form while the technician is on site.
    pub report_on_site_hint: &'static str,
}

pub const EN_TECH_VISITS: TechVisits = TechVisits {
    today_heading: "Today's planned visits",
    none_today: "No planned visits for you today.",
    planned_line: |kind, time, min| format!("{kind} at {time} (about {min} min)"),
    back: "My work",
    address: "Address",
    location: "Where in the building",
    planned_for: "Planned for",
    duration: |m| format!("About {m} min"),
    open_map: "Open in maps",
    equipment_number: "Equipment number",
    notes: "Notes",
    start: "Start the visit",
    start_hint: "Start when you are at the unit: the checklist opens then.",
    started: "Visit started. Record the checklist as you go.",
    case_pending: "A failed safety item was handed to the care center as an emergency case.",
    checklist_heading: "Checklist",
    checklist_hint: "Mark each item OK, not OK or not applicable. A failed safety item goes to the care center at once.",
    no_checklist: "This visit has no checklist: an inspection's record is the authority's certificate.",
    progress: |done, of| format!("{done} of {of} recorded"),
    outcome: |o| match o {
        "pass" => "OK",
        "fail" => "Not OK",
        "n_a" => "N/A",
        _ => "Not recorded",
    },
    note: "Note",
    safety_item: "Safety",
    handed_to_desk: "Sent to the care center",
    save_checklist: "Save the checklist",
    recorded: |n| {
        if n == 1 {
            "1 item recorded.".into()
        } else {
            format!("{n} items recorded.")
        }
    },
    nothing_recorded: "Nothing new to record: choose OK, not OK or N/A for an item.",
    complete_heading: "Complete the visit",
    complete_hint: "Every checklist item needs a result first. The report is shown to the customer.",
    findings: "What was found and done",
    time_on_site: "Minutes on site",
    parts: "Parts used",
    parts_hint: "Part numbers as written on the part (there is no parts catalogue yet).",
    part_number: "Part",
    quantity: "Qty",
    complete: "Complete and file the report",
    completed: "Visit completed and report filed.",
    report_heading: "Visit report",
    minutes_on_site: |m| format!("{m} min on site"),
    filed_at: "Filed",
    refused_field: |f| match f {
        "findings" => "Write what was found and done (at most 5,000 characters).",
        "time_on_site_min" => "Minutes on site must be between 1 and 1,440.",
        "parts_used" => "Each part needs a part number and a quantity from 1 to 10,000.",
        "checklist" => "Some checklist items have no result yet: record them, then complete the visit.",
        "note" => "A note can be at most 2,000 characters.",
        "outcome" => "Choose OK, not OK or N/A.",
        _ => "Please check the form: something could not be read.",
    },
    refused_state: "This visit is not in a state for that any more (someone else may have changed it). The page shows it as it is now.",
    history_heading: "History of this unit",
    history_empty: "No earlier cases or visits for this unit.",
    history_case: |n| format!("Fault case {n}"),
    history_cause: |c| format!("Cause: {c}"),
    report_on_site_hint: "You can file the report while on site; the customer sees it as soon as it is filed.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_visit_states_read_in_plain_words() {
        let unknown = (EN_TECH_VISITS.outcome)("");
        for o in hoistway_maintenance::checklist::ItemOutcome::ALL {
            let w = (EN_TECH_VISITS.outcome)(o.as_str());
            assert_ne!(w, unknown, "{o:?}");
            assert!(!w.contains('_'), "no wire names shown: {w}");
        }
        for s in hoistway_maintenance::VisitStatus::ALL {
            let w = (crate::strings::EN.labels.visit_status)(s.as_str());
            assert_ne!(w, "Unknown", "{s:?}");
        }
    }
}
