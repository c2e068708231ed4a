//! Privacy rights (issue #20) on every backend: a person downloads their
//! data, objects to analytics and erases their account, after which the
//! history keeps a pseudonym and no trace of their name, e-mail or phone;
//! admins act on a person's request within their reach; reads of someone
//! else's data are audited; retention deletes what is past its period.

use crate::common::desk::{desk, open, post};
use crate::common::error_code;
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::privacy::retention::enforce;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

const FRONT_DESK: &str = "front.desk@nordictowers.example";

/// Every audit row a provider admin can list (all pages), and as one text.
async fn audit_text(app: &crate::common::TestApp, admin: &str) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = app
            .call(
                "GET",
                &format!("/api/v1/audit?limit=500{cursor}"),
                Some(admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        items.extend(r.json["items"].as_array().unwrap().iter().cloned());
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let text = serde_json::to_string(&items).unwrap();
    (items, text)
}

#[tokio::test]
async fn a_person_downloads_objects_and_is_erased_into_a_pseudonym() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let me_token = app.login(FRONT_DESK, DEMO_PASSWORD).await;
        let me = app.call("GET", "/api/v1/me", Some(&me_token), None).await;
        let (id, name) = (
            me.json["id"].as_i64().unwrap(),
            me.json["name"].as_str().unwrap().to_string(),
        );
        let phone = "+358 40 555 0101";
        let case = open(
            &d,
            &me_token,
            json!({"unit_id": d.unit, "symptoms": format!("Door hits passengers; call {name}"),
                   "reporter_name": name, "callback_phone": phone}),
        )
        .await;
        let number = case["number"].as_str().unwrap().to_string();

        // The download: a JSON attachment with the profile, the case and the sign-in.
        let r = app
            .call("GET", "/api/v1/me/personal-data", Some(&me_token), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let disposition = r.headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.contains(&format!("hoistway-personal-data-{id}.json")),
            "{disposition}"
        );
        assert_eq!(r.json["profile"]["email"], FRONT_DESK);
        assert_eq!(r.json["cases"][0]["number"], number.as_str());
        assert_eq!(r.json["cases"][0]["callback_phone"], phone);
        assert!(
            !r.json["sign_ins"].as_array().unwrap().is_empty(),
            "{label}"
        );
        assert!(r.json["analytics_objection_at"].is_null());

        // An objection, recorded with its time and in the download.
        let r = app
            .call(
                "PUT",
                "/api/v1/me/analytics-objection",
                Some(&me_token),
                Some(json!({"objects": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["analytics_objection_at"].is_string());
        let r = app
            .call("GET", "/api/v1/me/personal-data", Some(&me_token), None)
            .await;
        assert!(r.json["analytics_objection_at"].is_string(), "{label}");

        // The customer's webhook hears of changes, not of reads.
        let r = app
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&d.customer),
                Some(json!({"url": "https://hooks.nordictowers.example/in", "events": ["case"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let queued = || async {
            sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries")
                .fetch_one(&app.t.db.pool)
                .await
                .map(|r| sqlx::Row::get::<i64, _>(&r, "n"))
                .unwrap()
        };
        let before_read = queued().await;

        // The operator reads the case: audited as a read of personal data.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/cases/{number}"),
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.json["callback_phone"], phone);
        let (rows, _) = audit_text(app, &admin).await;
        assert!(
            rows.iter().any(|a| a["action"] == "read_personal_data"
                && a["entity"] == "case"
                && a["after"]["purpose"] == "case handling"
                && a["after"]["subject_user_id"] == id),
            "{label}: the operator's read is audited"
        );
        assert_eq!(
            queued().await,
            before_read,
            "{label}: a read sends no webhook"
        );

        // Erasure needs the e-mail typed again.
        let r = app
            .call(
                "POST",
                "/api/v1/me/erase",
                Some(&me_token),
                Some(json!({"confirm_email": "someone@else.example"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(r.json["error"]["field"], "confirm_email");
        let r = app
            .call(
                "POST",
                "/api/v1/me/erase",
                Some(&me_token),
                Some(json!({"confirm_email": FRONT_DESK.to_uppercase()})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let pseudonym = format!("Former user {id}");
        assert_eq!(r.json["pseudonym"], pseudonym.as_str());

        // Signed out everywhere, and the password is gone.
        let r = app.call("GET", "/api/v1/me", Some(&me_token), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}");
        let r = app
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"email": FRONT_DESK, "password": DEMO_PASSWORD})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}: {}", r.json);

        // The case keeps its history under the pseudonym.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/cases/{number}"),
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json["reporter_name"], pseudonym.as_str(), "{label}");
        assert!(r.json["callback_phone"].is_null(), "{label}");
        let whole = r.json.to_string();
        assert!(
            !whole.contains(&name) && !whole.contains(phone),
            "{label}: {whole}"
        );
        assert!(
            whole.contains("Door hits passengers"),
            "{label}: the fault stays"
        );

        // The audit trail says it happened and nowhere who the person was.
        let (rows, text) = audit_text(app, &admin).await;
        assert!(
            rows.iter()
                .any(|a| a["action"] == "erase" && a["entity_id"] == id),
            "{label}"
        );
        for gone in [FRONT_DESK, name.as_str(), phone] {
            assert!(
                !text.contains(gone),
                "{label}: {gone:?} left in the audit trail"
            );
        }
        // The account stays as the pseudonym, disabled.
        let r = app
            .call("GET", &format!("/api/v1/users/{id}"), Some(&admin), None)
            .await;
        assert_eq!(r.json["name"], pseudonym.as_str());
        assert_eq!(r.json["disabled"], true);
        assert!(r.json["phone"].is_null());
        assert!(!r.json["email"].as_str().unwrap().contains("nordictowers"));
        // Once is enough.
        let r = app
            .call(
                "POST",
                &format!("/api/v1/users/{id}/erase"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
    }
}

#[tokio::test]
async fn admins_act_on_request_within_their_reach() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let front = app.login(FRONT_DESK, DEMO_PASSWORD).await;
        let front_id = app.call("GET", "/api/v1/me", Some(&front), None).await.json["id"]
            .as_i64()
            .unwrap();
        let other = app
            .login("front.desk@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let other_id = app.call("GET", "/api/v1/me", Some(&other), None).await.json["id"]
            .as_i64()
            .unwrap();
        let admin_id = app.call("GET", "/api/v1/me", Some(&admin), None).await.json["id"]
            .as_i64()
            .unwrap();

        // The customer admin downloads a colleague's data: audited as a data request.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/users/{front_id}/personal-data"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["profile"]["email"], FRONT_DESK);
        let (rows, _) = audit_text(app, &admin).await;
        assert!(
            rows.iter().any(|a| a["action"] == "read_personal_data"
                && a["entity_id"] == front_id
                && a["after"]["purpose"] == "data request"),
            "{label}"
        );
        // Reading the user's page is audited too.
        app.call(
            "GET",
            &format!("/api/v1/users/{front_id}"),
            Some(&d.customer),
            None,
        )
        .await;
        let (rows, _) = audit_text(app, &admin).await;
        assert!(
            rows.iter().any(|a| a["action"] == "read_personal_data"
                && a["entity_id"] == front_id
                && a["after"]["purpose"] == "user administration"),
            "{label}"
        );
        let r = app
            .call(
                "PUT",
                &format!("/api/v1/users/{front_id}/analytics-objection"),
                Some(&d.customer),
                Some(json!({"objects": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = app
            .call(
                "PUT",
                &format!("/api/v1/users/{front_id}/analytics-objection"),
                Some(&d.customer),
                Some(json!({"objects": "yes"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);

        // Another customer's person is out of reach, and so is everyone's for a front desk.
        for path in [format!("/api/v1/users/{other_id}/personal-data")] {
            let r = app.call("GET", &path, Some(&d.customer), None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {path}");
        }
        let r = app
            .call(
                "POST",
                &format!("/api/v1/users/{other_id}/erase"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let r = app
            .call(
                "GET",
                &format!("/api/v1/users/{front_id}/personal-data"),
                Some(&other),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(error_code(&r), "forbidden");

        // The last provider admin is not erased (nobody could administer the system).
        let r = app
            .call(
                "POST",
                &format!("/api/v1/users/{admin_id}/erase"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);

        // The customer admin erases the colleague on request.
        let r = app
            .call(
                "POST",
                &format!("/api/v1/users/{front_id}/erase"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = app.call("GET", "/api/v1/me", Some(&front), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}");
    }
}

#[tokio::test]
async fn retention_deletes_what_is_past_its_period() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;

        // Everyone may read the periods; only the provider sets them, within bounds.
        let r = app
            .call("GET", "/api/v1/retention", Some(&d.customer), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let kinds: Vec<&str> = r
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "closed_cases",
                "audit",
                "notifications",
                "sign_ins",
                "idempotency_keys"
            ]
        );
        let r = app
            .call(
                "PUT",
                "/api/v1/retention/audit",
                Some(&d.customer),
                Some(json!({"days": 400})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "PUT",
                "/api/v1/retention/audit",
                Some(&admin),
                Some(json!({"days": 10})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(r.json["error"]["field"], "days");
        let r = app
            .call(
                "PUT",
                "/api/v1/retention/telemetry_forever",
                Some(&admin),
                Some(json!({"days": 400})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let r = app
            .call(
                "PUT",
                "/api/v1/retention/closed_cases",
                Some(&admin),
                Some(json!({"days": 400})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["days"], 400);

        // A cancelled case and an open one.
        let body = json!({"unit_id": d.unit, "symptoms": "Noisy doors"});
        let gone = open(&d, &d.operator, body.clone()).await["number"]
            .as_str()
            .unwrap()
            .to_string();
        let stays = open(&d, &d.operator, body).await["number"]
            .as_str()
            .unwrap()
            .to_string();
        let r = post(
            &d,
            &d.operator,
            &gone,
            "status",
            json!({"status": "cancelled", "reason": "duplicate"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);

        // 200 days on: sessions ended over 180 days ago go, cases stay.
        let now = app.clock_now();
        let run = enforce(&app.t.db, now + chrono::Duration::days(200))
            .await
            .unwrap();
        assert!(run.sign_ins >= 1, "{label}: {run:?}");
        assert_eq!(run.closed_cases, 0, "{label}");
        // 401 days on: the cancelled case is gone with its timeline, the open one stays.
        let run = enforce(&app.t.db, now + chrono::Duration::days(401))
            .await
            .unwrap();
        assert_eq!(run.closed_cases, 1, "{label}: {run:?}");
        let fresh = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let r = app
            .call("GET", &format!("/api/v1/cases/{gone}"), Some(&fresh), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let r = app
            .call("GET", &format!("/api/v1/cases/{stays}"), Some(&fresh), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        // The run is on the audit trail; a second run finds nothing more.
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let (rows, _) = audit_text(app, &admin).await;
        assert!(
            rows.iter()
                .any(|a| a["entity"] == "retention" && a["after"]["closed_cases"] == 1),
            "{label}"
        );
        let again = enforce(&app.t.db, now + chrono::Duration::days(401))
            .await
            .unwrap();
        assert_eq!(again.closed_cases, 0, "{label}");
    }
}

#[tokio::test]
async fn the_privacy_page_serves_every_role_and_its_forms_work() {
    use crate::portal_common::{on_both_demos, signed_in};
    on_both_demos(|app| async move {
        // Every role reaches it, the operator and the technician included.
        for who in [
            "operator@hoistway.example",
            "technician@hoistway.example",
            "resident@nordictowers.example",
        ] {
            let mut b = signed_in(&app, who).await;
            let p = b.get("/account/privacy").await;
            assert_eq!(p.status, StatusCode::OK, "{who}: {}", p.body);
            assert!(
                p.body.contains("Download my data") && p.body.contains("Erase my account"),
                "{who}"
            );
            // Periods are shown, not editable, below provider admin.
            assert!(
                p.body.contains("data-retention=\"audit\"")
                    && !p.body.contains("/account/privacy/retention/"),
                "{who}"
            );
            let d = b.get("/account/privacy/data.json").await;
            assert_eq!(d.status, StatusCode::OK);
            let v: Value = serde_json::from_slice(&d.bytes).unwrap();
            assert_eq!(v["profile"]["email"], who);
        }

        // Objection on and off.
        let mut b = signed_in(&app, FRONT_DESK).await;
        let csrf = b.csrf_of("/account/privacy").await;
        let r = b
            .post(
                "/account/privacy/objection",
                &[("_csrf", &csrf), ("objects", "yes")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(b
            .get("/account/privacy")
            .await
            .body
            .contains("data-objection=\"on\""));
        let r = b
            .post(
                "/account/privacy/objection",
                &[("_csrf", &csrf), ("objects", "no")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(b
            .get("/account/privacy")
            .await
            .body
            .contains("data-objection=\"off\""));

        // The provider admin edits a period; a period too short is refused by name.
        let mut admin = signed_in(&app, "provider.admin@hoistway.example").await;
        let csrf_a = admin.csrf_of("/account/privacy").await;
        let r = admin
            .post(
                "/account/privacy/retention/audit",
                &[("_csrf", &csrf_a), ("days", "30")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(admin
            .get("/account/privacy")
            .await
            .body
            .contains("days: must be between 365"));
        let r = admin
            .post(
                "/account/privacy/retention/audit",
                &[("_csrf", &csrf_a), ("days", "3000")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(admin
            .get("/account/privacy")
            .await
            .body
            .contains("value=\"3000\""));
        // Not for anyone else.
        let r = b
            .post(
                "/account/privacy/retention/audit",
                &[("_csrf", &csrf), ("days", "400")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The customer admin's Team tab: a member's data, and erasure on request.
        let mut ca = signed_in(&app, "customer.admin@nordictowers.example").await;
        let team = ca.get("/setup/team").await;
        assert!(team.body.contains("Erase on request"));
        let me = app.login(FRONT_DESK, DEMO_PASSWORD).await;
        let id = app.call("GET", "/api/v1/me", Some(&me), None).await.json["id"]
            .as_i64()
            .unwrap();
        let d = ca
            .get(&format!("/account/privacy/users/{id}/data.json"))
            .await;
        assert_eq!(d.status, StatusCode::OK);
        let csrf_c = team.csrf();
        let r = ca
            .post(
                &format!("/account/privacy/users/{id}/erase"),
                &[("_csrf", &csrf_c)],
            )
            .await;
        assert_eq!(r.location(), "/setup/team");
        let team = ca.get("/setup/team").await;
        assert!(
            team.body.contains(&format!("Former user {id}")),
            "the outcome names the pseudonym"
        );

        // Erasing oneself needs the e-mail; then the session is gone.
        let mut fin = signed_in(&app, "finance@nordictowers.example").await;
        let csrf_f = fin.csrf_of("/account/privacy").await;
        let r = fin
            .post(
                "/account/privacy/erase",
                &[("_csrf", &csrf_f), ("confirm_email", "nope@x.example")],
            )
            .await;
        assert_eq!(r.location(), "/account/privacy");
        assert!(fin
            .get("/account/privacy")
            .await
            .body
            .contains("confirm_email"));
        let r = fin
            .post(
                "/account/privacy/erase",
                &[
                    ("_csrf", &csrf_f),
                    ("confirm_email", "finance@nordictowers.example"),
                ],
            )
            .await;
        assert_eq!(r.location(), "/signin");
        let after = fin.get("/account/privacy").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out");
    })
    .await;
}
