//! The documents as a reader gets them: the bytes are a PDF, they parse
//! back (with printpdf's reader, over lopdf) into the expected number of
//! pages, and the text those pages show holds the facts put in. The
//! compressed output is what is checked; the uncompressed one is checked
//! as raw bytes too, so the reading does not hide a writing mistake.

use super::*;
use chrono::TimeZone;

fn frame(title: &str) -> Frame {
    Frame {
        issuer: "Hoistway".into(),
        title: title.into(),
        lines: vec![
            "Nordic Towers Oy".into(),
            "Generated 6 Dec 2026, 10:00".into(),
        ],
        footer: format!("Hoistway · {title}"),
        page: "Page".into(),
        generated_at: Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap(),
    }
}

/// Pages and the text of each page, read back from the bytes.
fn read(bytes: &[u8]) -> Vec<String> {
    read_text(bytes).expect("the PDF parses back")
}

fn invoice() -> InvoiceDocument {
    InvoiceDocument {
        frame: frame("Invoice INV-000123"),
        details: "Invoice details".into(),
        facts: vec![
            ("Contract".into(), "CT-1001".into()),
            ("Period".into(), "1 Nov 2026 – 30 Nov 2026".into()),
            ("Due".into(), "14 Dec 2026".into()),
            ("Status".into(), "Unpaid".into()),
        ],
        lines: vec![
            (
                "Maintenance, 3 units × 1 month".into(),
                "1\u{202f}134.50 EUR".into(),
            ),
            ("SO-2026-000042: Labour, 60 min".into(), "100.00 EUR".into()),
        ],
        lines_header: vec!["Description".into(), "Amount".into()],
        amount: ("Amount".into(), "1\u{202f}234.50 EUR".into()),
        note: Some("Please pay by the due date.".into()),
    }
}

#[test]
fn an_invoice_is_one_page_with_its_number_and_amount() {
    let bytes = invoice().to_pdf().unwrap();
    let pages = read(&bytes);
    assert_eq!(pages.len(), 1);
    for want in [
        "Invoice INV-000123",
        "CT-1001",
        "1 234.50 EUR",
        "Unpaid",
        "Nordic Towers Oy",
        "SO-2026-000042: Labour, 60 min",
        "100.00 EUR",
        "Page 1 / 1",
    ] {
        assert!(pages[0].contains(want), "missing {want:?} in {}", pages[0]);
    }
    // The same text is in the uncompressed bytes as written.
    let raw = invoice().render(RenderOptions { compress: false }).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains("(Invoice INV-000123)"),
        "text operator missing"
    );
    assert!(raw.contains("(1 234.50 EUR)"));
    // Compression does shrink it.
    assert!(bytes.len() < raw.len());
}

#[test]
fn the_metadata_date_is_the_given_instant_not_the_clock() {
    let raw = invoice().render(RenderOptions { compress: false }).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("D:20261206090000"), "creation date as given");
}

fn report(parts: usize) -> ServiceReportDocument {
    ServiceReportDocument {
        frame: frame("Service report SO-2026-000042"),
        visit_heading: "The visit".into(),
        visit: vec![
            ("Technician".into(), "Timo Technician".into()),
            ("Time on site".into(), "1 h 25 min".into()),
        ],
        symptoms: ("Reported".into(), "Car stops a step above the floor".into()),
        findings: ("Findings".into(), "Levelling sensor drifted".into()),
        cause: ("Cause".into(), "Levelling (stopping accuracy)".into()),
        actions: Section {
            heading: "Work done".into(),
            items: vec!["Recalibrated levelling".into()],
        },
        parts_heading: "Parts used".into(),
        parts_header: ["Part".into(), "Description".into(), "Quantity".into()],
        parts: (0..parts)
            .map(|i| PartLine {
                number: format!("KM-LS-{i}"),
                description: "Levelling sensor".into(),
                quantity: "1".into(),
            })
            .collect(),
        follow_ups: Section {
            heading: "Follow-up".into(),
            items: vec!["Replace the sensor at the next visit".into()],
        },
        quote: Some(("Quote".into(), vec![("Amount".into(), "480.00 EUR".into())])),
    }
}

#[test]
fn a_service_report_names_technician_findings_parts_and_quote() {
    let pages = read(&report(2).to_pdf().unwrap());
    assert_eq!(pages.len(), 1);
    for want in [
        "SO-2026-000042",
        "Timo Technician",
        "1 h 25 min",
        "Levelling sensor drifted",
        "Levelling (stopping accuracy)",
        "KM-LS-1",
        "Levelling sensor",
        "Replace the sensor at the next visit",
        "480.00 EUR",
    ] {
        assert!(pages[0].contains(want), "missing {want:?}");
    }
}

#[test]
fn a_long_table_runs_over_pages_and_repeats_its_header() {
    let pages = read(&report(120).to_pdf().unwrap());
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let total = pages.len();
    for (i, p) in pages.iter().enumerate() {
        assert!(p.contains(&format!("Page {} / {total}", i + 1)), "page {i}");
    }
    assert!(pages[1].contains("Description"), "header repeated");
    assert!(pages.concat().contains("KM-LS-119"));
}

fn kpis(rows: usize) -> KpiReportDocument {
    KpiReportDocument {
        frame: frame("Service KPIs"),
        header: vec!["Unit".into(), "Calls".into(), "Availability".into()],
        rows: (0..rows)
            .map(|i| vec![format!("L{i}"), i.to_string(), "99.5 %".into()])
            .collect(),
        numeric: vec![false, true, true],
        empty: "Nothing to report.".into(),
    }
}

#[test]
fn a_kpi_report_has_its_heading_and_rows() {
    let pages = read(&kpis(3).to_pdf().unwrap());
    assert_eq!(pages.len(), 1);
    for want in [
        "Service KPIs",
        "Nordic Towers Oy",
        "Generated 6 Dec 2026, 10:00",
        "L2",
        "99.5 %",
    ] {
        assert!(pages[0].contains(want), "missing {want:?}");
    }
    let empty = read(&kpis(0).to_pdf().unwrap());
    assert!(empty[0].contains("Nothing to report."));
}

#[test]
fn malformed_tables_are_refused_not_drawn() {
    let mut k = kpis(2);
    k.rows[1].pop();
    assert_eq!(
        k.to_pdf(),
        Err(DocumentError::RowWidth {
            row: 2,
            got: 2,
            want: 3
        })
    );
    let mut k = kpis(1);
    k.header = (0..11).map(|i| i.to_string()).collect();
    k.rows = vec![k.header.clone()];
    assert!(matches!(
        k.to_pdf(),
        Err(DocumentError::TooManyColumns { got: 11, .. })
    ));
}
