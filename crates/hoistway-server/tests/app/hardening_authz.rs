//! Issue #18, defect 3, on every backend: the live event stream
//! (`GET /api/v1/events`) carries a notice only to a subscriber who could
//! read the thing through the API. Finance and residents hear no case
//! events, a portfolio-limited property manager hears only the cases of
//! their buildings, a technician only the cases assigned to them, another
//! customer nothing. A push notification reaches the stream of the user it
//! is addressed to, and is recorded as delivered only when it was handed to
//! an open stream of that user.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Duration;
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::delivery::{deliver_due, DeliverySettings, Drivers};
use hoistway_store::testing::TestDb;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use tower::ServiceExt;

/// An open event stream and what has been read of it.
struct Stream {
    body: Body,
    buf: String,
}

impl Stream {
    async fn open(app: &TestApp, token: &str) -> Stream {
        let req = Request::builder()
            .uri("/api/v1/events")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let res = app.app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut s = Stream {
            body: res.into_body(),
            buf: String::new(),
        };
        let hello = s.events().await;
        assert!(
            hello.iter().any(|(kind, _)| kind == "hello"),
            "the stream greets: {hello:?}"
        );
        s
    }

    /// The events that arrive before the stream stays quiet for a moment.
    async fn events(&mut self) -> Vec<(String, Value)> {
        loop {
            let wait = std::time::Duration::from_millis(400);
            match tokio::time::timeout(wait, self.body.frame()).await {
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.buf.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                Ok(Some(Err(e))) => panic!("stream failed: {e}"),
                Ok(None) | Err(_) => break,
            }
        }
        let mut out = Vec::new();
        while let Some(end) = self.buf.find("\n\n") {
            let block: String = self.buf.drain(..end + 2).collect();
            let mut kind = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(k) = line.strip_prefix("event:") {
                    kind = k.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim());
                }
            }
            if data.is_empty() && kind == "message" {
                continue; // keep-alive comment
            }
            out.push((kind, serde_json::from_str(&data).unwrap_or(Value::Null)));
        }
        out
    }

    /// The numbers of the cases the events name.
    async fn case_numbers(&mut self) -> BTreeSet<String> {
        self.events()
            .await
            .iter()
            .filter(|(kind, _)| kind.starts_with("case_"))
            .filter_map(|(_, p)| p["number"].as_str().map(str::to_string))
            .collect()
    }
}

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

async fn open_case(app: &TestApp, token: &str, unit: i64) -> String {
    let r = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(token),
            Some(json!({"unit_id": unit, "symptoms": "Door does not close"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json["number"].as_str().unwrap().to_string()
}

fn set(numbers: &[&String]) -> BTreeSet<String> {
    numbers.iter().map(|n| n.to_string()).collect()
}

#[tokio::test]
async fn live_case_events_follow_the_role_table_and_the_portfolio() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let login = |email: &'static str| app.login(email, DEMO_PASSWORD);
        let admin = login("customer.admin@nordictowers.example").await;
        let finance = login("finance@nordictowers.example").await;
        let resident = login("resident@nordictowers.example").await;
        let manager = login("property.manager@nordictowers.example").await;
        let front = login("front.desk@nordictowers.example").await;
        let other = login("customer.admin@rhein-immo.example").await;
        let tech = login("technician@hoistway.example").await;
        let operator = login("operator@hoistway.example").await;
        let tech_id = me(&app, &tech).await;

        // One unit in a building the property manager's portfolio holds,
        // one in a building of the same customer outside it.
        let theirs: BTreeSet<i64> = items(&app, &manager, "/api/v1/buildings?limit=500")
            .await
            .iter()
            .map(|b| b["id"].as_i64().unwrap())
            .collect();
        let units = items(&app, &admin, "/api/v1/units?limit=500").await;
        let unit_where = |inside: bool| {
            units
                .iter()
                .find(|u| theirs.contains(&u["building_id"].as_i64().unwrap()) == inside)
                .and_then(|u| u["id"].as_i64())
                .unwrap()
        };
        let (inside, outside) = (unit_where(true), unit_where(false));

        let mut s_admin = Stream::open(&app, &admin).await;
        let mut s_finance = Stream::open(&app, &finance).await;
        let mut s_resident = Stream::open(&app, &resident).await;
        let mut s_manager = Stream::open(&app, &manager).await;
        let mut s_front = Stream::open(&app, &front).await;
        let mut s_other = Stream::open(&app, &other).await;
        let mut s_tech = Stream::open(&app, &tech).await;
        let mut s_operator = Stream::open(&app, &operator).await;

        let visible = open_case(&app, &admin, inside).await;
        let hidden = open_case(&app, &admin, outside).await;
        // The hidden one goes to the technician; the visible one stays
        // unassigned (or with someone else).
        let r = app
            .call(
                "POST",
                &format!("/api/v1/cases/{hidden}/assign"),
                Some(&operator),
                Some(json!({"technician_id": tech_id})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let r = app
            .call(
                "GET",
                &format!("/api/v1/cases/{visible}"),
                Some(&operator),
                None,
            )
            .await;
        assert_ne!(r.json["technician_id"].as_i64(), Some(tech_id), "{label}");

        assert_eq!(
            s_admin.case_numbers().await,
            set(&[&visible, &hidden]),
            "{label}: the customer admin hears every case of the customer"
        );
        assert_eq!(
            s_front.case_numbers().await,
            set(&[&visible, &hidden]),
            "{label}: front desk reads the customer's cases"
        );
        assert_eq!(
            s_operator.case_numbers().await,
            set(&[&visible, &hidden]),
            "{label}: the care center hears every case"
        );
        assert_eq!(
            s_manager.case_numbers().await,
            set(&[&visible]),
            "{label}: a portfolio-limited property manager hears only their buildings"
        );
        let finance_got = s_finance.events().await;
        assert!(
            finance_got.is_empty(),
            "{label}: finance may not read cases, so hears none: {finance_got:?}"
        );
        let resident_got = s_resident.events().await;
        assert!(
            resident_got.is_empty(),
            "{label}: residents may not read cases: {resident_got:?}"
        );
        let other_got = s_other.events().await;
        assert!(
            other_got.is_empty(),
            "{label}: another customer hears nothing: {other_got:?}"
        );
        let tech_got = s_tech.events().await;
        let tech_cases: BTreeSet<String> = tech_got
            .iter()
            .filter_map(|(_, p)| p["number"].as_str().map(str::to_string))
            .collect();
        assert_eq!(
            tech_cases,
            set(&[&hidden]),
            "{label}: a technician hears only the case assigned to them: {tech_got:?}"
        );
        assert!(
            tech_got.iter().any(|(kind, _)| kind == "case_assigned"),
            "{label}: {tech_got:?}"
        );
        assert!(
            !tech_got.iter().any(|(kind, _)| kind == "case_created"),
            "{label}: it was not theirs when it was created: {tech_got:?}"
        );

        // What the stream named, the API shows; what it kept back, the API
        // hides (the manager's view of the hidden case is a 404).
        let r = app
            .call(
                "GET",
                &format!("/api/v1/cases/{hidden}"),
                Some(&manager),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        app.t.cleanup().await;
    }
}

/// The customer admin's push rows and whether each is delivered.
async fn pushes(app: &TestApp, token: &str) -> Vec<(i64, bool)> {
    items(app, token, "/api/v1/notifications?limit=500")
        .await
        .iter()
        .filter(|n| n["channel"] == "push")
        .map(|n| (n["id"].as_i64().unwrap(), !n["delivered_at"].is_null()))
        .collect()
}

#[tokio::test]
async fn a_push_reaches_its_users_stream_and_counts_as_delivered_only_then() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app
            .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
            .await;
        let colleague = app
            .login("front.desk@nordictowers.example", DEMO_PASSWORD)
            .await;
        let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let r = app
            .call(
                "PUT",
                "/api/v1/me/notification-preferences",
                Some(&admin),
                Some(json!({"case_created": ["push"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let unit = items(&app, &admin, "/api/v1/units?limit=1").await[0]["id"]
            .as_i64()
            .unwrap();
        let drivers = Drivers::new(&DeliverySettings::default()).unwrap();

        // No stream of the admin is open (a colleague's is): the push is
        // not delivered.
        let mut s_colleague = Stream::open(&app, &colleague).await;
        let number = open_case(&app, &operator, unit).await;
        let rows = pushes(&app, &admin).await;
        assert_eq!(rows.len(), 1, "{label}: {rows:?}");
        let (id, _) = rows[0];
        deliver_due(&app.state, &drivers).await;
        assert_eq!(
            pushes(&app, &admin).await,
            vec![(id, false)],
            "{label}: nobody received it, so it is not delivered"
        );
        let heard = s_colleague.events().await;
        assert!(
            !heard
                .iter()
                .any(|(kind, p)| kind == "notification" && p["id"].as_i64() == Some(id)),
            "{label}: another user's push stays with them: {heard:?}"
        );

        // The admin opens the portal: the next round hands it over.
        let mut s_admin = Stream::open(&app, &admin).await;
        app.clock.advance(Duration::hours(1));
        deliver_due(&app.state, &drivers).await;
        let got = s_admin.events().await;
        let push = got
            .iter()
            .find(|(kind, _)| kind == "notification")
            .unwrap_or_else(|| panic!("{label}: the push reaches its user: {got:?}"));
        assert_eq!(push.1["id"].as_i64(), Some(id), "{label}: {got:?}");
        assert!(
            push.1["subject"].as_str().unwrap_or("").contains(&number)
                || push.1["case_id"].is_i64(),
            "{label}: {push:?}"
        );
        assert_eq!(
            pushes(&app, &admin).await,
            vec![(id, true)],
            "{label}: handed to an open stream, it is delivered"
        );
        // Delivered once: later rounds do not send it again.
        app.clock.advance(Duration::hours(2));
        deliver_due(&app.state, &drivers).await;
        let again = s_admin.events().await;
        assert!(
            !again.iter().any(|(kind, _)| kind == "notification"),
            "{label}: {again:?}"
        );
        let heard = s_colleague.events().await;
        assert!(
            !heard
                .iter()
                .any(|(kind, p)| kind == "notification" && p["id"].as_i64() == Some(id)),
            "{label}: {heard:?}"
        );

        // A closed stream no longer counts: the next push stays pending.
        drop(s_admin);
        open_case(&app, &operator, unit).await;
        deliver_due(&app.state, &drivers).await;
        let rows = pushes(&app, &admin).await;
        assert_eq!(rows.len(), 2, "{label}: {rows:?}");
        assert!(
            rows.iter().any(|(i, delivered)| *i != id && !delivered),
            "{label}: with the stream closed the new push is not delivered: {rows:?}"
        );
        app.t.cleanup().await;
    }
}
