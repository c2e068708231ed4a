//! Issue #18, defect 1, on every backend: U+0000 anywhere a client sends
//! text is a 400 naming the field (PostgreSQL answered 500: "invalid byte
//! sequence for encoding UTF8: 0x00"), and in NDJSON telemetry a line with
//! NUL is a dead letter while the good lines of its batch are kept.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{Reply, TestApp};
use hoistway_domain::Clock;
use hoistway_store::testing::TestDb;
use serde_json::json;

fn assert_refused(r: &Reply, field: &str, what: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.json);
    assert_eq!(r.json["error"]["code"], "invalid", "{what}");
    assert_eq!(r.json["error"]["field"], field, "{what}: {}", r.json);
}

#[tokio::test]
async fn nul_in_any_text_is_a_400_naming_the_field() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;

        let r = app
            .call(
                "POST",
                "/api/v1/customers",
                Some(&admin),
                Some(json!({"name": "Acme\u{0}Oy"})),
            )
            .await;
        assert_refused(&r, "name", &format!("{label}: customer name"));
        let r = app
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "root@hoistway.example\u{0}", "password": "x"})),
            )
            .await;
        assert_refused(&r, "email", &format!("{label}: login"));
        let r = app
            .call(
                "PATCH",
                "/api/v1/me",
                Some(&admin),
                Some(json!({"name": "R\u{0}"})),
            )
            .await;
        assert_refused(&r, "name", &format!("{label}: PATCH /me"));
        let r = app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&admin),
                Some(
                    json!({"unit_id": 1, "symptoms": "ok", "hazards": ["smoke", "\u{0}"],
                    "passengers_trapped": false}),
                ),
            )
            .await;
        assert_refused(&r, "hazards[1]", &format!("{label}: nested array"));
        let r = app
            .call("GET", "/api/v1/customers?q=ac%00me", Some(&admin), None)
            .await;
        assert_refused(&r, "q", &format!("{label}: query"));
        let r = app
            .call("GET", "/api/v1/cases/HW%00-1", Some(&admin), None)
            .await;
        assert_refused(&r, "path", &format!("{label}: path segment"));
        // A portal form post is checked the same way.
        let req = Request::builder()
            .method("POST")
            .uri("/signin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("email=a%00b&password=x"))
            .unwrap();
        assert_refused(&app.raw(req).await, "email", &format!("{label}: form"));

        // Nothing was stored, and the server still works for normal text.
        let r = app
            .call(
                "POST",
                "/api/v1/customers",
                Some(&admin),
                Some(json!({"name": "Acme Oy"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let r = app
            .call("GET", "/api/v1/customers?q=acme", Some(&admin), None)
            .await;
        assert_eq!(r.json["items"].as_array().unwrap().len(), 1, "{label}");
    }
}

#[tokio::test]
async fn a_nul_telemetry_line_is_a_dead_letter_and_the_batch_is_kept() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = device_token(&app).await;
        let ts = app.clock.now().to_rfc3339();
        let event = |seq: u64, kind: &str, extra: serde_json::Value| {
            let mut ev = json!({"v": 1, "unit": "ken:4200001", "ts": ts, "seq": seq, "kind": kind});
            for (k, v) in extra.as_object().unwrap() {
                ev[k] = v.clone();
            }
            ev.to_string()
        };
        let body = [
            event(
                1,
                "status",
                json!({"mode": "normal", "available": true, "passengers": 0}),
            ),
            event(2, "fault", json!({"code": "E\u{0}42", "severity": "minor"})),
            event(
                3,
                "sensor",
                json!({"name": "motor_temp\u{0}", "value": 40.0}),
            ),
            // A raw NUL byte is not JSON at all; its dead letter must still store.
            "{\"v\":1,\"unit\":\"ken:4200001\",\"seq\":4,\u{0}}".to_string(),
            event(5, "fault", json!({"code": "E42", "severity": "minor"})),
        ]
        .join("\n");
        let r = app.post_ndjson(&token, body).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["accepted"], 2, "{label}: {}", r.json);
        assert_eq!(r.json["rejected"], 3, "{label}: {}", r.json);
        let lines: Vec<i64> = r.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_i64().unwrap())
            .collect();
        assert_eq!(lines, [2, 3, 4], "{label}");
        assert!(r.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("code"));
        let dead = hoistway_store::telemetry::recent_dead_letters(&app.t.db, 10)
            .await
            .unwrap();
        assert_eq!(dead.len(), 3, "{label}: three dead letters stored");
    }
}

/// Defect 10: `/readyz` says not ready on a database without this binary's
/// schema, and never sends the database's own error text.
#[tokio::test]
async fn readiness_checks_the_schema_and_hides_database_errors() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let ready = app.call("GET", "/readyz", None, None).await;
        assert_eq!(ready.status, StatusCode::OK, "{label}: {}", ready.json);

        let pool = &app.t.db.pool;
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
            .execute(pool)
            .await
            .unwrap();
        let r = app.call("GET", "/readyz", None, None).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{label}");
        let message = r.json["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("schema is at migration"),
            "{label}: {message}"
        );

        sqlx::query("DROP TABLE _sqlx_migrations")
            .execute(pool)
            .await
            .unwrap();
        let r = app.call("GET", "/readyz", None, None).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{label}");
        let message = r.json["error"]["message"].as_str().unwrap();
        assert!(message.contains("no schema"), "{label}: {message}");

        pool.close().await;
        let r = app.call("GET", "/readyz", None, None).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{label}");
        assert_eq!(
            r.json["error"]["message"], "service unavailable: the database does not answer",
            "{label}: no driver text"
        );
    }
}

/// Defect 13: twenty people mistyping from one address (an office behind
/// one NAT) do not lock the next person's sign-in from that address; one
/// account's own failures still lock that account.
#[tokio::test]
async fn failures_from_one_address_do_not_lock_everyone_behind_it() {
    let app = TestApp::sqlite().await;
    app.admin_token().await;
    let login = |email: String, password: &'static str| {
        let app = &app;
        async move {
            app.call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .status
        }
    };
    for i in 0..25 {
        let status = login(format!("colleague{i}@hoistway.example"), "mistyped").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let ok = login("root@hoistway.example".into(), "correct horse battery").await;
    assert_eq!(ok, StatusCode::OK, "the next person signs in");
    for _ in 0..5 {
        login("colleague0@hoistway.example".into(), "mistyped").await;
    }
    let locked = login("colleague0@hoistway.example".into(), "mistyped").await;
    assert_eq!(
        locked,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessed account locks"
    );
}

/// A connected unit `ken:4200001` and its device token.
async fn device_token(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    let c = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(&admin),
            Some(json!({"name": "Owner"})),
        )
        .await;
    let b = app
        .call(
            "POST",
            "/api/v1/buildings",
            Some(&admin),
            Some(
                json!({"customer_id": c.json["id"], "name": "Tower", "address": "Main St 1",
                "country": "FI", "timezone": "Europe/Helsinki"}),
            ),
        )
        .await;
    let u = app
        .call(
            "POST",
            "/api/v1/units",
            Some(&admin),
            Some(json!({"building_id": b.json["id"], "kind": "elevator", "equipment_number": "ken:4200001"})),
        )
        .await;
    let unit_id = u.json["id"].as_i64().unwrap();
    let issued = app
        .call(
            "POST",
            &format!("/api/v1/units/{unit_id}/devices"),
            Some(&admin),
            Some(json!({"label": "gw"})),
        )
        .await;
    let token = issued.json["token"].as_str().unwrap().to_string();
    token
}

/// Defect 5: an event dated far from the server's clock (a device whose
/// clock reset to 1970, or one saying 2099) is a dead letter naming `ts`;
/// the events in the window are kept.
#[tokio::test]
async fn events_outside_the_clock_window_are_dead_letters() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = device_token(&app).await;
        let now = app.clock.now();
        let line = |seq: u64, ts: chrono::DateTime<chrono::Utc>| {
            json!({"v": 1, "unit": "ken:4200001", "ts": ts.to_rfc3339(), "seq": seq,
                   "kind": "status", "mode": "normal", "available": true})
            .to_string()
        };
        let body = [
            line(1, now - chrono::Duration::hours(3)),
            line(2, chrono::DateTime::from_timestamp(0, 0).unwrap()),
            line(3, now + chrono::Duration::days(365 * 70)),
            line(4, now + chrono::Duration::minutes(1)),
        ]
        .join("\n");
        let r = app.post_ndjson(&token, body).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["accepted"], 2, "{label}: {}", r.json);
        assert_eq!(r.json["rejected"], 2, "{label}: {}", r.json);
        for e in r.json["errors"].as_array().unwrap() {
            let m = e["message"].as_str().unwrap();
            assert!(m.starts_with("field `ts`"), "{label}: {m}");
        }
        let dead = hoistway_store::telemetry::recent_dead_letters(&app.t.db, 10)
            .await
            .unwrap();
        assert_eq!(dead.len(), 2, "{label}");
        assert!(dead.iter().all(|d| d.reason.contains("accepted window")));
    }
}
