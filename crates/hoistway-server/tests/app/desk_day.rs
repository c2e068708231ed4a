//! A scripted day at the care center on the accelerated clock: 200 cases
//! across priorities and the demo's six countries and time zones, on the
//! eve of the US Thanksgiving holiday, with the persisted timers ticking
//! every simulated minute. Every escalation must fire at its instant, once;
//! entrapments left unattended escalate at +45 min and repeat every 15 min
//! exactly; attended ones stop; KPIs count what happened.

use crate::common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::cases::sla::run_due;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[tokio::test]
async fn two_hundred_cases_escalate_at_the_right_instants() {
    let app = TestApp::on(TestDb::sqlite().await).await;
    // Wednesday before Thanksgiving (Thu 2026-11-26), 06:00 UTC.
    let start = Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0).unwrap();
    app.clock.set(start);
    app.seed_demo().await;
    let mut op = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
    let tech = app
        .login("technician@hoistway.example", DEMO_PASSWORD)
        .await;
    let tech_id = app.call("GET", "/api/v1/me", Some(&tech), None).await.json["id"]
        .as_i64()
        .unwrap();
    let units: Vec<Value> = app
        .call("GET", "/api/v1/units?limit=500", Some(&op), None)
        .await
        .json["items"]
        .as_array()
        .unwrap()
        .clone();
    assert!(units.len() >= 60);

    // The script: case i opens at start + 6 min × i (200 cases over 20 h).
    // Every 10th is an entrapment; of those, every other one gets a
    // technician on site after 30 minutes. Every 7th reports the unit down.
    let mut opened: Vec<(String, DateTime<Utc>, bool, bool)> = Vec::new();
    let mut fired: Vec<(String, String, DateTime<Utc>)> = Vec::new();
    let mut attend: BTreeMap<DateTime<Utc>, String> = BTreeMap::new();
    let end = start + Duration::hours(24);
    let mut now = start;
    let mut next_case = 0usize;
    while now <= end {
        app.clock.set(now);
        // Sign-ins last 12 hours; the operator's shift changes at noon.
        if now == start + Duration::hours(11) {
            op = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        }
        while next_case < 200 && start + Duration::minutes(6 * next_case as i64) <= now {
            let i = next_case;
            let unit = &units[(i * 7) % units.len()];
            let trapped = i.is_multiple_of(10);
            let body = json!({
                "unit_id": unit["id"], "symptoms": format!("scripted call {i}"),
                "passengers_trapped": trapped, "unit_out_of_service": i.is_multiple_of(7),
                "channel": "phone", "po_number": format!("PO-{i}"),
            });
            let r = app
                .call("POST", "/api/v1/cases", Some(&op), Some(body))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            let number = r.json["number"].as_str().unwrap().to_string();
            let attended = trapped && (i / 10) % 2 == 1;
            if attended {
                attend.insert(now + Duration::minutes(30), number.clone());
            }
            opened.push((number, now, trapped, attended));
            next_case += 1;
        }
        if let Some(number) = attend.remove(&now) {
            for (action, body) in [
                ("assign", json!({"technician_id": tech_id})),
                ("status", json!({"status": "on_site"})),
            ] {
                let r = app
                    .call(
                        "POST",
                        &format!("/api/v1/cases/{number}/{action}"),
                        Some(&op),
                        Some(body),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{number} {action}: {}", r.json);
            }
        }
        let run = run_due(&app.state.db, &app.state.desk, now, "day", 1000)
            .await
            .unwrap();
        fired.extend(run.fired.into_iter().map(|(n, k)| (n, k, now)));
        now += Duration::minutes(1);
    }
    assert_eq!(opened.len(), 200);
    op = app.login("operator@hoistway.example", DEMO_PASSWORD).await;

    // Every escalation is stored with its due instant; it was sent in the
    // minute it fell due, and never twice.
    let mut seen = std::collections::BTreeSet::new();
    for (number, _, _, _) in &opened {
        let d = app
            .call("GET", &format!("/api/v1/cases/{number}"), Some(&op), None)
            .await;
        for e in d.json["escalations"].as_array().unwrap() {
            let due: DateTime<Utc> = e["due_at"].as_str().unwrap().parse().unwrap();
            let sent: DateTime<Utc> = e["sent_at"].as_str().unwrap().parse().unwrap();
            assert!(
                sent >= due && sent - due < Duration::minutes(1),
                "{number}: {e}"
            );
            assert!(seen.insert((number.clone(), e["kind"].as_str().unwrap().to_string(), due)));
        }
    }
    assert_eq!(
        seen.len(),
        fired.len(),
        "every fired escalation is recorded once"
    );

    // Entrapments: unattended ones escalate at +45 and every 15 minutes
    // after, to the end of the day; attended ones (on site at +30) never.
    for (number, at, trapped, attended) in &opened {
        let mut times: Vec<DateTime<Utc>> = fired
            .iter()
            .filter(|(n, k, _)| n == number && k == "entrapment")
            .map(|(_, _, t)| *t)
            .collect();
        times.sort();
        if !trapped || *attended {
            assert!(times.is_empty(), "{number}: {times:?}");
            continue;
        }
        let expected: Vec<DateTime<Utc>> = (0..)
            .map(|k| *at + Duration::minutes(45 + 15 * k))
            .take_while(|t| *t <= end)
            .collect();
        assert_eq!(times, expected, "{number}");
        // And the 60-minute promise is breached exactly at +60.
        assert!(fired.iter().any(|(n, k, t)| n == number
            && k == "response_breached"
            && *t == *at + Duration::minutes(60)));
    }

    let emergency_breaches: std::collections::BTreeSet<&String> = fired
        .iter()
        .filter(|(n, k, _)| {
            k == "response_breached" && opened.iter().any(|(m, _, t, _)| m == n && *t)
        })
        .map(|(n, _, _)| n)
        .collect();
    assert_eq!(
        emergency_breaches.len(),
        10,
        "the 10 unattended entrapments breach their response promise"
    );

    // Routine promises run on the building's business days: a routine call
    // in New York after Wednesday's close skips Thanksgiving and the weekend.
    let buildings = app
        .call(
            "GET",
            "/api/v1/buildings?country=US&limit=1",
            Some(&op),
            None,
        )
        .await;
    let us_building = buildings.json["items"][0]["id"].as_i64().unwrap();
    let us_unit = units
        .iter()
        .find(|u| u["building_id"] == us_building)
        .unwrap();
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 25, 23, 30, 0).unwrap());
    let r = app
        .call("POST", "/api/v1/cases", Some(&op),
            Some(json!({"unit_id": us_unit["id"], "symptoms": "Indicator flickers", "channel": "phone", "po_number": "PO-X"})))
        .await;
    assert_eq!(r.json["priority"], "routine", "{}", r.json);
    let due: DateTime<Utc> = r.json["sla"]["response_due"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = due.with_timezone(&chrono_tz::America::New_York);
    let days = match r.json["tier"].as_str().unwrap() {
        "comprehensive" => 1,
        "standard" => 2,
        _ => 3,
    };
    // After Wednesday's close the call counts for the next business day,
    // Friday (Thursday is Thanksgiving); the promise is the close of the
    // Nth business day after that. Without the holiday it would be a day
    // earlier.
    let expected_day = ["2026-11-30", "2026-12-01", "2026-12-02"][days - 1];
    assert_eq!(local.date_naive().to_string(), expected_day, "{}", r.json);

    // KPIs see the day.
    let k = app
        .call(
            "GET",
            "/api/v1/kpis?from=2026-11-25&to=2026-11-27",
            Some(&op),
            None,
        )
        .await;
    assert_eq!(k.status, StatusCode::OK, "{}", k.json);
    assert_eq!(
        k.json["calls"], 201,
        "the scripted 200 and the New York call"
    );
    assert_eq!(k.json["entrapments"], 20);
    assert_eq!(k.json["sla"]["emergency"]["response_met"], 10, "{}", k.json);
}
