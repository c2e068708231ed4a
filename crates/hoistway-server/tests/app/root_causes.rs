//! Recurring faults, root-cause analyses and lifecycle planning (issue #21)
//! on every backend: three door faults on one lift flag it and put it first
//! in the ranking; the care center opens an analysis with a plan, refusals
//! name the field, the customer reads only its own and is told when it
//! opens and when an action is done. The lifecycle view is tested in
//! `lifecycle.rs`, the portal's pages in `root_causes_portal.rs`.

use crate::common::desk::{desk, open, post, Desk};
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

/// Opens a case on `unit` and takes it through to a report with `cause`.
pub(crate) async fn fault(d: &Desk, unit: i64, cause: &str) -> String {
    let c = open(
        d,
        &d.customer,
        json!({"unit_id": unit, "symptoms": format!("Fault again ({cause})")}),
    )
    .await;
    let n = c["number"].as_str().unwrap().to_string();
    let eta = (d.app.clock_now() + chrono::Duration::hours(1)).to_rfc3339();
    for (action, body) in [
        ("assign", json!({"technician_id": d.tech_id, "eta": eta})),
        ("status", json!({"status": "on_site"})),
        ("status", json!({"status": "resolved"})),
        (
            "report",
            json!({"findings": "Found it", "cause_code": cause, "actions": ["Fixed"], "returned_to_service": true}),
        ),
    ] {
        let r = post(d, &d.operator, &n, action, body).await;
        assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.json);
    }
    n
}

fn unit_ids(list: &Value) -> Vec<i64> {
    list["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"]["unit_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn recurring_door_faults_are_flagged_ranked_and_analysed() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let lifts = app
            .call(
                "GET",
                "/api/v1/units?kind=elevator&limit=2",
                Some(&d.customer),
                None,
            )
            .await;
        let second = lifts.json["items"][1]["id"].as_i64().unwrap();
        let mut doors = Vec::new();
        for code in ["DOOR-ROLLER", "DOOR-LOCK", "door_motor"] {
            doors.push(fault(&d, d.unit, code).await);
        }
        fault(&d, d.unit, "DRIVE-FAULT").await;
        fault(&d, second, "MOTOR-TEMP").await;
        fault(&d, second, "BRAKE").await;

        // Three door faults in 90 days flag the lift; two drive faults do not.
        let r = app
            .call("GET", "/api/v1/recurring-faults", Some(&d.operator), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(unit_ids(&r.json), vec![d.unit], "{label}: {}", r.json);
        let flag = &r.json["units"][0]["flags"][0];
        assert_eq!(flag["family"], "door");
        assert_eq!(flag["cases"], json!(doors));
        let r = app
            .call(
                "GET",
                "/api/v1/recurring-faults?min_cases=2&days=30",
                Some(&d.operator),
                None,
            )
            .await;
        let mut both = vec![d.unit, second];
        both.sort();
        assert_eq!(unit_ids(&r.json), both, "{label}");
        for (query, field) in [
            ("min_cases=1", "min_cases"),
            ("days=3", "days"),
            ("days=9999", "days"),
        ] {
            let r = app
                .call(
                    "GET",
                    &format!("/api/v1/recurring-faults?{query}"),
                    Some(&d.operator),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {query}");
            assert_eq!(r.json["error"]["field"], field, "{label}: {query}");
        }

        // The customer sees its own flagged lift; another customer nothing.
        let r = app
            .call("GET", "/api/v1/recurring-faults", Some(&d.customer), None)
            .await;
        assert_eq!(unit_ids(&r.json), vec![d.unit], "{label}");
        let other = app
            .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", "/api/v1/recurring-faults", Some(&other), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(unit_ids(&r.json).is_empty(), "{label}: {}", r.json);

        // The ranking: most repeats first (door ×3 + drive on the first lift:
        // 2 repeats; drive ×2 on the second: 1), with the families.
        let r = app
            .call(
                "GET",
                "/api/v1/portfolio/recurring",
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(
            unit_ids(&r.json),
            vec![d.unit, second],
            "{label}: {}",
            r.json
        );
        let first = &r.json["units"][0];
        assert_eq!(first["rank"], 1);
        assert_eq!(first["repeats"], 2);
        assert_eq!(first["cases"], 4);
        assert_eq!(first["top_family"], "door");
        assert_eq!(first["flagged"], true);
        assert_eq!(r.json["units"][1]["top_family"], "drive");
        assert_eq!(r.json["units"][1]["flagged"], false);
        let r = app
            .call("GET", "/api/v1/portfolio/recurring", Some(&other), None)
            .await;
        assert!(unit_ids(&r.json).is_empty(), "{label}");
        let r = app
            .call(
                "GET",
                "/api/v1/portfolio/recurring?days=0",
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.json["error"]["field"], "days", "{label}");

        // Opening an analysis: refusals name the field; customers may not.
        let good = json!({"unit_id": d.unit, "family": "door", "summary": "Recurring door faults on lift A",
                          "case_numbers": doors});
        for (change, field) in [
            (json!({"family": "wheels"}), "family"),
            (json!({"summary": "  "}), "summary"),
            (json!({"unit_id": 987654321}), "unit_id"),
            (json!({"case_numbers": ["SO-1999-000001"]}), "case_numbers"),
        ] {
            let mut body = good.clone();
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app
                .call("POST", "/api/v1/root-causes", Some(&d.operator), Some(body))
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{label}: {field}: {}",
                r.json
            );
            assert_eq!(r.json["error"]["field"], field, "{label}");
        }
        let r = app
            .call(
                "POST",
                "/api/v1/root-causes",
                Some(&d.customer),
                Some(good.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call("POST", "/api/v1/root-causes", Some(&d.operator), Some(good))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let id = r.json["id"].as_i64().unwrap();
        assert_eq!(r.json["status"], "open");
        assert_eq!(r.json["case_numbers"], json!(doors));
        let inbox = app
            .call(
                "GET",
                "/api/v1/notifications?limit=100",
                Some(&d.customer),
                None,
            )
            .await;
        assert!(
            inbox
                .json
                .to_string()
                .contains("Root-cause analysis opened"),
            "{label}: {}",
            inbox.json
        );
        // The flagged list names the analysis now open on the lift.
        let r = app
            .call("GET", "/api/v1/recurring-faults", Some(&d.operator), None)
            .await;
        assert_eq!(r.json["units"][0]["unit"]["open_analyses"], json!([id]));

        // The plan: actions with dates, parts and cost, checked by field.
        let actions = format!("/api/v1/root-causes/{id}/actions");
        let action = json!({"description": "Replace door rollers and track on all landings",
            "due_on": "2026-12-15", "parts": "KM601230 door roller set ×6", "cost_minor": 240000, "currency": "eur"});
        for (change, field) in [
            (json!({"due_on": "15.12.2026"}), "due_on"),
            (json!({"cost_minor": -1}), "cost_minor"),
            (json!({"currency": null}), "currency"),
            (json!({"description": ""}), "description"),
        ] {
            let mut body = action.clone();
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app
                .call("POST", &actions, Some(&d.operator), Some(body))
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{label}: {field}: {}",
                r.json
            );
            assert_eq!(r.json["error"]["field"], field, "{label}");
        }
        let r = app
            .call("POST", &actions, Some(&d.customer), Some(action.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .call("POST", &actions, Some(&d.operator), Some(action))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        assert_eq!(r.json["status"], "in_progress");
        let a1 = r.json["actions"][0]["id"].as_i64().unwrap();
        assert_eq!(r.json["actions"][0]["currency"], "EUR");
        let r = app
            .call(
                "POST",
                &actions,
                Some(&d.operator),
                Some(json!({"description": "Door operator upgrade kit", "due_on": "2027-02-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let r = app
            .call(
                "PATCH",
                &format!("{actions}/{a1}"),
                Some(&d.operator),
                Some(json!({"due_on": "2026-12-20"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["actions"][0]["due_on"], "2026-12-20");

        // Edits: findings change, the status never goes back.
        let item = format!("/api/v1/root-causes/{id}");
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&d.operator),
                Some(json!({"status": "open"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(r.json["error"]["field"], "status");
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&d.operator),
                Some(json!({"findings": "Rollers worn flat; track misaligned at floors 3-5"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&d.customer),
                Some(json!({"findings": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // An action done: the customer is told and sees the progress.
        let r = app
            .call(
                "POST",
                &format!("{actions}/{a1}/complete"),
                Some(&d.operator),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["actions_done"], 1);
        let r = app
            .call(
                "POST",
                &format!("{actions}/{a1}/complete"),
                Some(&d.operator),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");
        let inbox = app
            .call(
                "GET",
                "/api/v1/notifications?limit=100",
                Some(&d.customer),
                None,
            )
            .await;
        assert!(
            inbox
                .json
                .to_string()
                .contains("Corrective action done (1 of 2)"),
            "{label}: {}",
            inbox.json
        );
        let mine = app.call("GET", &item, Some(&d.customer), None).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert_eq!(mine.json["actions"].as_array().unwrap().len(), 2);
        assert_eq!(
            mine.json["findings"],
            "Rollers worn flat; track misaligned at floors 3-5"
        );
        let theirs = app.call("GET", &item, Some(&other), None).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{label}");
        let list = app
            .call("GET", "/api/v1/root-causes", Some(&other), None)
            .await;
        assert_eq!(list.json["items"], json!([]), "{label}");
        let list = app
            .call("GET", "/api/v1/root-causes", Some(&d.customer), None)
            .await;
        assert_eq!(list.json["items"][0]["id"], id, "{label}");

        // Closed: the plan no longer changes.
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&d.operator),
                Some(json!({"status": "closed"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["closed_at"].is_string());
        let r = app
            .call(
                "POST",
                &actions,
                Some(&d.operator),
                Some(json!({"description": "More", "due_on": "2027-01-01"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");
        // Every change is on the audit trail.
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = app
                .call(
                    "GET",
                    &format!("/api/v1/audit?limit=500{cursor}"),
                    Some(&admin),
                    None,
                )
                .await
                .json;
            for e in page["items"].as_array().unwrap() {
                if e["entity"].as_str().unwrap().starts_with("root_cause") {
                    seen.push(format!(
                        "{} {}",
                        e["entity"].as_str().unwrap(),
                        e["action"].as_str().unwrap()
                    ));
                }
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
        for want in [
            "root_cause open",
            "root_cause_action create",
            "root_cause_action update",
            "root_cause update",
            "root_cause_action complete",
        ] {
            assert!(
                seen.iter().any(|s| s == want),
                "{label}: {want} not in {seen:?}"
            );
        }
        d.app.t.cleanup().await;
    }
}
