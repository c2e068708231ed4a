//! The service desk over time and under load, on both backends: SLA
//! escalations fire once and repeat until acknowledged, concurrent intake
//! numbers stay unique, retries are idempotent, and the live stream tells
//! each tenant about its own cases only.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Duration;
use common::desk::*;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

#[tokio::test]
async fn entrapment_escalates_once_then_repeats_until_acknowledged() {
    for t in TestDb::all().await {
        let d = desk(t).await;
        let c = open(
            &d,
            &d.operator,
            json!({"unit_id": d.unit, "passengers_trapped": true, "channel": "phone"}),
        )
        .await;
        let n = c["number"].as_str().unwrap().to_string();
        let rules = d.app.state.desk.clone();
        let db = d.app.state.db.clone();
        let run = |at| {
            let (rules, db) = (rules.clone(), db.clone());
            async move {
                hoistway_store::cases::sla::run_due(&db, &rules, at, "test", 100)
                    .await
                    .unwrap()
            }
        };
        let t0 = c["created_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap();
        // Nothing before 45 minutes.
        assert!(run(t0 + Duration::minutes(44)).await.fired.is_empty());
        // At 45 minutes: the entrapment rule, and (60 min promise, 15 min
        // lead) the response is at risk.
        let mut fired = run(t0 + Duration::minutes(45)).await.fired;
        fired.sort();
        assert_eq!(
            fired,
            vec![
                (n.clone(), "entrapment".to_string()),
                (n.clone(), "response_at_risk".to_string())
            ]
        );
        // A second node (or a restart) at the same instant sends nothing more.
        assert!(run(t0 + Duration::minutes(45)).await.fired.is_empty());
        assert!(run(t0 + Duration::minutes(50)).await.fired.is_empty());
        // Repeats every 15 minutes until acknowledged.
        let fired = run(t0 + Duration::minutes(60)).await.fired;
        assert!(
            fired.contains(&(n.clone(), "entrapment".to_string())),
            "{fired:?}"
        );
        assert!(
            fired.contains(&(n.clone(), "response_breached".to_string())),
            "{fired:?}"
        );
        d.app.clock.set(t0 + Duration::minutes(61));
        let r = post(
            &d,
            &d.duty,
            &n,
            "acknowledge",
            json!({"kind": "entrapment"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let later = run(t0 + Duration::minutes(75)).await.fired;
        assert!(!later.iter().any(|(_, k)| k == "entrapment"), "{later:?}");

        let got = d
            .app
            .call("GET", &format!("/api/v1/cases/{n}"), Some(&d.duty), None)
            .await;
        let escalations = got.json["escalations"].as_array().unwrap();
        assert_eq!(
            escalations
                .iter()
                .filter(|e| e["kind"] == "entrapment")
                .count(),
            2
        );
        assert!(escalations
            .iter()
            .all(|e| e["kind"] != "entrapment" || e["target_roles"][0] == "duty_manager"));
        let timeline = got.json["timeline"].as_array().unwrap();
        assert!(timeline.iter().any(|e| e["kind"] == "escalation"));

        // The duty manager was told, once per occurrence.
        let inbox = d
            .app
            .call("GET", "/api/v1/notifications", Some(&d.duty), None)
            .await;
        let esc: Vec<&Value> = inbox.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["event"] == "escalation")
            .collect();
        let per_channel = esc
            .iter()
            .filter(|x| {
                x["channel"] == "email"
                    && x["subject"]
                        .as_str()
                        .unwrap()
                        .starts_with("Escalation: someone is trapped")
            })
            .count();
        assert_eq!(per_channel, 2, "{}", inbox.json);
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_intake_numbers_are_unique_and_retries_are_idempotent() {
    for t in TestDb::all().await {
        let d = desk(t).await;
        let mut handles = Vec::new();
        for i in 0..16 {
            let app = d.app.app.clone();
            let token = d.customer.clone();
            let unit = d.unit;
            handles.push(tokio::spawn(async move {
                use tower::ServiceExt;
                let req = Request::builder()
                    .method("POST")
                    .uri("/api/v1/cases")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        json!({"unit_id": unit, "symptoms": format!("report {i}")}).to_string(),
                    ))
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                let bytes = http_body_util::BodyExt::collect(res.into_body())
                    .await
                    .unwrap()
                    .to_bytes();
                let v: Value = serde_json::from_slice(&bytes).unwrap();
                v["number"].as_str().unwrap().to_string()
            }));
        }
        let mut numbers = Vec::new();
        for h in handles {
            numbers.push(h.await.unwrap());
        }
        numbers.sort();
        let expected: Vec<String> = (1..=16).map(|i| format!("SO-2026-{i:06}")).collect();
        assert_eq!(numbers, expected);

        let send = || {
            let req = Request::builder()
                .method("POST")
                .uri("/api/v1/cases")
                .header(header::AUTHORIZATION, format!("Bearer {}", d.customer))
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", "call-4711")
                .body(Body::from(
                    json!({"unit_id": d.unit, "symptoms": "retried"}).to_string(),
                ))
                .unwrap();
            d.app.raw(req)
        };
        let first = send().await;
        let again = send().await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!(again.json["number"], first.json["number"]);
        assert_eq!(case_count(&d).await, 17);
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_live_stream_tells_each_tenant_about_its_own_cases_only() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let d = desk(TestDb::sqlite().await).await;
    let other = d
        .app
        .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
        .await;
    let subscribe = |token: String| {
        let app = d.app.app.clone();
        async move {
            let req = Request::builder()
                .uri("/api/v1/events")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.into_body()
        }
    };
    let mut mine = subscribe(d.customer.clone()).await;
    let mut theirs = subscribe(other).await;
    async fn next(body: &mut Body) -> Option<String> {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(2), body.frame()).await;
        frame
            .ok()
            .flatten()
            .map(|f| String::from_utf8_lossy(&f.unwrap().into_data().unwrap()).to_string())
    }
    assert!(next(&mut mine).await.unwrap().contains("hello"));
    assert!(next(&mut theirs).await.unwrap().contains("hello"));
    let c = open(
        &d,
        &d.customer,
        json!({"unit_id": d.unit, "symptoms": "Live?"}),
    )
    .await;
    let got = next(&mut mine)
        .await
        .expect("a notice for the case's tenant");
    assert!(
        got.contains("case_created") && got.contains(c["number"].as_str().unwrap()),
        "{got}"
    );
    assert!(
        next(&mut theirs).await.is_none(),
        "another tenant hears nothing"
    );
}
