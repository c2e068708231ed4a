//! Issue #18, defect 2, on every backend: what a technician and the care
//! center may do to work that is not theirs. A technician reads only the
//! cases assigned to them (another customer's case carries the reporter's
//! name and callback phone), may not take or cancel another technician's
//! visit, and only annotates their own; plans change only by a provider
//! admin; certificates are filed by the care center, not by technicians.

use crate::common;

use axum::http::StatusCode;
use common::{error_code, TestApp};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

async fn items(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let r = app.call("GET", path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
    r.json["items"].as_array().unwrap().clone()
}

async fn me(app: &TestApp, token: &str) -> i64 {
    let r = app.call("GET", "/api/v1/me", Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["id"].as_i64().unwrap()
}

#[tokio::test]
async fn technicians_and_operators_stay_within_their_work() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let tech = app
            .login("technician@hoistway.example", DEMO_PASSWORD)
            .await;
        let tech_id = me(&app, &tech).await;

        // A case nobody has dispatched yet, with a reporter's callback phone.
        let unit = items(&app, &admin, "/api/v1/units?limit=1").await[0]["id"]
            .as_i64()
            .unwrap();
        let r = app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&admin),
                Some(
                    json!({"unit_id": unit, "symptoms": "car stops between floors",
                    "passengers_trapped": false, "reporter_name": "Aino Virtanen",
                    "callback_phone": "+358 40 111 2222"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let number = r.json["number"].as_str().unwrap().to_string();

        let r = app
            .call("GET", &format!("/api/v1/cases/{number}"), Some(&tech), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);
        let listed = items(&app, &tech, "/api/v1/cases?limit=200").await;
        assert!(
            listed.iter().all(|c| c["technician_id"] == json!(tech_id)),
            "{label}: a technician lists only own cases"
        );
        // Asking for someone else's cases by filter does not widen the list.
        let listed = items(&app, &tech, "/api/v1/cases?status=new&limit=200").await;
        assert!(
            listed.iter().all(|c| c["number"] != json!(number)),
            "{label}: the undispatched case is not listed"
        );

        // Once dispatched to them, the technician reads it.
        let r = app
            .call(
                "POST",
                &format!("/api/v1/cases/{number}/assign"),
                Some(&operator),
                Some(json!({"technician_id": tech_id})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: assign {}", r.json);
        let r = app
            .call("GET", &format!("/api/v1/cases/{number}"), Some(&tech), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);

        // Visits: another technician's visit cannot be taken or cancelled.
        let all = items(&app, &admin, "/api/v1/visits?status=planned&limit=500").await;
        let theirs = all
            .iter()
            .find(|v| v["technician_id"].is_i64() && v["technician_id"] != json!(tech_id))
            .expect("a visit of another technician");
        let mine = all
            .iter()
            .find(|v| v["technician_id"] == json!(tech_id))
            .expect("a visit of this technician");
        let patch = |id: &Value, body: Value, token: &str| {
            let path = format!("/api/v1/visits/{id}");
            let token = token.to_string();
            let app = &app;
            async move { app.call("PATCH", &path, Some(&token), Some(body)).await }
        };
        let r = patch(&theirs["id"], json!({"technician_id": tech_id}), &tech).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: take {}", r.json);
        assert_eq!(error_code(&r), "forbidden");
        let r = patch(&theirs["id"], json!({"status": "cancelled"}), &tech).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{label}: cancel {}",
            r.json
        );
        let r = patch(&mine["id"], json!({"status": "cancelled"}), &tech).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{label}: own cancel {}",
            r.json
        );
        let r = patch(
            &mine["id"],
            json!({"notes": "key at the front desk"}),
            &tech,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: notes {}", r.json);
        assert_eq!(r.json["notes"], "key at the front desk");
        let unchanged = app
            .call(
                "GET",
                &format!("/api/v1/visits/{}", theirs["id"]),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(unchanged.json["technician_id"], theirs["technician_id"]);
        assert_eq!(unchanged.json["status"], "planned");
        // The care center still dispatches.
        let r = patch(&theirs["id"], json!({"technician_id": tech_id}), &operator).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: operator {}", r.json);

        // Plans: only a provider admin switches one off.
        let plan = items(&app, &admin, "/api/v1/plans?limit=1").await[0]["id"].clone();
        for token in [&tech, &operator] {
            let r = app
                .call(
                    "PATCH",
                    &format!("/api/v1/plans/{plan}"),
                    Some(token),
                    Some(json!({"active": false})),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: plan {}", r.json);
        }
        let r = app
            .call("GET", &format!("/api/v1/plans/{plan}"), Some(&admin), None)
            .await;
        assert_eq!(r.json["active"], true, "{label}: the plan stayed on");
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/plans/{plan}"),
                Some(&admin),
                Some(json!({"active": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: admin {}", r.json);

        // Certificates: the care center files them, a technician does not.
        let certificate = json!({"unit_id": unit, "authority": "Inspecta",
            "issued_on": "2026-11-01", "expires_on": "2027-11-01",
            "file_name": "inspection.pdf", "content_type": "application/pdf",
            "content_base64": "JVBERi0xLjQK"});
        let r = app
            .call(
                "POST",
                "/api/v1/certificates",
                Some(&tech),
                Some(certificate.clone()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{label}: tech cert {}",
            r.json
        );
        let r = app
            .call(
                "POST",
                "/api/v1/certificates",
                Some(&operator),
                Some(certificate),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{label}: operator cert {}",
            r.json
        );
    }
}

/// Defect 6: the last active provider admin can neither demote nor disable
/// itself, nor be demoted by anyone; with a second admin it can.
#[tokio::test]
async fn the_last_provider_admin_stays() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let root = app.admin_token().await;
        let root_id = me(&app, &root).await;
        let path = format!("/api/v1/users/{root_id}");
        for change in [json!({"role": "operator"}), json!({"disabled": true})] {
            let r = app
                .call("PATCH", &path, Some(&root), Some(change.clone()))
                .await;
            assert_eq!(
                r.status,
                StatusCode::CONFLICT,
                "{label} {change}: {}",
                r.json
            );
            assert_eq!(error_code(&r), "conflict");
            assert!(r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("last active provider admin"));
        }
        let r = app.call("GET", &path, Some(&root), None).await;
        assert_eq!(r.json["role"], "provider_admin", "{label}");
        assert_eq!(r.json["disabled"], false, "{label}");
        // A second admin makes stepping down possible.
        let r = app
            .call(
                "POST",
                "/api/v1/users",
                Some(&root),
                Some(json!({"email": "second@hoistway.example", "name": "Second",
                    "role": "provider_admin", "password": "a long enough password"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let r = app
            .call(
                "PATCH",
                &path,
                Some(&root),
                Some(json!({"role": "operator"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        // Now the second one is the last.
        let second = app
            .login("second@hoistway.example", "a long enough password")
            .await;
        let second_id = me(&app, &second).await;
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/users/{second_id}"),
                Some(&second),
                Some(json!({"disabled": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
    }
}

/// Defect 9: a portfolio-limited property manager reads a contract that
/// also covers another building's units without learning those units.
#[tokio::test]
async fn contracts_show_a_portfolio_only_its_own_units() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let root = app.admin_token().await;
        let post = |path: &'static str, body: Value| {
            let root = root.clone();
            let app = &app;
            async move {
                let r = app.call("POST", path, Some(&root), Some(body)).await;
                assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.json);
                r.json["id"].as_i64().unwrap()
            }
        };
        let customer = post("/api/v1/customers", json!({"name": "Two Sites Oy"})).await;
        let mut units = Vec::new();
        let mut buildings = Vec::new();
        for (i, name) in ["North", "South"].iter().enumerate() {
            let b = post(
                "/api/v1/buildings",
                json!({"customer_id": customer, "name": name, "address": "Street 1",
                    "country": "FI", "timezone": "Europe/Helsinki"}),
            )
            .await;
            buildings.push(b);
            units.push(
                post(
                    "/api/v1/units",
                    json!({"building_id": b, "kind": "elevator", "equipment_number": format!("ken:4300{i}")}),
                )
                .await,
            );
        }
        let contract = post(
            "/api/v1/contracts",
            json!({"customer_id": customer, "tier": "standard", "billing_interval": "monthly",
                "start_date": "2026-11-01", "unit_ids": units}),
        )
        .await;
        let portfolio = post(
            "/api/v1/portfolios",
            json!({"customer_id": customer, "name": "North only", "building_ids": [buildings[0]]}),
        )
        .await;
        post(
            "/api/v1/users",
            json!({"email": "pm@twosites.example", "name": "PM", "role": "property_manager",
                "customer_id": customer, "password": "a long enough password",
                "portfolio_ids": [portfolio]}),
        )
        .await;
        let pm = app
            .login("pm@twosites.example", "a long enough password")
            .await;
        let listed = items(&app, &pm, "/api/v1/contracts").await;
        assert_eq!(listed.len(), 1, "{label}");
        assert_eq!(listed[0]["unit_ids"], json!([units[0]]), "{label}: list");
        let one = app
            .call(
                "GET",
                &format!("/api/v1/contracts/{contract}"),
                Some(&pm),
                None,
            )
            .await;
        assert_eq!(one.json["unit_ids"], json!([units[0]]), "{label}: detail");
        let full = app
            .call(
                "GET",
                &format!("/api/v1/contracts/{contract}"),
                Some(&root),
                None,
            )
            .await;
        assert_eq!(
            full.json["unit_ids"],
            json!(units),
            "{label}: the admin sees both"
        );
    }
}
