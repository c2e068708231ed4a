//! The customer portal in-process on the demo fleet: every page renders
//! with its key content, tenancy (a foreign id is a 404 page), role gating
//! (403 pages), and the forms: service request, quote answer, calendar
//! feed, notification matrix, settings, portfolios and team.

use crate::common;
use crate::portal_common;

use axum::http::{header, StatusCode};
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_domain::Scope;
use hoistway_store::{units, ListFilter};
use portal_common::Browser;
use serde_json::json;

const ADMIN: &str = "customer.admin@nordictowers.example";
const OTHER_ADMIN: &str = "customer.admin@rhein-immo.example";

async fn demo() -> TestApp {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    app
}

/// The first unit of the customer whose admin is `email`.
async fn unit_of(app: &TestApp, email: &str) -> i64 {
    let user = hoistway_store::users::find_for_login(&app.t.db, email)
        .await
        .unwrap()
        .unwrap()
        .0;
    let f = ListFilter {
        customer_id: user.customer_id,
        limit: Some(1),
        ..Default::default()
    };
    units::list(&app.t.db, &Scope::All, &f).await.unwrap().items[0].id
}

/// The building of that unit and a contract of the same customer.
async fn building_and_contract_of(app: &TestApp, email: &str) -> (i64, i64) {
    let unit = units::get(&app.t.db, &Scope::All, unit_of(app, email).await)
        .await
        .unwrap();
    let f = ListFilter {
        customer_id: Some(unit.customer_id),
        limit: Some(1),
        ..Default::default()
    };
    let contract = hoistway_store::contracts::list(&app.t.db, &Scope::All, &f)
        .await
        .unwrap()
        .items[0]
        .id;
    (unit.building_id, contract)
}

async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app.app.clone());
    b.sign_in(email, DEMO_PASSWORD).await;
    b
}

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
        ("/reports".into(), &["Create new report", "Repair costs"]),
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
    let csv = b.get("/reports/csv?kind=visits").await;
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
        "quote": {"amount_minor": 48000, "currency": "EUR", "text": "Replace sensor at next visit", "decision": "pending"}
    }))
    .await;

    let mut b = signed_in(&app, ADMIN).await;
    let page = b.get(&format!("/requests/{n}")).await;
    assert!(page.body.contains("Levelling sensor drifted"));
    assert!(page.body.contains("KM-LS-22"));
    assert!(page.body.contains("480.00 EUR"));
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
        csv.body.contains(&n) && csv.body.contains("480.00"),
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

#[tokio::test]
async fn calendar_feed_is_created_once_shown_and_revoked() {
    let app = demo().await;
    let mut b = signed_in(&app, ADMIN).await;
    let csrf = b.csrf_of("/services").await;
    let p = b.post("/services/calendar", &[("_csrf", &csrf)]).await;
    assert_eq!(p.status, StatusCode::OK);
    let marker = "data-ical-url>";
    let start = p.body.find(marker).expect("the URL is shown") + marker.len();
    let url = &p.body[start..start + p.body[start..].find('<').unwrap()];
    let path = &url[url.find("/api/").unwrap()..];
    let feed = app.call("GET", path, None, None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.json.as_str().unwrap().contains("BEGIN:VCALENDAR"));
    let r = b
        .post("/services/calendar/revoke", &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(b
        .get("/services")
        .await
        .body
        .contains("1 calendar link revoked."));
    assert_eq!(
        app.call("GET", path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn setup_saves_settings_matrix_portfolios_and_team() {
    let app = demo().await;
    let mut b = signed_in(&app, ADMIN).await;
    let csrf = b.csrf_of("/setup").await;

    let r = b
        .post(
            "/setup/me",
            &[
                ("_csrf", &csrf),
                ("name", "Anna Admin"),
                ("phone", "+358 40 111 2222"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(b.get("/setup").await.body.contains("Anna Admin"));
    let r = b
        .post(
            "/setup/me",
            &[("_csrf", &csrf), ("name", ""), ("phone", "")],
        )
        .await;
    assert!(
        b.get(r.location()).await.body.contains("flash-error"),
        "blank name refused"
    );

    let r = b
        .post(
            "/setup/notifications",
            &[
                ("_csrf", &csrf),
                ("case_created.sms", "on"),
                ("resolved.email", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let prefs = app
        .call(
            "GET",
            "/api/v1/me/notification-preferences",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        prefs.json,
        json!({"case_created": ["sms"], "resolved": ["email"]})
    );

    let buildings = app
        .call("GET", "/api/v1/buildings", Some(&token), None)
        .await;
    let b1 = buildings.json["items"][0]["id"].to_string();
    let b2 = buildings.json["items"][1]["id"].to_string();
    let r = b
        .post(
            "/setup/portfolios",
            &[
                ("_csrf", &csrf),
                ("name", "Helsinki core"),
                ("building_id", &b1),
                ("building_id", &b2),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = app
        .call("GET", "/api/v1/portfolios", Some(&token), None)
        .await;
    let created = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Helsinki core")
        .expect("portfolio created")
        .clone();
    assert_eq!(created["building_ids"].as_array().unwrap().len(), 2);
    let id = created["id"].as_i64().unwrap();
    let r = b
        .post(
            &format!("/setup/portfolios/{id}"),
            &[("_csrf", &csrf), ("name", "Helsinki"), ("building_id", &b1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = app
        .call(
            "GET",
            &format!("/api/v1/portfolios/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(p.json["name"], "Helsinki");
    assert_eq!(p.json["building_ids"].as_array().unwrap().len(), 1);

    // Nina joins by invitation (tests/invitations.rs walks the link);
    // here the provider gives her a password directly.
    let provider = app
        .login(
            "provider.admin@hoistway.example",
            hoistway_demo::DEMO_PASSWORD,
        )
        .await;
    let customer_id =
        app.call("GET", "/api/v1/me", Some(&token), None).await.json["customer_id"].clone();
    let r = app
        .call(
            "POST",
            "/api/v1/users",
            Some(&provider),
            Some(serde_json::json!({"email": "nina@nordictowers.example", "name": "Nina New",
                "role": "front_desk", "customer_id": customer_id, "password": "a long enough password"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let mut nina = Browser::new(app.app.clone());
    nina.sign_in("nina@nordictowers.example", "a long enough password")
        .await;
    // A customer admin cannot hand out a provider role.
    let r = b
        .post(
            "/setup/team",
            &[
                ("_csrf", &csrf),
                ("name", "Evil"),
                ("email", "evil@x.example"),
                ("role", "operator"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let nina_id = hoistway_store::users::find_for_login(&app.t.db, "nina@nordictowers.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let r = b
        .post(
            &format!("/setup/team/{nina_id}/remove"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        nina.get("/").await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    // Another customer's user cannot be removed: not found.
    let other = hoistway_store::users::find_for_login(&app.t.db, OTHER_ADMIN)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let r = b
        .post(&format!("/setup/team/{other}/remove"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unit_charts_and_statistics_come_from_the_rollups() {
    use hoistway_store::rollups::{add, RollupDelta};
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let u = units::get(&app.t.db, &Scope::All, unit).await.unwrap();
    let today = app.clock_now().date_naive();
    // Three days of counts: 100, 200 and 300 starts, 1, 2 and 3 hours.
    let mut tx = app.t.db.begin().await.unwrap();
    let deltas: Vec<RollupDelta> = (1..=3)
        .map(|d| RollupDelta {
            unit_id: unit,
            customer_id: u.customer_id,
            period: "day",
            start_ms: (today - chrono::Duration::days(d))
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis(),
            events: 10,
            starts: 100 * d,
            run_ms: 3_600_000 * d,
            ..Default::default()
        })
        .collect();
    add(&mut tx, &deltas).await.unwrap();
    tx.commit().await.unwrap();

    let mut b = signed_in(&app, ADMIN).await;
    let page = b.get(&format!("/equipment/{unit}")).await;
    assert_eq!(
        page.body.matches("<svg").count()
            - page.body.matches("class=\"icon\"").count()
            - page.body.matches("class=\"logo\"").count(),
        2,
        "two charts"
    );
    assert_eq!(
        page.body.matches("class=\"bar\"").count(),
        30,
        "a bar per day"
    );
    assert!(!page.body.contains("No performance data"));

    let csv = b
        .get(&format!("/reports/csv?kind=statistics&unit={unit}"))
        .await;
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("Unit,Type,Starts,Operating hours"));
    let row = lines.next().unwrap();
    assert!(row.ends_with(",600,6.0"), "{row}");
    assert_eq!(lines.next(), None, "one unit asked for");
    let view = b
        .get(&format!("/reports/view?kind=statistics&unit={unit}"))
        .await;
    assert!(view.body.contains("class=\"line-path\""));
}

#[tokio::test]
async fn unit_states_follow_live_telemetry_within_the_tenant() {
    use hoistway_store::live::{upsert, LiveState};
    let app = demo().await;
    let own = unit_of(&app, ADMIN).await;
    let foreign = unit_of(&app, OTHER_ADMIN).await;
    let now = app.clock_now();
    let state = |unit_id: i64, customer_id: i64, mode: &str| LiveState {
        unit_id,
        customer_id,
        mode: Some(mode.into()),
        available: mode == "normal",
        last_seen: Some(now),
        current_floor: Some(3),
        passengers: Some(0),
        starts: Some(1000),
        run_hours: Some(12.5),
        alarms: vec![],
        faults: json!([]),
        version: 1,
        updated_at: now,
    };
    let cust = |id: i64| {
        let db = app.t.db.clone();
        async move { units::get(&db, &Scope::All, id).await.unwrap().customer_id }
    };
    let (own_c, foreign_c) = (cust(own).await, cust(foreign).await);
    let mut tx = app.t.db.begin().await.unwrap();
    upsert(
        &mut tx,
        &[
            state(own, own_c, "normal"),
            state(foreign, foreign_c, "out_of_service"),
        ],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut b = signed_in(&app, ADMIN).await;
    let list = b.get("/equipment?status=in_service").await;
    assert!(
        list.body.contains("1 of 24 units"),
        "only the own unit is in service"
    );
    assert!(list.body.contains(&format!("href=\"/equipment/{own}\"")));
    let out = b.get("/equipment?status=out_of_service").await;
    assert!(
        out.body.contains("0 of 24 units"),
        "the other tenant's state does not leak in"
    );
    let unit = b.get(&format!("/equipment/{own}")).await;
    assert!(unit.body.contains("Normal service") && unit.body.contains("Online"));
    // An hour later without reports the unit is unknown again.
    app.clock.advance(chrono::Duration::hours(1));
    let later = b.get("/equipment?status=unknown").await;
    assert!(
        later.body.contains("24 of 24 units") || later.body.contains("24 units"),
        "{}",
        later.body.len()
    );
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

/// The home tile counts every visit planned in the next 90 days, not only
/// the six the list shows.
#[tokio::test]
async fn the_visits_tile_counts_every_planned_visit() {
    let app = demo().await;
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let today = app.clock_now().date_naive();
    let to = today + chrono::Duration::days(90);
    let v = app
        .call(
            "GET",
            &format!("/api/v1/visits?status=planned&from={today}&to={to}&limit=500"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.json);
    let planned = v.json["items"].as_array().unwrap().len();
    assert!(
        planned > 6,
        "the demo plans more than the list shows: {planned}"
    );

    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    let home = b.get("/").await;
    let tile = format!(
        "<a class=\"tile tile-info\" href=\"/services?view=list\"><span class=\"n\">{planned}</span>"
    );
    assert!(home.body.contains(&tile), "tile with {planned} missing");
}

/// Visits name units as people do and leave out what the scheduler
/// cancelled when it re-planned.
#[tokio::test]
async fn visits_name_units_and_leave_out_cancelled_ones() {
    let app = demo().await;
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let today = app.clock_now().date_naive();
    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    // The month with planned visits: this one or the next.
    let mut page = b.get("/services?view=list").await;
    if !page.body.contains("<table") {
        let next = (today + chrono::Duration::days(31)).format("%Y-%m");
        page = b.get(&format!("/services?view=list&month={next}")).await;
    }
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<table"), "a month with visits");
    let units = app
        .call("GET", "/api/v1/units?limit=500", Some(&token), None)
        .await;
    let named = units.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["name"].as_str())
        .filter(|n| !n.trim().is_empty())
        .any(|n| page.body.contains(&format!(">{n}</a>")));
    assert!(named, "a unit linked by its name");
    assert!(!page.body.contains(">Cancelled<"), "no cancelled visits");
}
