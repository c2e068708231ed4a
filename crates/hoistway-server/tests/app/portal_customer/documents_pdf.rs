//! Documents a customer opens and downloads (issue #19): the invoice page
//! and its PDF, the service report PDF of a resolved request, and the
//! report PDF with its heading. Each PDF is `application/pdf`, a download,
//! starts with `%PDF-` and, read back, shows its number; each route
//! refuses what its page refuses (another customer's invoice or case is
//! 404, a role without the area 403). All three run on every backend
//! (SQLite, and PostgreSQL when configured).

use super::*;
use common::TestApp;
use hoistway_store::testing::TestDb;

/// Asserts a PDF download and returns the text of its pages.
fn pdf_text(p: &portal_common::Page, file: &str) -> String {
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = p.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.contains(file),
        "{disposition}"
    );
    assert!(p.bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(p.bytes.len() > 500, "{} bytes", p.bytes.len());
    assert_eq!(p.headers[header::CACHE_CONTROL], "no-store");
    hoistway_documents::read_text(&p.bytes).unwrap().concat()
}

/// The first invoice linked from `/documents`: its id and number.
async fn first_invoice(b: &mut Browser) -> (String, String) {
    let page = b.get("/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    let marker = "href=\"/documents/invoices/";
    let start = page.body.find(marker).expect("an invoice link") + marker.len();
    let id = page.body[start..start + page.body[start..].find('"').unwrap()].to_string();
    let rest = &page.body[start..];
    let n = rest.find("INV-").unwrap();
    let number = rest[n..n + rest[n..].find('<').unwrap()].to_string();
    (id, number)
}

#[tokio::test]
async fn invoices_open_as_a_page_and_a_pdf_for_their_customer_only() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let mut b = signed_in(&app, ADMIN).await;
        let (id, number) = first_invoice(&mut b).await;

        let page = b.get(&format!("/documents/invoices/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for want in [
            number.as_str(),
            "Invoice details",
            "Nordic Towers Oy",
            "Payment term",
            "days net",
            "Due",
            "EUR",
            "href=\"/contracts/",
            &format!("href=\"/documents/invoices/{id}/pdf\""),
        ] {
            assert!(page.body.contains(want), "missing {want:?}");
        }

        let pdf = b.get(&format!("/documents/invoices/{id}/pdf")).await;
        let text = pdf_text(&pdf, &format!("invoice-{number}.pdf"));
        for want in [
            format!("Invoice {number}"),
            "Customer: Nordic Towers Oy".into(),
            "EUR".into(),
            "Generated 23 Nov 2026, 08:00 UTC".into(),
            "Page 1 / 1".into(),
        ] {
            assert!(text.contains(&want), "PDF misses {want:?}: {text}");
        }

        // The contract page links to its invoices' pages.
        let (_, contract) = building_and_contract_of(&app, ADMIN).await;
        let c = b.get(&format!("/contracts/{contract}")).await;
        assert!(c.body.contains("href=\"/documents/invoices/"));

        // Finance may read invoices; the front desk may not (403).
        let mut fin = signed_in(&app, "finance@nordictowers.example").await;
        let ok = fin.get(&format!("/documents/invoices/{id}/pdf")).await;
        pdf_text(&ok, &number);
        let mut fd = signed_in(&app, "front.desk@nordictowers.example").await;
        for path in [
            format!("/documents/invoices/{id}"),
            format!("/documents/invoices/{id}/pdf"),
        ] {
            let p = fd.get(&path).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
            assert!(!p.bytes.starts_with(b"%PDF-"));
        }

        // Another customer's invoice is not found, like a missing one.
        let mut other = signed_in(&app, OTHER_ADMIN).await;
        let (foreign, _) = first_invoice(&mut other).await;
        for path in [
            format!("/documents/invoices/{foreign}"),
            format!("/documents/invoices/{foreign}/pdf"),
            "/documents/invoices/99999999/pdf".to_string(),
        ] {
            let p = b.get(&path).await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
            assert!(p.body.contains("Not found"), "{path}");
        }
        app.t.cleanup().await;
    }
}

/// Opens a case on the admin's unit and plays it to resolved with a
/// report, 85 minutes on site; returns its number.
async fn resolved_case(app: &TestApp) -> String {
    let unit = unit_of(app, ADMIN).await;
    let admin = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let c = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&admin),
            Some(json!({"unit_id": unit, "symptoms": "Doors noisy and slow to close"})),
        )
        .await;
    let n = c.json["number"].as_str().unwrap().to_string();
    let techs = app
        .call("GET", "/api/v1/users?role=technician", Some(&admin), None)
        .await;
    let tech = techs.json["items"][0]["id"].as_i64().unwrap();
    let step = |path: &'static str, body: serde_json::Value| {
        let (app, admin, n) = (app, admin.clone(), n.clone());
        async move {
            let r = app
                .call(
                    "POST",
                    &format!("/api/v1/cases/{n}/{path}"),
                    Some(&admin),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
        }
    };
    step("assign", json!({"technician_id": tech})).await;
    step("status", json!({"status": "en_route"})).await;
    step("status", json!({"status": "on_site"})).await;
    app.clock.advance(chrono::Duration::minutes(85));
    step("status", json!({"status": "resolved"})).await;
    step(
        "report",
        json!({
            "findings": "Door rollers worn on the landing doors of floors 2 and 3",
            "cause_code": "DOOR-ROLLER",
            "actions": ["Replaced the door rollers", "Adjusted the door closing speed"],
            "parts_used": [{"part_number": "KM601230", "quantity": 2}, {"part_number": "KM-X-9", "quantity": 1}],
            "follow_ups": [{"action": "Check the car door rollers at the next maintenance", "requires_visit": false}],
            "returned_to_service": true,
            "quote": {"amount_minor": 480000, "currency": "EUR", "text": "Replace the car door operator belt", "decision": "pending"}
        }),
    )
    .await;
    n
}

#[tokio::test]
async fn a_resolved_request_has_its_service_report_as_pdf() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        service_report_on(&app).await;
        app.t.cleanup().await;
    }
}

async fn service_report_on(app: &TestApp) {
    let n = resolved_case(app).await;
    let mut b = signed_in(app, ADMIN).await;

    let page = b.get(&format!("/requests/{n}")).await;
    for want in [
        format!("href=\"/requests/{n}/report/pdf\""),
        "Worn door rollers".into(),
        "Door roller set (KM601230)".into(),
        "1 h 25 min".into(),
    ] {
        assert!(page.body.contains(&want), "page misses {want:?}");
    }
    assert!(!page.body.contains("DOOR-ROLLER"), "no cause codes");

    let pdf = b.get(&format!("/requests/{n}/report/pdf")).await;
    let text = pdf_text(&pdf, &format!("service-report-{n}.pdf"));
    let tech = hoistway_store::cases::technician_name(&app.t.db, &Scope::All, &n)
        .await
        .unwrap()
        .expect("assigned");
    for want in [
        format!("Service report {n}"),
        "Customer: Nordic Towers Oy".into(),
        tech,
        "Time on site".into(),
        "1 h 25 min".into(),
        "Door rollers worn on the landing doors".into(),
        "Worn door rollers".into(),
        "Replaced the door rollers".into(),
        "KM601230".into(),
        "Door roller set".into(),
        "Spare part".into(),
        "Check the car door rollers at the next maintenance".into(),
        "Replace the car door operator belt".into(),
        "800.00 EUR".into(),
        "Waiting for your decision".into(),
    ] {
        assert!(text.contains(&want), "PDF misses {want:?}: {text}");
    }
    assert!(!text.contains("DOOR-ROLLER"), "no cause codes in the PDF");

    // The front desk reads requests, so it may download the report too;
    // finance has no requests area.
    let mut fd = signed_in(app, "front.desk@nordictowers.example").await;
    pdf_text(&fd.get(&format!("/requests/{n}/report/pdf")).await, &n);
    let mut fin = signed_in(app, "finance@nordictowers.example").await;
    let p = fin.get(&format!("/requests/{n}/report/pdf")).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    // Another customer gets a 404, as for a case without a report.
    let mut other = signed_in(app, OTHER_ADMIN).await;
    let p = other.get(&format!("/requests/{n}/report/pdf")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.bytes.starts_with(b"%PDF-"));
    let admin = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let open = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&admin),
            Some(json!({"unit_id": unit_of(app, ADMIN).await, "symptoms": "Noise"})),
        )
        .await;
    let open = open.json["number"].as_str().unwrap();
    let p = b.get(&format!("/requests/{open}/report/pdf")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND, "no report yet");
}

#[tokio::test]
async fn reports_have_a_heading_and_a_pdf_on_every_backend() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let mut b = signed_in(&app, ADMIN).await;
        let view = b
            .get("/reports/view?kind=kpis&from=2026-10-01&to=2026-11-23")
            .await;
        assert_eq!(view.status, StatusCode::OK);
        for want in [
            "Customer: Nordic Towers Oy",
            "Period: 1 Oct 2026 – 23 Nov 2026",
            "Generated 23 Nov 2026",
            "href=\"/reports/pdf?kind=kpis&amp;from=2026-10-01&amp;to=2026-11-23\"",
        ] {
            assert!(view.body.contains(want), "view misses {want:?}");
        }

        for kind in ["kpis", "visits", "statistics", "costs"] {
            let pdf = b
                .get(&format!(
                    "/reports/pdf?kind={kind}&from=2026-10-01&to=2026-11-23"
                ))
                .await;
            let text = pdf_text(&pdf, &format!("hoistway-{kind}-2026-10-01-2026-11-23.pdf"));
            for want in [
                "Customer: Nordic Towers Oy",
                "Period: 1 Oct 2026 – 23 Nov 2026",
                "Generated 23 Nov 2026",
            ] {
                assert!(text.contains(want), "{kind} PDF misses {want:?}: {text}");
            }
        }
        let kpis = b.get("/reports/pdf?kind=kpis").await;
        let text = pdf_text(&kpis, "hoistway-kpis");
        // A narrow column wraps its header between words, never inside one.
        assert!(
            text.contains("Service KPIs")
                && text.contains("Mean time to")
                && text.contains("Entrapments"),
            "{text}"
        );

        // A foreign unit is not found; a role without reports is refused.
        let foreign = unit_of(&app, OTHER_ADMIN).await;
        let p = b
            .get(&format!("/reports/pdf?kind=kpis&unit={foreign}"))
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        let mut fd = signed_in(&app, "front.desk@nordictowers.example").await;
        assert_eq!(
            fd.get("/reports/pdf?kind=kpis").await.status,
            StatusCode::FORBIDDEN
        );
        app.t.cleanup().await;
    }
}
