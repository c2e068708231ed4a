//! Strings of contract scope (issue #21): what a contract includes and
//! excludes, its warranty, the charges of a request, invoice lines.

use hoistway_domain::coverage::Coverage;

pub struct ContractScope {
    pub scope: &'static str,
    pub included: &'static str,
    pub not_included: &'static str,
    pub tier_default: &'static str,
    pub custom: &'static str,
    pub exclusions: &'static str,
    pub warranty: &'static str,
    /// "12 months from takeover" or the country's default.
    pub warranty_text: fn(Option<i64>) -> String,
    pub labour_rate: &'static str,
    /// A scope item in words.
    pub item_label: fn(&str) -> &'static str,
    /// An exclusion in words.
    pub exclusion_label: fn(&str) -> &'static str,
    pub charges: &'static str,
    pub charges_hint: &'static str,
    pub work: &'static str,
    pub coverage: &'static str,
    pub coverage_label: fn(Coverage) -> &'static str,
    /// A line status other than billable / no charge, in words.
    pub status_label: fn(&str) -> &'static str,
    pub why: &'static str,
    pub charge: &'static str,
    pub billed_total: &'static str,
    pub work_heading: &'static str,
    pub work_lead: &'static str,
    pub no_work: &'static str,
    pub case: &'static str,
    pub invoice: &'static str,
    pub not_invoiced: &'static str,
    pub lines: &'static str,
    pub po_number: &'static str,
    pub po_hint: &'static str,
}

fn item_label(item: &str) -> &'static str {
    match item {
        "scheduled_maintenance" => "Scheduled maintenance",
        "safety_checks" => "Safety checks",
        "repair_labour" => "Repair labour",
        "wear_parts" => "Common wear parts",
        "major_parts" => "Major parts",
        "prioritised_response" => "Prioritised response",
        "faster_response" => "Faster response",
        _ => "Other",
    }
}

fn exclusion_label(e: &str) -> &'static str {
    match e {
        "vandalism" => "Vandalism",
        "water_ingress" => "Water ingress",
        "misuse" => "Misuse",
        "power_quality" => "Building power quality",
        _ => "Other",
    }
}

fn coverage_label(c: Coverage) -> &'static str {
    match c {
        Coverage::Covered => "Covered",
        Coverage::Warranty => "Warranty",
        Coverage::Billable => "Billable",
    }
}

fn status_label(s: &str) -> &'static str {
    match s {
        "awaiting_approval" => "Awaiting your approval",
        "declined" => "Declined",
        _ => "",
    }
}

fn warranty_text(months: Option<i64>) -> String {
    match months {
        Some(0) => "No warranty".into(),
        Some(m) => format!("{m} months from takeover"),
        None => "The country's standard, from takeover".into(),
    }
}

pub const EN_CONTRACT_SCOPE: ContractScope = ContractScope {
    scope: "What the contract covers",
    included: "Included",
    not_included: "Not included (billable)",
    tier_default: "The tier's standard scope",
    custom: "Scope agreed for this contract",
    exclusions: "Never covered",
    warranty: "Warranty",
    warranty_text,
    labour_rate: "Labour rate per hour",
    item_label,
    exclusion_label,
    charges: "Charges",
    charges_hint: "Billable work is added to the contract's next invoice; a quote above the spending limit or needing a purchase order waits for your approval.",
    work: "Work",
    coverage: "Coverage",
    coverage_label,
    status_label,
    why: "Why",
    charge: "Charge",
    billed_total: "Billable total",
    work_heading: "Work under this contract",
    work_lead: "Parts, labour and quoted work from service reports, as the scope classifies them.",
    no_work: "No work recorded under this contract yet.",
    case: "Request",
    invoice: "Invoice",
    not_invoiced: "Not invoiced yet",
    lines: "Lines",
    po_number: "Purchase order number",
    po_hint: "Required to accept when the contract asks for a purchase order.",
};
