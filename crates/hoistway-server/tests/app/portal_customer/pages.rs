//! Every customer page renders with its key content; tenancy, role gating,
//! the service-request and quote forms, and times in the building's zone.

use super::*;

#[tokio::test]
async fn every_customer_page_renders_with_its_key_content() {
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let (building, contract) = building_and_contract_of(&app, ADMIN).await;
    let mut b = signed_in(&app, ADMIN).await;
    let pages: Vec<(String, &[&str])> = vec![
        (
            format!("/buildings/{building}"),
            &[
                "units in service",
                "Service contracts",
                "CT-",
                "Open service requests",
                "Planned maintenance, next 90 days",
                "Lift",
            ],
        ),
        (
            format!("/contracts/{contract}"),
            &[
                "Spending limit",
                "Purchase order required",
                "days net",
                "Units covered",
                "Invoices of this contract",
                "INV-",
            ],
        ),
        (
            "/".into(),
            &[
                "Overview",
                "Nordic Towers Oy",
                "In service",
                "Status unknown",
                "Overdue invoices",
            ],
        ),
        (
            "/equipment".into(),
            &["Equipment", "24 units", "Aurora Tower"],
        ),
        (
            "/equipment?kind=escalator".into(),
            &["4 units", "Escalator"],
        ),
        ("/equipment?status=unknown".into(), &["24 units"]),
        (
            "/equipment?status=in_service".into(),
            &["0 of 24 units", "No units match"],
        ),
        (
            format!("/equipment/{unit}"),
            &[
                "Live status",
                "Planned maintenance",
                "Create a service request for this unit",
            ],
        ),
        ("/requests".into(), &["Service requests"]),
        (
            "/requests/new".into(),
            &["Choose the unit", "Send service request"],
        ),
        ("/services".into(), &["Calendar subscription", "Mon"]),
        ("/services?view=list".into(), &["Maintenance", "Planned"]),
        (
            "/reports".into(),
            &[
                "Create new report",
                "Repair costs",
                // Units grouped by building, each named with its building.
                "<fieldset class=\"unit-group\"><legend>Aurora Tower</legend>",
                "Lift A · Aurora Tower",
            ],
        ),
        (
            "/reports/view?kind=statistics".into(),
            &["Equipment statistics", "Download CSV"],
        ),
        (
            "/reports/view?kind=visits".into(),
            &["Service visits", "<svg"],
        ),
        ("/reports/view?kind=costs".into(), &["Repair costs"]),
        (
            "/reports/view?kind=kpis".into(),
            &["Service KPIs", "Mean time to repair"],
        ),
        ("/documents".into(), &["Contracts", "Invoices", "CT-1"]),
        ("/documents?status=overdue".into(), &["Overdue"]),
        ("/setup".into(), &["My settings", "Demo customer admin"]),
        (
            "/setup/notifications".into(),
            &["A service request is opened", "SMS"],
        ),
        ("/setup/portfolios".into(), &["New portfolio"]),
        (
            "/setup/team".into(),
            &["property.manager@nordictowers.example", "Invite a user"],
        ),
    ];
    for (path, wants) in pages {
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        for w in wants {
            assert!(p.body.contains(w), "{path}: missing {w:?}");
        }
        assert!(p.body.len() < 200 * 1024, "{path}: {} bytes", p.body.len());
        assert_eq!(p.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // The demo without history has only planned visits, from tomorrow on
    // (the scheduler books nothing into a day already under way).
    let today = app.clock_now().date_naive();
    let csv = b
        .get(&format!(
            "/reports/csv?kind=visits&from={today}&to={}",
            today + chrono::Duration::days(60)
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(
        csv.body.starts_with("Date,Unit,Building,Type,Status\n"),
        "{}",
        csv.body
    );
    assert!(csv.body.lines().count() > 1, "the demo has visits");
}

#[tokio::test]
async fn another_customers_things_are_not_found() {
    let app = demo().await;
    let foreign_unit = unit_of(&app, OTHER_ADMIN).await;
    let (foreign_building, foreign_contract) = building_and_contract_of(&app, OTHER_ADMIN).await;
    let mut b = signed_in(&app, ADMIN).await;
    for path in [
        format!("/equipment/{foreign_unit}"),
        format!("/buildings/{foreign_building}"),
        format!("/contracts/{foreign_contract}"),
        "/equipment/99999999".to_string(),
        format!("/reports/view?kind=visits&unit={foreign_unit}"),
        "/requests/SO-2026-999999".to_string(),
    ] {
        let p = b.get(&path).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert!(p.body.contains("Not found"), "{path}");
    }
    // Opening a request on a foreign unit is refused (as by the API), and
    // nothing is opened.
    let csrf = b.csrf_of("/requests/new").await;
    let unit = foreign_unit.to_string();
    let p = b
        .post(
            "/requests",
            &[("_csrf", &csrf), ("unit_id", &unit), ("symptoms", "Noise")],
        )
        .await;
    assert_eq!(
        p.location(),
        "/requests/new",
        "back to the form, no case page"
    );
    assert!(b.get("/requests/new").await.body.contains("flash-error"));
    let token = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let all = app.call("GET", "/api/v1/cases", Some(&token), None).await;
    assert_eq!(all.json["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn roles_see_only_their_tabs() {
    let app = demo().await;
    let cases = [
        (
            "front.desk@nordictowers.example",
            &[
                "/equipment",
                "/documents",
                "/reports",
                "/services",
                "/setup/team",
            ][..],
            &["/", "/requests", "/requests/new", "/setup"][..],
        ),
        (
            "finance@nordictowers.example",
            &["/", "/equipment", "/requests", "/reports"][..],
            &["/documents", "/setup"][..],
        ),
        (
            "property.manager@nordictowers.example",
            &["/setup/team", "/setup/portfolios"][..],
            &["/equipment", "/reports", "/documents", "/services"][..],
        ),
    ];
    for (email, refused, allowed) in cases {
        let mut b = signed_in(&app, email).await;
        for path in refused {
            let p = b.get(path).await;
            // Finance's home redirects to its landing page instead.
            if *path == "/" {
                assert_eq!(p.status, StatusCode::SEE_OTHER, "{email} {path}");
                continue;
            }
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(p.body.contains("Not allowed"));
        }
        for path in allowed {
            assert_eq!(b.get(path).await.status, StatusCode::OK, "{email} {path}");
        }
    }
}

#[tokio::test]
async fn a_service_request_from_a_unit_page_goes_through_the_api_path() {
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let mut b = signed_in(&app, "property.manager@nordictowers.example").await;
    let page = format!("/equipment/{unit}");
    let csrf = b.csrf_of(&page).await;
    // Without the token: refused, nothing opened.
    let r = b
        .post(&format!("{page}/requests"), &[("symptoms", "Noise")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(
            &format!("{page}/requests"),
            &[
                ("_csrf", &csrf),
                ("symptoms", "Doors do not close on floor 2"),
                ("unit_out_of_service", "true"),
                ("reporter_name", "Pia Manager"),
                ("callback_phone", "+358 40 555 0101"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let number = r.location().trim_start_matches("/requests/").to_string();
    assert!(number.starts_with("SO-"), "{number}");
    let detail = b.get(r.location()).await;
    assert!(detail
        .body
        .contains(&format!("Service request {number} received")));
    assert!(detail
        .body
        .contains(&format!("data-case-status=\"{number}\"")));
    // The reporter is named as such, not as the viewer's own name.
    assert!(detail.body.contains("Reported by"), "{}", detail.body);
    assert!(!detail.body.contains("Your name"));

    let token = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let api = app
        .call(
            "GET",
            &format!("/api/v1/cases/{number}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.json["channel"], "portal");
    assert_eq!(api.json["unit_id"], unit);
    assert_eq!(api.json["reporter_name"], "Pia Manager");

    // The unit now counts as out of service, on home and in the filter.
    let list = b.get("/equipment?status=out_of_service").await;
    assert!(list.body.contains(&format!("href=\"/equipment/{unit}\"")));
    assert!(b.get("/requests").await.body.contains(&number));

    // An empty description is refused with a message, not a 500.
    let r = b
        .post(
            &format!("{page}/requests"),
            &[("_csrf", &csrf), ("symptoms", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let back = b.get(r.location()).await;
    assert!(back.body.contains("flash-error"), "{}", back.body);
}

#[tokio::test]
async fn the_customer_sees_the_report_and_accepts_the_quote() {
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let admin = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let c = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&admin),
            Some(json!({"unit_id": unit, "symptoms": "Levelling off"})),
        )
        .await;
    let n = c.json["number"].as_str().unwrap().to_string();
    let techs = app
        .call("GET", "/api/v1/users?role=technician", Some(&admin), None)
        .await;
    let tech = techs.json["items"][0]["id"].as_i64().unwrap();
    let step = |path: &'static str, body: serde_json::Value| {
        let (app, admin, n) = (&app, admin.clone(), n.clone());
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
    step("status", json!({"status": "resolved"})).await;
    step("report", json!({
        "findings": "Levelling sensor drifted", "cause_code": "LEV-SENSOR",
        "actions": ["Recalibrated levelling"], "parts_used": [{"part_number": "KM-LS-22", "quantity": 1}],
        "follow_ups": [], "returned_to_service": true,
        "quote": {"amount_minor": 480000, "currency": "EUR", "text": "Replace sensor at next visit", "decision": "pending"}
    }))
    .await;

    let mut b = signed_in(&app, ADMIN).await;
    let page = b.get(&format!("/requests/{n}")).await;
    assert!(page.body.contains("Levelling sensor drifted"));
    assert!(page.body.contains("KM-LS-22"));
    assert!(page.body.contains("4\u{202f}800.00 EUR"));
    assert!(page.body.contains("Accept quote"));
    let csrf = page.csrf();
    let r = b
        .post(
            &format!("/requests/{n}/quote"),
            &[("_csrf", &csrf), ("decision", "accepted")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = b.get(&format!("/requests/{n}")).await;
    assert!(after.body.contains("Quote accepted"));
    assert!(!after.body.contains("Accept quote"));
    let api = app
        .call("GET", &format!("/api/v1/cases/{n}"), Some(&admin), None)
        .await;
    assert_eq!(api.json["quote_decision"], "accepted");
    // Repair costs report now lists the accepted quote.
    let csv = b.get("/reports/csv?kind=costs").await;
    assert!(
        csv.body.contains(&n) && csv.body.contains("4800.00"),
        "{}",
        csv.body
    );

    // Front desk may not answer quotes: no buttons, and a forged post is refused.
    let mut fd = signed_in(&app, "front.desk@nordictowers.example").await;
    let p = fd.get(&format!("/requests/{n}")).await;
    assert!(!p.body.contains("Accept quote"));
    let csrf = p.csrf();
    let r = fd
        .post(
            &format!("/requests/{n}/quote"),
            &[("_csrf", &csrf), ("decision", "declined")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// A request's opening time reads in its building's own zone, as a
/// facility manager's watch does, not in UTC.
#[tokio::test]
async fn request_times_read_in_the_buildings_zone() {
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let token = app
        .login("provider.admin@hoistway.example", DEMO_PASSWORD)
        .await;
    let u = app
        .call("GET", &format!("/api/v1/units/{unit}"), Some(&token), None)
        .await;
    let building = u.json["building_id"].as_i64().unwrap();
    let b = app
        .call(
            "GET",
            &format!("/api/v1/buildings/{building}"),
            Some(&token),
            None,
        )
        .await;
    let tz: chrono_tz::Tz = b.json["timezone"].as_str().unwrap().parse().unwrap();
    assert_ne!(tz, chrono_tz::Tz::UTC, "the demo's buildings have zones");

    let mut browser = Browser::new(app.app.clone());
    browser.sign_in(ADMIN, DEMO_PASSWORD).await;
    let csrf = browser.csrf_of("/requests/new").await;
    let unit_field = unit.to_string();
    let p = browser
        .post(
            "/requests",
            &[
                ("_csrf", &csrf),
                ("unit_id", &unit_field),
                ("symptoms", "Door closes slowly"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let local = app
        .clock_now()
        .with_timezone(&tz)
        .format("%-d %b %Y, %H:%M")
        .to_string();
    let utc = app.clock_now().format("%-d %b %Y, %H:%M").to_string();
    assert_ne!(local, utc);
    for path in ["/requests?status=all", &format!("/equipment/{unit}")] {
        let page = browser.get(path).await;
        assert!(page.body.contains(&local), "{path}: {local} missing");
        assert!(!page.body.contains(&utc), "{path}: shows UTC {utc}");
    }
}
