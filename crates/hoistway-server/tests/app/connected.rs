//! Connected equipment over HTTP, on every backend: device credentials,
//! NDJSON ingest with per-line errors and dedupe, live status and lost
//! connectivity, rollups, findings from an entrapment alarm, the command
//! gate, and the periodic jobs.

use crate::common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{error_code, TestApp};
use hoistway_connected::jobs;
use hoistway_domain::Clock;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

async fn unit(app: &TestApp, token: &str, number: &str) -> (i64, i64) {
    let c = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(token),
            Some(json!({"name": format!("Owner of {number}")})),
        )
        .await;
    let customer = c.json["id"].as_i64().unwrap();
    let b = app
        .call(
            "POST",
            "/api/v1/buildings",
            Some(token),
            Some(json!({"customer_id": customer, "name": "Tower", "address": "Main St 1", "country": "FI", "timezone": "Europe/Helsinki"})),
        )
        .await;
    let u = app
        .call(
            "POST",
            "/api/v1/units",
            Some(token),
            Some(json!({"building_id": b.json["id"], "kind": "elevator", "equipment_number": number})),
        )
        .await;
    assert_eq!(u.status, StatusCode::CREATED, "{}", u.json);
    (customer, u.json["id"].as_i64().unwrap())
}

/// One event line at `secs` seconds after the test clock's start.
fn line(app: &TestApp, unit: &str, seq: u64, secs: i64, kind: &str, fields: Value) -> String {
    let ts = app.clock.now() + Duration::seconds(secs);
    let mut ev = json!({"v": 1, "unit": unit, "ts": ts.to_rfc3339(), "seq": seq, "kind": kind});
    for (k, v) in fields.as_object().unwrap() {
        ev[k] = v.clone();
    }
    ev.to_string()
}

#[tokio::test]
async fn ingest_status_rollups_findings_and_commands() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let (_, unit_id) = unit(&app, &admin, "ken:4100001").await;
        let (_, other_unit) = unit(&app, &admin, "ken:4100002").await;

        // Before anything arrives the unit was never heard from.
        let s = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/status"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s.status, StatusCode::OK, "{label}: {}", s.json);
        assert_eq!(
            (s.json["mode"].as_str(), s.json["connectivity"].as_str()),
            (Some("unknown"), Some("never"))
        );
        assert_eq!(s.json["available"], false);

        // Issue a credential: the token is shown once.
        let issued = app
            .call(
                "POST",
                &format!("/api/v1/units/{unit_id}/devices"),
                Some(&admin),
                Some(json!({"label": "gw-1"})),
            )
            .await;
        assert_eq!(
            issued.status,
            StatusCode::CREATED,
            "{label}: {}",
            issued.json
        );
        let token = issued.json["token"].as_str().unwrap().to_string();
        assert_eq!(
            issued.json["telemetry_topic"],
            format!("hoistway/v1/units/{unit_id}/telemetry")
        );
        let listed = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/devices"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
        assert!(
            listed.json.to_string().find(&token).is_none(),
            "the token is never listed"
        );

        // A batch with good lines, a duplicate, out-of-order seqs, a
        // malformed line and an event of another unit.
        let trip = |seq, secs, to| {
            line(
                &app,
                "ken:4100001",
                seq,
                secs,
                "trip",
                json!({"from_floor": 0, "to_floor": to, "duration_ms": 8000, "levelling_error_mm": 12.0}),
            )
        };
        let batch = [
            line(&app, "ken:4100001", 1, 0, "status", json!({"mode": "normal", "available": true, "passengers": 0})),
            trip(3, 20, 5),
            trip(2, 10, 3),
            trip(2, 10, 3),
            "{\"v\":1,\"unit\":\"ken:4100001\",\"seq\":".to_string(),
            line(&app, "ken:4100002", 4, 30, "trip", json!({"from_floor": 0, "to_floor": 1, "duration_ms": 5000, "levelling_error_mm": 1.0})),
            line(&app, &unit_id.to_string(), 5, 40, "door_cycle", json!({"floor": 5, "open_ms": 3000, "close_ms": 3100, "reopens": 1, "obstruction": false})),
            String::new(),
        ]
        .join("\n");
        let r = app.post_ndjson(&token, batch.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(
            (
                r.json["accepted"].as_u64(),
                r.json["duplicates"].as_u64(),
                r.json["rejected"].as_u64()
            ),
            (Some(4), Some(1), Some(2)),
            "{label}: {}",
            r.json
        );
        let lines: Vec<u64> = r.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, vec![5, 6], "{label}: {}", r.json);
        assert!(
            r.json["errors"][1]["message"]
                .as_str()
                .unwrap()
                .contains("own unit"),
            "{}",
            r.json
        );
        // The same batch again: nothing new (dedupe by unit and seq is in the database).
        let again = app.post_ndjson(&token, batch).await;
        assert_eq!(
            (
                again.json["accepted"].as_u64(),
                again.json["duplicates"].as_u64()
            ),
            (Some(0), Some(5)),
            "{label}: {}",
            again.json
        );
        let dead = hoistway_store::telemetry::recent_dead_letters(&app.t.db, 10)
            .await
            .unwrap();
        assert_eq!(dead.len(), 4, "{label}: refused lines are kept, each time");
        assert!(dead.iter().any(|d| d.raw.contains("ken:4100002")));

        // Live status.
        app.clock.advance(Duration::seconds(60));
        let s = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/status"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s.json["mode"], "normal", "{label}: {}", s.json);
        assert_eq!(s.json["available"], true);
        assert_eq!(s.json["connectivity"], "online");
        assert_eq!(s.json["current_floor"], 5);
        assert_eq!(s.json["passengers"], 0);
        assert!(s.json["last_seen"].as_str().is_some());

        // Rollups: 2 trips counted once each, door cycle, levelling.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/rollups?period=hour"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let rows = r.json["items"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{label}: {}", r.json);
        assert_eq!(
            (
                rows[0]["events"].as_i64(),
                rows[0]["starts"].as_i64(),
                rows[0]["door_cycles"].as_i64(),
                rows[0]["door_reopens"].as_i64()
            ),
            (Some(4), Some(2), Some(1), Some(1))
        );
        assert_eq!(rows[0]["levelling_over_10mm"], 2);
        let bad = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/rollups?period=week"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(
            (bad.status, error_code(&bad)),
            (StatusCode::BAD_REQUEST, "invalid".into())
        );
        let bad = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/rollups?from=yesterday"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        // Commands: a safe unit passes the gate, but no broker is configured here.
        let c = app
            .call(
                "POST",
                &format!("/api/v1/units/{unit_id}/commands"),
                Some(&admin),
                Some(json!({"command": "diagnostics"})),
            )
            .await;
        assert_eq!(
            c.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{label}: {}",
            c.json
        );
        let bad = app
            .call(
                "POST",
                &format!("/api/v1/units/{unit_id}/commands"),
                Some(&admin),
                Some(json!({"command": "self_destruct"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        // An entrapment alarm opens one finding at once; a repeat does not
        // open a second; the car is not available; commands are refused.
        let alarm = |seq, secs| {
            line(
                &app,
                "ken:4100001",
                seq,
                secs,
                "alarm",
                json!({"alarm": "entrapment", "active": true}),
            )
        };
        let r = app.post_ndjson(&token, alarm(10, 61)).await;
        assert_eq!(r.json["accepted"], 1, "{label}: {}", r.json);
        app.post_ndjson(&token, alarm(11, 62)).await;
        let f = app
            .call(
                "GET",
                &format!("/api/v1/findings?unit_id={unit_id}&status=open"),
                Some(&admin),
                None,
            )
            .await;
        let open: Vec<&Value> = f.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "entrapment")
            .collect();
        assert_eq!(open.len(), 1, "{label}: {}", f.json);
        assert_eq!(open[0]["severity"], "critical");
        assert!(!open[0]["likely_fault"].as_str().unwrap().is_empty());
        // ... and exactly one emergency case, opened by the equipment.
        let cases = app
            .call(
                "GET",
                &format!("/api/v1/cases?unit_id={unit_id}&channel=connected"),
                Some(&admin),
                None,
            )
            .await;
        let cases = cases.json["items"].as_array().unwrap();
        assert_eq!(cases.len(), 1, "{label}: {cases:?}");
        assert_eq!(cases[0]["priority"], "emergency");
        assert_eq!(cases[0]["passengers_trapped"], true);
        assert!(cases[0]["symptoms"]
            .as_str()
            .unwrap()
            .contains("entrapment"));
        let s = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/status"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s.json["available"], false, "{label}: {}", s.json);
        assert_eq!(s.json["alarms"], json!(["entrapment"]));
        let c = app
            .call(
                "POST",
                &format!("/api/v1/units/{unit_id}/commands"),
                Some(&admin),
                Some(json!({"command": "reset"})),
            )
            .await;
        assert_eq!(c.status, StatusCode::CONFLICT, "{label}: {}", c.json);
        assert!(
            c.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("alarm"),
            "{}",
            c.json
        );
        let listed = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/commands"),
                Some(&admin),
                None,
            )
            .await;
        let statuses: Vec<&str> = listed.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses,
            vec!["refused", "undeliverable"],
            "{label}: every attempt is on record"
        );

        // Silence: after the offline threshold the unit is lost.
        app.clock.advance(Duration::minutes(15));
        let s = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/status"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(
            (
                s.json["mode"].as_str(),
                s.json["connectivity"].as_str(),
                s.json["available"].as_bool()
            ),
            (Some("unknown"), Some("lost"), Some(false)),
            "{label}"
        );
        assert_eq!(s.json["reported_mode"], "normal");
        // The tick raises the offline finding and closes the hour bucket
        // with its availability.
        app.clock.advance(Duration::hours(1));
        let report = jobs::tick(&app.state).await.unwrap();
        assert!(report.buckets_closed >= 1, "{label}: {report:?}");
        let f = app
            .call(
                "GET",
                &format!("/api/v1/findings?unit_id={unit_id}&status=open"),
                Some(&admin),
                None,
            )
            .await;
        assert!(
            f.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["kind"] == "offline"),
            "{label}: {}",
            f.json
        );
        let r = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit_id}/rollups?period=hour"),
                Some(&admin),
                None,
            )
            .await;
        let row = &r.json["items"][0];
        assert!(
            row["observed_ms"].as_i64().unwrap() > 0,
            "{label}: {}",
            r.json
        );
        assert_eq!(
            row["events"], 6,
            "history does not add counts again: {}",
            r.json
        );

        // Revoked: the token stops working. Another unit's status of a
        // unit nobody has seen is "never".
        let cred = issued.json["id"].as_i64().unwrap();
        let rv = app
            .call(
                "DELETE",
                &format!("/api/v1/units/{unit_id}/devices/{cred}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(rv.status, StatusCode::OK, "{}", rv.json);
        let r = app.post_ndjson(&token, trip(20, 5000, 1)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = app.post_ndjson("not-a-token", trip(21, 5000, 1)).await;
        assert_eq!(
            (r.status, error_code(&r)),
            (StatusCode::UNAUTHORIZED, "unauthorized".into())
        );
        let s = app
            .call(
                "GET",
                &format!("/api/v1/units/{other_unit}/status"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(s.json["connectivity"], "never");

        // Metrics count what happened.
        let m = app.call("GET", "/metrics", None, None).await;
        let text = m.json.as_str().unwrap_or_default().to_string();
        assert!(
            text.contains("hoistway_telemetry_events_total{result=\"rejected\"} 4"),
            "{text}"
        );
        assert!(text.contains("hoistway_findings_total"), "{text}");

        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn only_admins_issue_credentials_and_big_batches_are_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin_token().await;
    let (_, unit_id) = unit(&app, &admin, "ken:4200001").await;
    let issued = app
        .call(
            "POST",
            &format!("/api/v1/units/{unit_id}/devices"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let token = issued.json["token"].as_str().unwrap().to_string();
    // A device token is not a user session.
    let r = app.call("GET", "/api/v1/units", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Over the ingest limit: 413, nothing stored.
    let limit = hoistway_connected::pipeline_of(&app.state)
        .settings()
        .ingest_body_limit;
    let r = app.post_ndjson(&token, "x".repeat(limit + 1)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.json);
    // Blank batches are fine and do nothing.
    let r = app.post_ndjson(&token, "\n\n".into()).await;
    assert_eq!(
        r.json,
        json!({"accepted": 0, "duplicates": 0, "rejected": 0, "errors": []})
    );

    // Retention: raw events go after 30 days, rollups stay.
    let sensor = line(
        &app,
        "ken:4200001",
        1,
        0,
        "sensor",
        json!({"name": "motor_temp_c", "value": 41.5}),
    );
    let r = app.post_ndjson(&token, sensor).await;
    assert_eq!(r.json["accepted"], 1, "{}", r.json);
    app.clock.advance(Duration::days(29));
    assert_eq!(jobs::purge(&app.state).await.unwrap(), 0);
    app.clock.advance(Duration::days(2));
    assert_eq!(jobs::purge(&app.state).await.unwrap(), 1);
    let db = &app.t.db;
    assert_eq!(
        hoistway_store::telemetry::count_events(db, Some(unit_id))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        hoistway_store::rollups::total_events(db, Some(unit_id), "day")
            .await
            .unwrap(),
        1
    );
    app.t.cleanup().await;
}

/// Opens a unit with a device on `app`, sends one healthy trip, lets the
/// day close and returns the unit's open finding kinds.
async fn finding_kinds_after_a_quiet_day(app: &TestApp) -> Vec<String> {
    let admin = app.admin_token().await;
    let (_, unit_id) = unit(app, &admin, "ken:4300001").await;
    let issued = app
        .call(
            "POST",
            &format!("/api/v1/units/{unit_id}/devices"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let token = issued.json["token"].as_str().unwrap().to_string();
    let trip = line(
        app,
        "ken:4300001",
        1,
        0,
        "trip",
        json!({"from_floor": 0, "to_floor": 3, "duration_ms": 8000, "levelling_error_mm": 2.0}),
    );
    let r = app.post_ndjson(&token, trip).await;
    assert_eq!(r.json["accepted"], 1, "{}", r.json);
    // Stay in touch through the day so only the risk model can speak.
    for h in 1..=26 {
        app.clock.advance(Duration::hours(1));
        let hb = line(
            app,
            "ken:4300001",
            1 + h as u64,
            0,
            "status",
            json!({"mode": "normal", "available": true, "passengers": 0}),
        );
        app.post_ndjson(&token, hb).await;
        jobs::tick(&app.state).await.unwrap();
    }
    // A day later the morning's session has expired.
    let admin = app
        .login("root@hoistway.example", "correct horse battery")
        .await;
    let f = app
        .call(
            "GET",
            &format!("/api/v1/findings?unit_id={unit_id}&status=open"),
            Some(&admin),
            None,
        )
        .await;
    f.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_risk_model_given_at_start_scores_closed_days() {
    // The shipped model finds nothing wrong with a quiet healthy day.
    let shipped = TestApp::sqlite().await;
    let kinds = finding_kinds_after_a_quiet_day(&shipped).await;
    assert!(!kinds.iter().any(|k| k == "failure_risk"), "{kinds:?}");
    shipped.t.cleanup().await;

    // A model that calls every day risky (as `serve --risk-model` would
    // load it) raises failure risk on the same day.
    let mut settings = hoistway_app::state::Settings::default();
    settings.connected.risk_model = Some(
        hoistway_analytics::risk::Model::from_json(
            &json!({
                "features": hoistway_analytics::risk::FEATURES,
                "weights": vec![0.0; 6],
                "bias": 9.0
            })
            .to_string(),
        )
        .unwrap(),
    );
    let alarmist = TestApp::with_settings(TestDb::sqlite().await, settings).await;
    let kinds = finding_kinds_after_a_quiet_day(&alarmist).await;
    assert!(kinds.iter().any(|k| k == "failure_risk"), "{kinds:?}");
    alarmist.t.cleanup().await;
}
