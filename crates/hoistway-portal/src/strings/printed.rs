//! Strings of the documents a customer opens or downloads: the invoice
//! page and PDF, the service report PDF, the report heading (page and
//! PDF), and the plain words for cause codes and part numbers.

pub struct Printed {
    // The invoice page and its PDF.
    pub invoice_title: fn(&str) -> String,
    pub invoice_lead: &'static str,
    pub invoice_details: &'static str,
    pub currency: &'static str,
    pub status: &'static str,
    pub paid_on: &'static str,
    pub customer: &'static str,
    pub invoice_note: fn(&str) -> String,
    pub download_pdf: &'static str,
    pub open_invoice: &'static str,
    // Every PDF.
    pub page: &'static str,
    pub generated: fn(&str) -> String,
    pub period_line: fn(&str) -> String,
    pub customer_line: fn(&str) -> String,
    // The service report PDF.
    pub report_title: fn(&str) -> String,
    pub report_download: &'static str,
    pub visit: &'static str,
    pub building: &'static str,
    pub technician: &'static str,
    pub time_on_site: &'static str,
    pub duration: fn(i64) -> String,
    pub visits: &'static str,
    pub reported: &'static str,
    pub part: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub quote_work: &'static str,
    pub quote_amount: &'static str,
    pub quote_answer: &'static str,
    /// A cause code in plain words (by its family when the code is not
    /// one we know; "Other" when neither is).
    pub cause: fn(&str) -> &'static str,
    /// What a part number is, when the catalogue knows it.
    pub part_name: fn(&str) -> Option<&'static str>,
    pub part_unknown: &'static str,
    // The report page and PDF.
    pub report_heading: fn(&str, &str) -> String,
    pub all_customers: &'static str,
}

pub const EN_PRINTED: Printed = Printed {
    invoice_title: |n| format!("Invoice {n}"),
    invoice_lead: "The invoice as issued; download it as a PDF for your records.",
    invoice_details: "Invoice details",
    currency: "Currency",
    status: "Status",
    paid_on: "Paid on",
    customer: "Customer",
    invoice_note: |n| format!("Please quote the invoice number {n} with your payment."),
    download_pdf: "Download PDF",
    open_invoice: "Open invoice",
    page: "Page",
    generated: |at| format!("Generated {at}"),
    period_line: |p| format!("Period: {p}"),
    customer_line: |c| format!("Customer: {c}"),
    report_title: |n| format!("Service report {n}"),
    report_download: "Download the service report (PDF)",
    visit: "The visit",
    building: "Building",
    technician: "Technician",
    time_on_site: "Time on site",
    duration: |m| match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    },
    visits: "Visits",
    reported: "Reported problem",
    part: "Part",
    description: "Description",
    quantity: "Quantity",
    quote_work: "Work offered",
    quote_amount: "Amount",
    quote_answer: "Your answer",
    cause: en_cause,
    part_name: en_part,
    part_unknown: "Spare part",
    report_heading: |kind, customer| format!("{kind} · {customer}"),
    all_customers: "All customers",
};

/// Cause codes in plain words: known codes first, then the code's family
/// (its first part, before `-`, `_` or `.`).
fn en_cause(code: &str) -> &'static str {
    let code = code.trim().to_ascii_uppercase();
    match code.as_str() {
        "DOOR-ROLLER" => return "Worn door rollers",
        "DOOR-LOCK" | "DOOR_LOCK" => return "Landing door lock",
        "LEVELLING" | "LEV-SENSOR" => return "Levelling sensor (car stopping off the floor)",
        "MOTOR-TEMP" | "MOT_OVERTEMP" => return "Hoisting motor overheating",
        "DRIVE-FAULT" => return "Drive fault (motor control)",
        "SAFETY-CIRCUIT" => return "Safety circuit opened",
        "BRAKE" => return "Worn brake",
        _ => {}
    }
    let family = code.split(['-', '_', '.']).next().unwrap_or("");
    match family {
        "DOOR" => "Door system",
        "LEV" | "LVL" | "LEVELLING" | "ENC" => "Levelling and positioning",
        "MOT" | "MOTOR" => "Hoisting motor",
        "DRV" | "DRIVE" => "Drive (motor control)",
        "SAF" | "SAFETY" => "Safety circuit",
        "BRK" | "BRAKE" => "Brake",
        "CTL" | "CONTROLLER" => "Controller",
        "ESC" => "Escalator steps or handrail",
        "VAND" | "VANDALISM" => "Damage by misuse",
        _ => "Other cause (see findings)",
    }
}

/// The parts the demo fleet and the maintenance checklists use.
fn en_part(number: &str) -> Option<&'static str> {
    Some(match number.trim().to_ascii_uppercase().as_str() {
        "KM601230" => "Door roller set",
        "KM713320" => "Levelling sensor",
        "KM650120" => "Motor cooling fan",
        "KM964410" => "Drive control board",
        "KM50025" => "Safety circuit contact set",
        "KM5071118" => "Brake lining set",
        "KM-LUBE-200" => "Guide rail lubricant",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_read_in_plain_words_and_never_as_codes() {
        assert_eq!(en_cause("door-roller"), "Worn door rollers");
        assert_eq!(en_cause("DOOR_MOTOR"), "Door system");
        assert_eq!(en_cause("BRK_SLIP"), "Brake");
        for code in ["XYZ-9", "", "LEV-SENSOR", "SAFETY-CIRCUIT"] {
            let words = en_cause(code);
            assert!(!words.contains(code) || code.is_empty(), "{code}: {words}");
        }
    }

    #[test]
    fn durations_read_as_hours_and_minutes() {
        assert_eq!((EN_PRINTED.duration)(45), "45 min");
        assert_eq!((EN_PRINTED.duration)(120), "2 h");
        assert_eq!((EN_PRINTED.duration)(85), "1 h 25 min");
    }

    #[test]
    fn known_parts_have_a_name() {
        assert_eq!(en_part("km601230"), Some("Door roller set"));
        assert_eq!(en_part("NOPE"), None);
    }
}
