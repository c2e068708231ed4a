//! Planned maintenance through the API, on every backend: a contract gives
//! its units visits at once (fixed shape), the visit list filters and pages,
//! a technician works a visit through to its report with the failed-safety
//! hook firing once, certificates expire, the iCalendar feed parses with
//! Python's `icalendar` and matches the visits, and the CSV export lists
//! them. Also: a year of plans for the whole demo fleet.

use crate::common;

use axum::http::StatusCode;
use common::{error_code, TestApp};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_domain::{Clock, Role, Scope};
use hoistway_store::maintenance::scheduler::run_scheduler;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use std::process::Command;

pub(crate) struct Setup {
    pub(crate) token: String,
    pub(crate) customer: i64,
    pub(crate) building: i64,
    pub(crate) units: Vec<i64>,
    pub(crate) tech_token: String,
    pub(crate) tech_id: i64,
}

pub(crate) async fn setup(app: &TestApp) -> Setup {
    let token = app.admin_token().await;
    let post = |path: &'static str, body: Value| {
        let token = token.clone();
        async move {
            let r = app.call("POST", path, Some(&token), Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.json);
            r.json["id"].as_i64().unwrap()
        }
    };
    let customer = post("/api/v1/customers", json!({"name": "Aalto Kiinteistöt"})).await;
    let building = post(
        "/api/v1/buildings",
        json!({"customer_id": customer, "name": "Aalto House", "address": "Runeberginkatu 5, Helsinki", "country": "FI", "timezone": "Europe/Helsinki"}),
    )
    .await;
    let mut units = Vec::new();
    for (i, kind) in ["elevator", "escalator", "door"].iter().enumerate() {
        units.push(
            post(
                "/api/v1/units",
                json!({"building_id": building, "kind": kind, "equipment_number": format!("ken:77{i}")}),
            )
            .await,
        );
    }
    let actor = hoistway_store::Actor {
        user_id: None,
        at: app.clock.now(),
    };
    let tech = hoistway_store::users::create(
        &app.t.db,
        &Scope::All,
        actor,
        hoistway_store::users::NewUser {
            email: hoistway_domain::text::Email::parse("field@hoistway.example").unwrap(),
            name: "Field Tech".into(),
            role: Role::Technician,
            customer_id: None,
            phone: None,
            password_hash: hoistway_app::auth::hash_password("field tech password"),
            portfolio_ids: vec![],
        },
    )
    .await
    .unwrap();
    let r = app
        .call(
            "PUT",
            &format!("/api/v1/technicians/{}/profile", tech.id),
            Some(&token),
            Some(json!({"countries": ["fi"], "skills": ["elevator", "escalator", "door"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let tech_token = app
        .login("field@hoistway.example", "field tech password")
        .await;
    Setup {
        token,
        customer,
        building,
        units,
        tech_token,
        tech_id: tech.id,
    }
}

async fn visits(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let r = app
        .call("GET", &format!("/api/v1/visits?{query}"), Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.json);
    r.json["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn contracts_plan_visits_and_technicians_complete_them() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let s = setup(&app).await;
        let c = app
            .call(
                "POST",
                "/api/v1/contracts",
                Some(&s.token),
                Some(json!({"customer_id": s.customer, "tier": "standard", "billing_interval": "quarterly", "start_date": "2026-11-01", "unit_ids": s.units})),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
        let contract = c.json["id"].as_i64().unwrap();

        // Fixed shape: visits exist without further calls.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/visits?unit_id={}", s.units[0]),
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.json.get("next_cursor").is_some());
        let lift = r.json["items"].as_array().unwrap();
        assert!(
            lift.len() >= 7,
            "{label}: standard elevator every 8 weeks: {}",
            lift.len()
        );
        for v in lift {
            for key in ["id", "unit_id", "kind", "status", "planned_for"] {
                assert!(!v[key].is_null(), "{key} missing in {v}");
            }
            assert_eq!(v["unit_id"], s.units[0]);
            assert_eq!(v["technician_id"], s.tech_id);
        }

        // Filters and paging.
        let all = visits(&app, &s.token, &format!("contract_id={contract}&limit=500")).await;
        assert_eq!(
            all.len(),
            visits(&app, &s.token, "q=runeberginkatu&limit=500")
                .await
                .len()
        );
        assert_eq!(
            all.len(),
            visits(
                &app,
                &s.token,
                &format!("building_id={}&limit=500", s.building)
            )
            .await
            .len()
        );
        assert_eq!(
            all.len(),
            visits(
                &app,
                &s.token,
                &format!("technician_id={}&limit=500", s.tech_id)
            )
            .await
            .len()
        );
        let december = visits(&app, &s.token, "from=2026-12-01&to=2026-12-31&limit=500").await;
        assert!(!december.is_empty() && december.len() < all.len());
        assert!(december
            .iter()
            .all(|v| v["planned_date"].as_str().unwrap().starts_with("2026-12")));
        let mut paged = Vec::new();
        let mut cursor = String::new();
        loop {
            let r = app
                .call(
                    "GET",
                    &format!("/api/v1/visits?contract_id={contract}&limit=4&cursor={cursor}"),
                    Some(&s.token),
                    None,
                )
                .await;
            paged.extend(
                r.json["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["id"].as_i64().unwrap()),
            );
            match r.json["next_cursor"].as_str() {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        let ids: Vec<i64> = all.iter().map(|v| v["id"].as_i64().unwrap()).collect();
        assert_eq!(paged, ids, "{label}: pages in calendar order, no repeats");
        let bad = app
            .call(
                "GET",
                "/api/v1/visits?from=2027-01-01&to=2026-01-01",
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(error_code(&bad), "invalid");

        // Reschedule by hand: pinned, and the scheduler leaves it there.
        let first = &lift[0];
        let id = first["id"].as_i64().unwrap();
        let moved = app
            .call(
                "PATCH",
                &format!("/api/v1/visits/{id}"),
                Some(&s.token),
                Some(json!({"planned_for": "2026-12-30T09:30:00Z"})),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        assert_eq!(moved.json["pinned"], true);
        let run = run_scheduler(&app.t.db, &app.clock, 396).await.unwrap();
        assert_eq!(
            (run.created, run.moved, run.cancelled),
            (0, 0, 0),
            "{label}: {run:?}"
        );

        // The technician works the visit.
        app.clock.set("2026-12-30T09:00:00Z".parse().unwrap());
        // Sessions last 12 hours: sign in again on the day of the visit.
        let s = Setup {
            token: app
                .login("root@hoistway.example", "correct horse battery")
                .await,
            tech_token: app
                .login("field@hoistway.example", "field tech password")
                .await,
            ..s
        };
        let start = app
            .call(
                "POST",
                &format!("/api/v1/visits/{id}/start"),
                Some(&s.tech_token),
                None,
            )
            .await;
        assert_eq!(start.status, StatusCode::OK, "{}", start.json);
        assert_eq!(start.json["status"], "in_progress");
        let items = app
            .call(
                "GET",
                &format!("/api/v1/visits/{id}/checklist"),
                Some(&s.tech_token),
                None,
            )
            .await;
        let items = items.json.as_array().unwrap().clone();
        let safety = items.iter().find(|i| i["safety"] == true).unwrap()["code"]
            .as_str()
            .unwrap()
            .to_string();
        for _ in 0..2 {
            let r = app
                .call(
                    "PUT",
                    &format!("/api/v1/visits/{id}/checklist/{safety}"),
                    Some(&s.tech_token),
                    Some(json!({"outcome": "fail", "note": "worn"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        }
        let bad = app
            .call(
                "PUT",
                &format!("/api/v1/visits/{id}/checklist/{safety}"),
                Some(&s.tech_token),
                Some(json!({"outcome": "broken"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let audit = app
            .call("GET", "/api/v1/audit?limit=500", Some(&s.token), None)
            .await;
        let hooks = audit.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["action"] == "safety_failure" && a["entity_id"] == id)
            .count();
        assert_eq!(
            hooks, 1,
            "{label}: the failed-safety hook fires exactly once"
        );
        for i in &items {
            let code = i["code"].as_str().unwrap();
            if code != safety {
                app.call(
                    "PUT",
                    &format!("/api/v1/visits/{id}/checklist/{code}"),
                    Some(&s.tech_token),
                    Some(json!({"outcome": "pass"})),
                )
                .await;
            }
        }
        let done = app
            .call("POST", &format!("/api/v1/visits/{id}/complete"), Some(&s.tech_token),
                Some(json!({"findings": "Brake lining worn; case raised.", "parts_used": [{"part_number": "KM-1", "quantity": 1}], "time_on_site_min": 80})))
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.json);
        assert_eq!(done.json["visit"]["status"], "completed");
        assert_eq!(done.json["visit"]["case_pending"], true);
        let report = app
            .call(
                "GET",
                &format!("/api/v1/visits/{id}/report"),
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(report.json["report"]["time_on_site_min"], 80);

        // Certificates and expiry.
        let cert = app
            .call("POST", "/api/v1/certificates", Some(&s.token), Some(json!({
                "unit_id": s.units[0], "authority": "Inspecta", "issued_on": "2026-01-10", "expires_on": "2027-01-10",
                "file_name": "cert.pdf", "content_type": "application/pdf", "content_base64": "JVBERi0xLjQK"})))
            .await;
        assert_eq!(cert.status, StatusCode::CREATED, "{}", cert.json);
        let soon = app
            .call(
                "GET",
                "/api/v1/certificates?expiring_within_days=30",
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(
            soon.json["items"].as_array().unwrap().len(),
            1,
            "{}",
            soon.json
        );
        let later = app
            .call(
                "GET",
                "/api/v1/certificates?expiring_within_days=5",
                Some(&s.token),
                None,
            )
            .await;
        assert!(later.json["items"].as_array().unwrap().is_empty());
        let file = app
            .call(
                "GET",
                &format!("/api/v1/certificates/{}/file", cert.json["id"]),
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(file.status, StatusCode::OK);

        // CSV export: one row per visit of the period, the completed one with
        // its report, and the calls of the period's cases.
        let csv_reply = app
            .call(
                "GET",
                &format!(
                    "/api/v1/exports/maintenance.csv?from=2026-01-01&to=2027-12-31&building_id={}",
                    s.building
                ),
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(csv_reply.status, StatusCode::OK);
        let text = csv_reply.json.as_str().unwrap().to_string();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "record");
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let live = visits(
            &app,
            &s.token,
            &format!(
                "building_id={}&limit=500&from=2026-01-01&to=2027-12-31",
                s.building
            ),
        )
        .await;
        let cancelled = live.iter().filter(|v| v["status"] == "cancelled").count();
        assert_eq!(
            rows.iter()
                .filter(|r| !matches!(&r[0], "certificate" | "call" | "repair"))
                .count(),
            live.len() - cancelled
        );
        // The failed safety item's emergency case is the period's one call.
        let calls: Vec<_> = rows.iter().filter(|r| &r[0] == "call").collect();
        assert_eq!(calls.len(), 1);
        let number = headers.iter().position(|h| h == "case_number").unwrap();
        assert!(calls[0][number].starts_with("SO-"), "{:?}", calls[0]);
        let done_row = rows.iter().find(|r| r[6] == id.to_string()).unwrap();
        assert_eq!(&done_row[12], "KM-1 x 1");
        assert_eq!(&done_row[14], safety.as_str());
        let too_long = app
            .call(
                "GET",
                "/api/v1/exports/maintenance.csv?from=2024-01-01&to=2026-12-31",
                Some(&s.token),
                None,
            )
            .await;
        assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
        app.t.cleanup().await;
    }
}

/// Finds a Python with the `icalendar` package, installing it into a venv
/// under the build directory when missing. `None` when there is no Python.
fn python_with_icalendar() -> Option<String> {
    let has = |py: &str| {
        Command::new(py)
            .args(["-c", "import icalendar"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if has("python3") {
        return Some("python3".into());
    }
    Command::new("python3").arg("--version").status().ok()?;
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ical-venv");
    let py = venv.join("bin/python").display().to_string();
    if !has(&py) {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(&py)
                .args(["-m", "pip", "install", "-q", "icalendar"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "could not install Python's icalendar into {}",
            venv.display()
        );
    }
    Some(py)
}

#[tokio::test]
async fn the_calendar_feed_parses_and_matches_the_visits() {
    let app = TestApp::sqlite().await;
    let s = setup(&app).await;
    let c = app
        .call("POST", "/api/v1/contracts", Some(&s.token),
            Some(json!({"customer_id": s.customer, "tier": "comprehensive", "billing_interval": "monthly", "start_date": "2026-11-23", "unit_ids": s.units})))
        .await;
    assert_eq!(c.status, StatusCode::CREATED);
    let created = app
        .call("POST", "/api/v1/calendar/tokens", Some(&s.tech_token), None)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let url = created.json["url"].as_str().unwrap().to_string();
    let feed = app.call("GET", &url, None, None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = feed.json.as_str().unwrap().to_string();
    // Subscribers read plain words, not the scheduler's codes.
    for code in [
        "plan_start",
        "catch_up",
        "in_progress",
        "(time)",
        "(inspection)",
    ] {
        assert!(!ics.contains(code), "{code} in the feed");
    }
    assert!(
        ics.contains("first visit of the maintenance plan")
            || ics.contains("regular maintenance interval")
            || ics.contains("periodic authority inspection"),
        "{ics}"
    );
    let mine = visits(
        &app,
        &s.token,
        &format!(
            "technician_id={}&limit=500&from=2026-10-24&to=2027-12-28",
            s.tech_id
        ),
    )
    .await;
    assert!(mine.len() > 20);
    let expected: Vec<Value> = mine
        .iter()
        .map(|v| {
            let start: chrono::DateTime<chrono::Utc> = v["planned_for"].as_str().unwrap().parse().unwrap();
            let end = start + chrono::Duration::minutes(v["duration_min"].as_i64().unwrap());
            json!({"uid": format!("visit-{}@hoistway", v["id"]), "start": start.to_rfc3339(), "end": end.to_rfc3339(),
                   "status": if v["status"] == "cancelled" { "CANCELLED" } else { "CONFIRMED" }})
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (ics_path, json_path) = (
        dir.path().join("feed.ics"),
        dir.path().join("expected.json"),
    );
    std::fs::write(&ics_path, &ics).unwrap();
    std::fs::write(&json_path, serde_json::to_string(&expected).unwrap()).unwrap();
    match python_with_icalendar() {
        Some(py) => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/check_ical.py");
            let out = Command::new(py)
                .arg(script)
                .arg(&ics_path)
                .arg(&json_path)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{text}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                text.contains(&format!("{} passed, 0 failed", expected.len())),
                "{text}"
            );
        }
        None => {
            // No Python at all: parse with the Rust parser instead.
            let parsed: icalendar::Calendar = ics.parse().unwrap();
            assert_eq!(parsed.components.len(), expected.len());
        }
    }
    // Revoked URLs stop working; a wrong token is not found.
    let r = app
        .call(
            "DELETE",
            "/api/v1/calendar/tokens",
            Some(&s.tech_token),
            None,
        )
        .await;
    assert_eq!(r.json["revoked"], 1);
    assert_eq!(
        app.call("GET", &url, None, None).await.status,
        StatusCode::NOT_FOUND
    );
    app.t.cleanup().await;
}

#[tokio::test]
async fn a_year_of_plans_for_the_demo_fleet() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let units = app
            .call("GET", "/api/v1/units?limit=500", Some(&admin), None)
            .await
            .json["items"]
            .as_array()
            .unwrap()
            .len();
        let plans = app
            .call("GET", "/api/v1/plans?limit=500", Some(&admin), None)
            .await;
        assert_eq!(
            plans.json["items"].as_array().unwrap().len(),
            units,
            "{label}: every covered unit has a plan"
        );
        let all = visits(&app, &admin, "limit=500&from=2026-11-23&to=2027-12-22").await;
        assert!(
            all.len() >= units * 4,
            "{label}: {} visits for {units} units",
            all.len()
        );
        assert!(
            all.iter().all(|v| !v["technician_id"].is_null()),
            "{label}: every visit has a technician"
        );
        let inspections = all.iter().filter(|v| v["kind"] == "inspection").count();
        assert!(inspections >= units, "{label}: {inspections} inspections");
        let use_based = all.iter().filter(|v| v["reason"] == "use").count();
        assert!(use_based > 0, "{label}: busy demo lifts are due by use");
        let expiring = app
            .call(
                "GET",
                "/api/v1/certificates?expiring_within_days=60&limit=500",
                Some(&admin),
                None,
            )
            .await;
        assert!(!expiring.json["items"].as_array().unwrap().is_empty());
        // A customer's property manager sees only their own portfolio's visits.
        let pm = app
            .login("property.manager@nordictowers.example", DEMO_PASSWORD)
            .await;
        let own = visits(&app, &pm, "limit=500").await;
        assert!(!own.is_empty());
        let nordic = own[0]["customer_id"].clone();
        assert!(own.iter().all(|v| v["customer_id"] == nordic));
        let run = run_scheduler(&app.t.db, &app.clock, 396).await.unwrap();
        assert_eq!(
            (run.created, run.moved, run.cancelled),
            (0, 0, 0),
            "{label}: {run:?}"
        );
        app.t.cleanup().await;
    }
}
