//! The service desk through the API on both backends: intake and triage,
//! the lifecycle with its service report, refusals that leave nothing
//! behind.

use crate::common;

use axum::http::StatusCode;
use chrono::Duration;
use common::desk::*;
use common::error_code;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

#[tokio::test]
async fn intake_triage_and_fixed_shape() {
    for t in TestDb::all().await {
        let d = desk(t).await;
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Car stuck between floors 3 and 4", "passengers_trapped": true}),
        )
        .await;
        assert_eq!(c["number"], "SO-2026-000001");
        assert_eq!(c["priority"], "emergency");
        assert_eq!(c["status"], "new");
        assert_eq!(c["triage_rule"], "entrapment");
        assert!(c["sla"]["response_due"].is_string(), "{c}");

        let got = d
            .app
            .call(
                "GET",
                "/api/v1/cases/SO-2026-000001",
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.json["number"], "SO-2026-000001");
        assert_eq!(got.json["timeline"][0]["kind"], "created");

        // Routine: no safety facts.
        let r = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Button light broken", "passengers_trapped": false}),
        )
        .await;
        assert_eq!(r["number"], "SO-2026-000002");
        assert_ne!(r["priority"], "emergency");

        // An entrapment with only a building is enough; no symptoms needed.
        let building = c["building_id"].as_i64().unwrap();
        let e = open(
            &d,
            &d.operator,
            json!({"building_id": building, "passengers_trapped": 2, "channel": "phone"}),
        )
        .await;
        assert_eq!(e["priority"], "emergency");
        assert_eq!(e["safety"]["trapped_count"], 2);
        assert_eq!(e["channel"], "phone");

        // Paperwork is required when nobody is in danger.
        let missing = d
            .app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&d.customer),
                Some(json!({"building_id": building, "symptoms": "noisy"})),
            )
            .await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.json);
        assert_eq!(missing.json["error"]["field"], "unit_id");
        let no_symptoms = d
            .app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&d.customer),
                Some(json!({"unit_id": d.unit})),
            )
            .await;
        assert_eq!(no_symptoms.json["error"]["field"], "symptoms");
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_leaves_nothing_behind() {
    for t in TestDb::all().await {
        let d = desk(t).await;
        let before = case_count(&d).await;
        for (body, field) in [
            (json!({"unit_id": 999_999, "symptoms": "x"}), "unit_id"),
            (
                json!({"unit_id": d.foreign_unit, "symptoms": "x"}),
                "unit_id",
            ),
            (
                json!({"unit_id": d.unit, "symptoms": "x", "passengers_trapped": -3}),
                "trapped_count",
            ),
            (
                json!({"unit_id": d.unit, "symptoms": "x", "channel": "pigeon"}),
                "channel",
            ),
            (
                json!({"unit_id": d.unit, "symptoms": "x", "callback_phone": "call me"}),
                "callback_phone",
            ),
        ] {
            let r = d
                .app
                .call(
                    "POST",
                    "/api/v1/cases",
                    Some(&d.customer),
                    Some(body.clone()),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{body}: {}", r.json);
        }
        let unknown = d
            .app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&d.customer),
                Some(json!({"unit_id": d.unit, "colour": "red"})),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            case_count(&d).await,
            before,
            "refused intakes must not leave cases"
        );

        // The refused intakes consumed no number.
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Door slow to close"}),
        )
        .await;
        assert_eq!(c["number"], "SO-2026-000001");
        let n = c["number"].as_str().unwrap();

        // Illegal transition: new → on_site names what is allowed.
        let r = post(&d, &d.operator, n, "status", json!({"status": "resolved"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        let msg = r.json["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("dispatched") && msg.contains("cancelled"),
            "{msg}"
        );

        // A report on an unresolved case.
        let report = json!({"findings": "Worn roller", "cause_code": "DOOR-ROLLER", "actions": ["Replaced roller"],
            "parts_used": [{"part_number": "KM123", "quantity": 1}], "returned_to_service": true});
        let r = post(&d, &d.operator, n, "report", report.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);

        // An ETA in the past.
        let r = post(
            &d,
            &d.operator,
            n,
            "assign",
            json!({"technician_id": d.tech_id, "eta": "2026-11-23T07:00:00Z"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
        assert_eq!(r.json["error"]["field"], "eta");
        let got = d
            .app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(
            got.json["status"], "new",
            "a refused dispatch changes nothing"
        );
        assert!(got.json["technician_id"].is_null());

        // Negative quantities in a report, once resolved.
        for (action, body) in [
            (
                "assign",
                json!({"technician_id": d.tech_id, "eta": "2026-11-23T09:00:00Z"}),
            ),
            ("status", json!({"status": "on_site"})),
            ("status", json!({"status": "resolved"})),
        ] {
            let r = post(&d, &d.operator, n, action, body).await;
            assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.json);
        }
        let mut bad = report.clone();
        bad["parts_used"][0]["quantity"] = json!(-2);
        let r = post(&d, &d.operator, n, "report", bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("quantity"));
        let got = d
            .app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.operator),
                None,
            )
            .await;
        assert!(got.json["report"].is_null());

        // Customers do not move cases, and do not see other tenants' cases.
        let r = post(&d, &d.customer, n, "status", json!({"status": "closed"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let other = d
            .app
            .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let r = d
            .app
            .call("GET", &format!("/api/v1/cases/{n}"), Some(&other), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&r), "not_found");
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn lifecycle_with_report_quote_and_private_notes() {
    let d = desk(TestDb::sqlite().await).await;
    let c = open(
        &d,
        &d.customer,
        json!({"unit_id": d.unit, "symptoms": "Levelling off by 3 cm", "channel": "portal"}),
    )
    .await;
    let n = c["number"].as_str().unwrap();
    assert_eq!(c["channel"], "portal");

    let r = post(
        &d,
        &d.operator,
        n,
        "assign",
        json!({"technician_id": d.tech_id, "eta": "2026-11-23T10:00:00Z"}),
    )
    .await;
    assert_eq!(r.json["status"], "dispatched");
    assert_eq!(r.json["eta"], "2026-11-23T10:00:00Z");
    let r = post(&d, &d.tech, n, "status", json!({"status": "en_route"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    d.app.clock.advance(Duration::minutes(90));
    let r = post(&d, &d.tech, n, "status", json!({"status": "on_site"})).await;
    assert_eq!(r.json["on_site_at"], "2026-11-23T09:30:00Z");
    assert_eq!(r.json["sla"]["response"], "met", "{}", r.json);
    let r = post(
        &d,
        &d.tech,
        n,
        "notes",
        json!({"text": "Customer's badge reader is flaky", "internal": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post(&d, &d.tech, n, "status", json!({"status": "resolved"})).await;
    assert_eq!(r.json["status"], "resolved");
    let report = json!({
        "findings": "Levelling sensor drifted", "cause_code": "LEV-SENSOR",
        "actions": ["Recalibrated levelling"], "parts_used": [{"part_number": "KM-LS-22", "quantity": 1}],
        "follow_ups": [], "returned_to_service": true,
        "quote": {"amount_minor": 480000, "currency": "EUR", "text": "Replace sensor at next visit", "decision": "pending"}
    });
    let r = post(&d, &d.tech, n, "report", report).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["first_time_fix"], true);
    assert_eq!(r.json["quote_decision"], "pending");

    // The customer answers the quote; the operator may not.
    let r = post(&d, &d.operator, n, "quote", json!({"decision": "accepted"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(&d, &d.customer, n, "quote", json!({"decision": "accepted"})).await;
    assert_eq!(r.json["quote_decision"], "accepted");
    let r = post(&d, &d.customer, n, "quote", json!({"decision": "declined"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Internal notes: the desk sees them, the customer does not.
    let staff = d
        .app
        .call(
            "GET",
            &format!("/api/v1/cases/{n}"),
            Some(&d.operator),
            None,
        )
        .await;
    let kinds = |v: &Value| -> Vec<String> {
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(kinds(&staff.json).contains(&"note".to_string()));
    let cust = d
        .app
        .call(
            "GET",
            &format!("/api/v1/cases/{n}"),
            Some(&d.customer),
            None,
        )
        .await;
    assert!(
        !kinds(&cust.json).contains(&"note".to_string()),
        "{}",
        cust.json
    );
    assert!(kinds(&cust.json).contains(&"report".to_string()));
    assert!(cust.json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_user_id"].is_null() || e["at"].is_string()));

    // Close; a closed case is final.
    let r = post(&d, &d.operator, n, "status", json!({"status": "closed"})).await;
    assert_eq!(r.json["status"], "closed");
    let r = post(
        &d,
        &d.operator,
        n,
        "status",
        json!({"status": "new", "reason": "again"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("final"));

    // Priority override is the duty manager's, with a reason.
    let c2 = open(
        &d,
        &d.customer,
        json!({"unit_id": d.unit, "symptoms": "Scratched panel"}),
    )
    .await;
    let n2 = c2["number"].as_str().unwrap();
    let r = post(
        &d,
        &d.operator,
        n2,
        "priority",
        json!({"priority": "urgent", "reason": "VIP"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &d,
        &d.duty,
        n2,
        "priority",
        json!({"priority": "urgent", "reason": " "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let to = if c2["priority"] == "urgent" {
        "routine"
    } else {
        "urgent"
    };
    let r = post(
        &d,
        &d.duty,
        n2,
        "priority",
        json!({"priority": to, "reason": "Hospital visitors rely on it"}),
    )
    .await;
    assert_eq!(r.json["priority"], to, "{}", r.json);
    let got = d
        .app
        .call(
            "GET",
            &format!("/api/v1/cases/{n2}"),
            Some(&d.customer),
            None,
        )
        .await;
    let last = got.json["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "priority_override");
    assert!(last["message"]
        .as_str()
        .unwrap()
        .contains("Hospital visitors"));
}

#[tokio::test]
async fn a_replaced_safety_component_keeps_the_case_open_until_the_inspection() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Car stopped, controller fault"}),
        )
        .await;
        let n = c["number"].as_str().unwrap();
        for (action, body) in [
            (
                "assign",
                json!({"technician_id": d.tech_id, "eta": "2026-11-23T09:00:00Z"}),
            ),
            ("status", json!({"status": "on_site"})),
            ("status", json!({"status": "resolved"})),
        ] {
            let r = post(&d, &d.operator, n, action, body).await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {action}: {}", r.json);
        }
        let mut report = json!({"findings": "Controller CPU board failed", "cause_code": "CTRL-CPU",
            "actions": ["Replaced the controller CPU board"], "parts_used": [{"part_number": "KM-CPU-831", "quantity": 1}],
            "follow_ups": [], "returned_to_service": true, "inspection_required": true});
        // Back in service before the inspection is a contradiction.
        let r = post(&d, &d.tech, n, "report", report.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("inspection"),
            "{label}: {}",
            r.json
        );
        report["returned_to_service"] = json!(false);
        let r = post(&d, &d.tech, n, "report", report).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["report"]["inspection_required"], true);

        // The unit counts as out of service until then.
        let awaiting = || async {
            hoistway_store::cases::inspection::units_awaiting(
                &d.app.t.db,
                &hoistway_domain::Scope::All,
            )
            .await
            .unwrap()
        };
        assert!(awaiting().await.contains(&d.unit), "{label}");
        // The unit's status says so too, on our API and the KONE-compatible
        // one (which reads the same status).
        let status = d
            .app
            .call(
                "GET",
                &format!("/api/v1/units/{}/status", d.unit),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(
            status.json["awaiting_inspection"], true,
            "{label}: {}",
            status.json
        );
        assert_eq!(status.json["available"], false, "{label}");
        let mut portal = crate::portal_common::Browser::new(d.app.app.clone());
        portal
            .sign_in("customer.admin@nordictowers.example", DEMO_PASSWORD)
            .await;
        let page = portal.get(&format!("/equipment/{}", d.unit)).await;
        assert!(page.body.contains("Out of service"), "{label}");

        // The case does not close until the unit's inspection is recorded.
        let close = json!({"status": "closed"});
        let r = post(&d, &d.operator, n, "status", close.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("inspection certificate"));
        let cert = d
            .app
            .call("POST", "/api/v1/certificates", Some(&d.operator), Some(json!({
                "unit_id": d.unit, "authority": "Inspecta", "issued_on": "2026-11-23", "expires_on": "2027-11-23",
                "file_name": "inspection.pdf", "content_type": "application/pdf", "content_base64": "JVBERi0xLjQK"})))
            .await;
        assert_eq!(cert.status, StatusCode::CREATED, "{label}: {}", cert.json);
        assert!(!awaiting().await.contains(&d.unit), "{label}: inspected");
        let status = d
            .app
            .call(
                "GET",
                &format!("/api/v1/units/{}/status", d.unit),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(status.json["awaiting_inspection"], false, "{label}");
        let r = post(&d, &d.operator, n, "status", close).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["status"], "closed");
        let page = portal.get(&format!("/equipment/{}", d.unit)).await;
        assert!(
            !page.body.contains("Out of service"),
            "{label}: back in service"
        );
        d.app.t.cleanup().await;
    }
}
