//! Strings of the parts catalogue (issue #21): the provider admin's
//! Administration → Parts, the care center's on-hold form, the customer's
//! "part expected on" line and the KPI "time lost waiting for parts".

pub struct Parts {
    pub title: &'static str,
    pub lead: &'static str,
    pub search: &'static str,
    pub unit_kind: &'static str,
    pub any_kind: &'static str,
    pub critical_only: &'static str,
    pub none: &'static str,
    pub part_number: &'static str,
    pub description: &'static str,
    pub unit_kinds: &'static str,
    pub category: &'static str,
    pub category_label: fn(&str) -> &'static str,
    pub critical: &'static str,
    pub critical_hint: &'static str,
    pub lead_time: &'static str,
    /// "42 days".
    pub days: fn(i64) -> String,
    pub price: &'static str,
    pub price_hint: &'static str,
    pub currency: &'static str,
    pub in_stock: &'static str,
    pub new_part: &'static str,
    pub create: &'static str,
    pub created: fn(&str) -> String,
    pub saved: fn(&str) -> String,
    pub stock: &'static str,
    pub stock_lead: &'static str,
    pub depot: &'static str,
    pub quantity: &'static str,
    pub no_stock: &'static str,
    pub set_stock: &'static str,
    pub add_depot: &'static str,
    pub stock_saved: fn(&str, i64) -> String,
    // The desk's on-hold form and case page.
    pub hold_part_hint: &'static str,
    pub hold_days_hint: &'static str,
    pub expected_on: &'static str,
    // The customer's case page.
    /// "Part expected on 9 Dec 2026".
    pub part_expected: fn(&str) -> String,
    // KPIs.
    pub kpi_wait: &'static str,
}

pub const EN_PARTS: Parts = Parts {
    title: "Parts",
    lead: "The parts catalogue: lead times, critical spares and stock per depot. A case put on hold for a catalogue part takes its expected date from here.",
    search: "Part number or description",
    unit_kind: "Fits",
    any_kind: "Any kind",
    critical_only: "Critical spares only",
    none: "No parts match.",
    part_number: "Part number",
    description: "Description",
    unit_kinds: "Fits unit kinds",
    category: "Category",
    category_label: |c| match c {
        "wear" => "Wear part",
        "major" => "Major component",
        _ => "Unknown",
    },
    critical: "Critical spare",
    critical_hint: "The unit stays down without it (door operators, VVVF drives, controller CPUs).",
    lead_time: "Lead time",
    days: |n| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    },
    price: "Unit price",
    price_hint: "In the currency's main unit, e.g. 1250.00.",
    currency: "Currency",
    in_stock: "In stock",
    new_part: "Add a part",
    create: "Add the part",
    created: |n| format!("Part {n} added."),
    saved: |n| format!("Part {n} saved."),
    stock: "Stock per depot",
    stock_lead: "A part in stock at any depot reaches the site in 1 day; otherwise the supplier's lead time applies.",
    depot: "Depot",
    quantity: "Quantity",
    no_stock: "No depot holds this part.",
    set_stock: "Set",
    add_depot: "Add a depot",
    stock_saved: |d, q| format!("{d}: {q} in stock."),
    hold_part_hint: "Pick a catalogue part to take its lead time from the catalogue, or type any part number.",
    hold_days_hint: "Leave empty for a catalogue part: 1 day when a depot has it, else the supplier's lead time.",
    expected_on: "Part expected on",
    part_expected: |d| format!("Part expected on {d}"),
    kpi_wait: "Waiting for parts",
};
