//! On call and dispatch suggestions (issue #21) on every backend: the rota
//! and extreme-weather CRUD with refusals naming the field, audit rows and
//! role refusals (customers 403); who is on call now; the suggestions'
//! order on a constructed scenario (working time, a night with nobody and
//! then someone far away on call, extreme weather slowing the estimate);
//! escalations reaching the technician on call; the desk's pages.

use crate::common::desk::{desk, open};
use crate::common::TestApp;
use crate::portal_common::signed_in;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

async fn tech_id(app: &TestApp, token: &str, email: &str) -> i64 {
    let techs = app
        .call("GET", "/api/v1/technicians", Some(token), None)
        .await;
    techs
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["email"] == email)
        .unwrap()["user_id"]
        .as_i64()
        .unwrap()
}

async fn audited(app: &TestApp, entity: &str, id: i64) -> Vec<String> {
    let mut q = hoistway_store::sql::Sql::new("SELECT action FROM audit_log WHERE entity = ");
    q.bind(entity.to_string())
        .push(" AND entity_id = ")
        .bind(id)
        .push(" ORDER BY action");
    q.fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "action"))
        .collect()
}

#[tokio::test]
async fn the_rota_and_weather_declarations_are_kept_checked_and_audited() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let now = app.clock_now();
        let shift = json!({"technician_id": d.tech_id, "starts_at": at(now + Duration::days(20)),
            "ends_at": at(now + Duration::days(21)), "kind": "regular", "country": "fi", "region": "Uusimaa"});
        let r = app
            .call("POST", "/api/v1/shifts", Some(&d.duty), Some(shift.clone()))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        assert_eq!(r.json["country"], "FI", "{label}");
        let id = r.json["id"].as_i64().unwrap();

        // Refusals name the field.
        let operator_id = app
            .call("GET", "/api/v1/me", Some(&d.operator), None)
            .await
            .json["id"]
            .as_i64()
            .unwrap();
        let with = |k: &str, v: Value| {
            let mut b = shift.clone();
            b[k] = v;
            b
        };
        for (body, field) in [
            (with("kind", json!("standby")), "kind"),
            (with("starts_at", json!("tomorrow")), "starts_at"),
            (
                with("ends_at", json!(at(now + Duration::days(19)))),
                "ends_at",
            ),
            (
                with("ends_at", json!(at(now + Duration::days(40)))),
                "ends_at",
            ),
            (with("country", json!("Finland")), "country"),
            (with("technician_id", json!(operator_id)), "technician_id"),
        ] {
            let r = app
                .call("POST", "/api/v1/shifts", Some(&d.duty), Some(body))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{label}: {}", r.json);
        }
        // The same entry twice is a conflict.
        let r = app
            .call("POST", "/api/v1/shifts", Some(&d.duty), Some(shift.clone()))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);

        // Read, replace, list, remove.
        let path = format!("/api/v1/shifts/{id}");
        let r = app.call("GET", &path, Some(&d.operator), None).await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        assert_eq!(r.json["region"], "Uusimaa", "{label}");
        let r = app
            .call(
                "PUT",
                &path,
                Some(&d.duty),
                Some(with("note", json!("Covers Uusimaa"))),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["note"], "Covers Uusimaa", "{label}");
        // Turning it into on call clashes with the demo's on-call entry of
        // that week: a conflict.
        let r = app
            .call(
                "PUT",
                &path,
                Some(&d.duty),
                Some(with("kind", json!("on_call"))),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        let list = app
            .call(
                "GET",
                &format!(
                    "/api/v1/shifts?country=FI&technician_id={}&from={}&to={}",
                    d.tech_id,
                    urlencode(&at(now + Duration::days(19))),
                    urlencode(&at(now + Duration::days(22)))
                ),
                Some(&d.tech),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK, "{label}: {}", list.json);
        let ids: Vec<i64> = list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert!(ids.contains(&id), "{label}: {ids:?}");
        let r = app
            .call(
                "GET",
                "/api/v1/shifts?from=yesterday",
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.json["error"]["field"], "from", "{label}");

        // Roles: operators and technicians read, only the duty manager (and
        // the provider admin) change; customers get 403 everywhere.
        let r = app
            .call(
                "POST",
                "/api/v1/shifts",
                Some(&d.operator),
                Some(shift.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app.call("DELETE", &path, Some(&d.tech), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        for (method, p) in [
            ("GET", "/api/v1/shifts".to_string()),
            ("GET", path.clone()),
            ("GET", "/api/v1/extreme-weather".to_string()),
            ("GET", "/api/v1/on-call?country=FI".to_string()),
        ] {
            let r = app.call(method, &p, Some(&d.customer), None).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{label}: customer {method} {p}"
            );
        }
        let r = app
            .call(
                "POST",
                "/api/v1/shifts",
                Some(&d.customer),
                Some(shift.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        let r = app.call("DELETE", &path, Some(&d.duty), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}");
        let r = app.call("GET", &path, Some(&d.duty), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(
            audited(app, "shift", id).await,
            vec!["create", "delete", "update"],
            "{label}"
        );

        // Extreme weather.
        let storm = json!({"country": "FI", "from": at(now), "until": at(now + Duration::days(1)),
            "note": "Snow storm"});
        for (k, v, field) in [
            ("note", json!("  "), "note"),
            ("until", json!(at(now - Duration::hours(1))), "until"),
            ("from", json!("soon"), "from"),
            ("country", json!("?"), "country"),
        ] {
            let mut b = storm.clone();
            b[k] = v;
            let r = app
                .call("POST", "/api/v1/extreme-weather", Some(&d.duty), Some(b))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{label}");
        }
        let r = app
            .call(
                "POST",
                "/api/v1/extreme-weather",
                Some(&d.operator),
                Some(storm.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "POST",
                "/api/v1/extreme-weather",
                Some(&d.duty),
                Some(storm.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let wid = r.json["id"].as_i64().unwrap();
        let wpath = format!("/api/v1/extreme-weather/{wid}");
        let mut longer = storm.clone();
        longer["until"] = json!(at(now + Duration::days(2)));
        let r = app.call("PUT", &wpath, Some(&d.duty), Some(longer)).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = app.call("GET", &wpath, Some(&d.customer), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let now_fi = app
            .call("GET", "/api/v1/on-call?country=FI", Some(&d.operator), None)
            .await;
        assert_eq!(now_fi.json["extreme_weather"][0]["id"], wid, "{label}");
        let r = app.call("DELETE", &wpath, Some(&d.duty), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}");
        assert_eq!(
            audited(app, "extreme_weather", wid).await,
            vec!["declare", "delete", "update"],
            "{label}"
        );
        d.app.t.cleanup().await;
    }
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

async fn suggestions(app: &TestApp, token: &str, number: &str) -> Value {
    let r = app
        .call(
            "GET",
            &format!("/api/v1/cases/{number}/dispatch-suggestions"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json
}

/// Available technicians come first, then the ones who meet the SLA.
fn assert_ordered(s: &Value) {
    let items = s["suggestions"].as_array().unwrap();
    let keys: Vec<(bool, bool)> = items
        .iter()
        .map(|x| (x["available"] != true, x["predicted_on_site"].is_null()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "{s}");
}

#[tokio::test]
async fn who_is_on_call_and_the_suggestions_follow_the_rota_and_the_weather() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let de_tech = tech_id(app, &d.operator, "technician.de@hoistway.example").await;
        let unit = app
            .call(
                "GET",
                &format!("/api/v1/units/{}", d.unit),
                Some(&d.operator),
                None,
            )
            .await;
        let building = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{}", unit.json["building_id"]),
                Some(&d.operator),
                None,
            )
            .await;
        let country = building.json["country"].as_str().unwrap().to_string();
        assert_eq!(
            country, "FI",
            "{label}: the demo's first customer is Finnish"
        );

        // The demo's rota has the Nordic technician on call this week.
        let r = app
            .call("GET", "/api/v1/on-call?country=FI", Some(&d.operator), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let on: Vec<i64> = r.json["technicians"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["technician_id"].as_i64().unwrap())
            .collect();
        assert_eq!(on, vec![d.tech_id], "{label}: {}", r.json);
        assert_eq!(r.json["technicians"][0]["cover"], "on_call", "{label}");
        for (q, field) in [
            ("", "country"),
            ("?country=FI&at=noon", "at"),
            ("?country=Suomi", "country"),
        ] {
            let r = app
                .call(
                    "GET",
                    &format!("/api/v1/on-call{q}"),
                    Some(&d.operator),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {q}");
            assert_eq!(r.json["error"]["field"], field, "{label}: {q}");
        }

        // Monday 08:00 UTC is working time in Helsinki: the Nordic
        // technician (on call, nearby) first; the others are off.
        let c = open(
            &d,
            &d.operator,
            json!({"unit_id": d.unit, "unit_out_of_service": true, "channel": "phone", "symptoms": "Stopped"}),
        )
        .await;
        let number = c["number"].as_str().unwrap().to_string();
        let s = suggestions(app, &d.operator, &number).await;
        assert_ordered(&s);
        let top = &s["suggestions"][0];
        assert_eq!(top["technician_id"], d.tech_id, "{label}: {s}");
        assert_eq!(top["available"], true, "{label}");
        assert!(top["predicted_on_site"].is_string(), "{label}: {top}");
        assert!(
            top["distance_km"].as_f64().unwrap() < 100.0,
            "{label}: {top}"
        );
        assert!(top["slack_minutes"].is_i64(), "{label}");
        assert_eq!(s["business_hours"], true, "{label}");
        let de = s["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["technician_id"] == de_tech)
            .unwrap()
            .clone();
        assert_eq!(de["available"], false, "{label}: {de}");
        assert_eq!(de["reason"], "not_on_duty", "{label}");

        // Only the care center sees them; another tenant's case is 404.
        for token in [&d.customer, &d.tech] {
            let r = app
                .call(
                    "GET",
                    &format!("/api/v1/cases/{number}/dispatch-suggestions"),
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        }
        let r = app
            .call(
                "GET",
                "/api/v1/cases/SO-2026-999999/dispatch-suggestions",
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // That night (00:30 Helsinki) with the Nordic on-call entry removed,
        // nobody is available ...
        let night = app
            .clock_now()
            .date_naive()
            .and_hms_opt(22, 30, 0)
            .unwrap()
            .and_utc();
        app.clock.set(night);
        // Sessions from the morning have expired by now.
        let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let duty = app
            .login("duty.manager@hoistway.example", DEMO_PASSWORD)
            .await;
        let week = app
            .call(
                "GET",
                &format!("/api/v1/shifts?country=FI&technician_id={}", d.tech_id),
                Some(&duty),
                None,
            )
            .await;
        for sh in week.json["items"].as_array().unwrap() {
            let r = app
                .call(
                    "DELETE",
                    &format!("/api/v1/shifts/{}", sh["id"]),
                    Some(&duty),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}");
        }
        let s = suggestions(app, &operator, &number).await;
        assert_eq!(s["business_hours"], false, "{label}");
        assert!(
            s["suggestions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["available"] == false),
            "{label}: {s}"
        );
        assert!(
            s["notices"][0]
                .as_str()
                .unwrap()
                .contains("Outside business hours"),
            "{label}: {}",
            s["notices"]
        );
        // ... until the German technician is put on call for Finland: far
        // away, but the only one who may go, so first.
        let r = app
            .call(
                "POST",
                "/api/v1/shifts",
                Some(&duty),
                Some(
                    json!({"technician_id": de_tech, "starts_at": at(night - Duration::hours(1)),
                    "ends_at": at(night + Duration::hours(8)), "kind": "on_call", "country": "FI"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let s = suggestions(app, &operator, &number).await;
        assert_ordered(&s);
        let top = s["suggestions"][0].clone();
        assert_eq!(top["technician_id"], de_tech, "{label}: {s}");
        assert_eq!(top["available"], true, "{label}");
        assert_eq!(top["cover"], "on_call", "{label}");
        assert!(
            top["distance_km"].as_f64().unwrap() > 500.0,
            "{label}: {top}"
        );
        let calm_minutes = top["travel_minutes"].as_i64().unwrap();
        let r = app
            .call("GET", "/api/v1/on-call?country=FI", Some(&operator), None)
            .await;
        assert_eq!(
            r.json["technicians"][0]["technician_id"], de_tech,
            "{label}"
        );

        // Extreme weather: said so, and the same drive takes longer.
        let r = app
            .call(
                "POST",
                "/api/v1/extreme-weather",
                Some(&duty),
                Some(
                    json!({"country": "FI", "from": at(night - Duration::hours(2)),
                    "until": at(night + Duration::hours(12)), "note": "Ice storm"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let s = suggestions(app, &operator, &number).await;
        assert_eq!(s["extreme_weather"][0]["note"], "Ice storm", "{label}");
        assert!(
            s["notices"][0]
                .as_str()
                .unwrap()
                .contains("Extreme weather"),
            "{label}: {}",
            s["notices"]
        );
        let top = &s["suggestions"][0];
        assert_eq!(top["technician_id"], de_tech, "{label}");
        assert!(
            top["travel_minutes"].as_i64().unwrap() > calm_minutes,
            "{label}: {top}"
        );

        // An escalation now reaches the technician on call for Finland.
        let trapped = open(
            &d,
            &operator,
            json!({"unit_id": d.unit, "passengers_trapped": true, "channel": "phone"}),
        )
        .await;
        let trapped_number = trapped["number"].as_str().unwrap();
        app.clock.advance(Duration::minutes(45));
        let run = hoistway_store::cases::sla::run_due(
            &app.state.db,
            &app.state.desk,
            app.clock_now(),
            "t",
            10,
        )
        .await
        .unwrap();
        assert!(!run.fired.is_empty(), "{label}");
        let de_token = app
            .login("technician.de@hoistway.example", DEMO_PASSWORD)
            .await;
        let inbox = app
            .call(
                "GET",
                "/api/v1/notifications?limit=500",
                Some(&de_token),
                None,
            )
            .await;
        let heard = inbox.json["items"].as_array().unwrap().iter().any(|n| {
            n["event"] == "escalation" && n["subject"].as_str().unwrap().contains(trapped_number)
        });
        assert!(heard, "{label}: {}", inbox.json);
        // The Nordic technician, off the rota now, does not.
        let tech = app
            .login("technician@hoistway.example", DEMO_PASSWORD)
            .await;
        let nordic = app
            .call("GET", "/api/v1/notifications?limit=500", Some(&tech), None)
            .await;
        assert_eq!(nordic.status, StatusCode::OK, "{label}");
        assert!(
            !nordic.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["event"] == "escalation"
                    && n["subject"].as_str().unwrap().contains(trapped_number)),
            "{label}"
        );
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_desk_shows_the_rota_the_banner_and_the_suggestions() {
    let d = desk(TestDb::sqlite().await).await;
    let app = &d.app;
    let c = open(
        &d,
        &d.operator,
        json!({"unit_id": d.unit, "unit_out_of_service": true, "channel": "phone", "symptoms": "Stopped"}),
    )
    .await;
    let number = c["number"].as_str().unwrap();
    let mut op = signed_in(app, "operator@hoistway.example").await;
    let page = op.get(&format!("/desk/cases/{number}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Suggested technicians"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("data-assign-suggestion=\"{}\"", d.tech_id)),
        "the top suggestion can be assigned"
    );
    // Assigning the top suggestion uses the predicted on-site time as ETA.
    let csrf = page.csrf();
    let r = op
        .post(
            &format!("/desk/cases/{number}/assign"),
            &[
                ("_csrf", &csrf),
                ("technician_id", &d.tech_id.to_string()),
                ("eta_predicted_minutes", "37"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = app
        .call(
            "GET",
            &format!("/api/v1/cases/{number}"),
            Some(&d.operator),
            None,
        )
        .await;
    assert_eq!(case.json["technician_id"], d.tech_id);
    let eta: DateTime<Utc> = case.json["eta"].as_str().unwrap().parse().unwrap();
    assert_eq!(eta, app.clock_now() + Duration::minutes(37));

    // The rota page: on call now, and only the duty manager may change it.
    let rota = op.get("/desk/rota").await;
    assert_eq!(rota.status, StatusCode::OK);
    assert!(rota
        .body
        .contains(&format!("data-on-duty=\"{}\"", d.tech_id)));
    assert!(!rota.body.contains("action=\"/desk/rota/shifts\""));
    let mut duty = signed_in(app, "duty.manager@hoistway.example").await;
    let csrf = duty.csrf_of("/desk/rota").await;
    let r = duty
        .post(
            "/desk/rota/weather",
            &[
                ("_csrf", &csrf),
                ("country", "FI"),
                (
                    "from",
                    &app.clock_now().format("%Y-%m-%dT%H:%M").to_string(),
                ),
                (
                    "until",
                    &(app.clock_now() + Duration::hours(6))
                        .format("%Y-%m-%dT%H:%M")
                        .to_string(),
                ),
                ("note", "Snow storm in the south"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let queue = op.get("/desk").await;
    assert!(
        queue.body.contains("data-extreme-weather"),
        "banner on the queue"
    );
    assert!(queue.body.contains("Snow storm in the south"));
    // A refused form comes back with the field's message.
    let r = duty
        .post(
            "/desk/rota/shifts",
            &[
                ("_csrf", &csrf),
                ("technician_id", &d.tech_id.to_string()),
                ("kind", "on_call"),
                ("country", "FI"),
                ("starts_at", "2026-11-30T08:00"),
                ("ends_at", "2026-11-30T07:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let back = duty.get(r.location()).await;
    assert!(back.body.contains("ends_at"), "{}", back.body);
    // Customers cannot open the desk's rota.
    let mut customer = signed_in(app, "customer.admin@nordictowers.example").await;
    let r = customer.get("/desk/rota").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    d.app.t.cleanup().await;
}
