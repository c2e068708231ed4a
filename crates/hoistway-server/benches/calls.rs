//! Call → approved latency through the API, in process.
//!
//! A resident with an access grant places destination calls in a 6-car,
//! 20-floor building (examples/buildings/office-20x6.toml) through the real
//! router: authentication, scope, grant lookup, routing, the twin driver's
//! task round trip. The dispatcher allocates at once, so the POST's answer
//! is the approval: its latency is the call → approved latency. The manual
//! clock moves 3 s between calls so the group serves them as it goes
//! (≈100 calls per 5 minutes). Prints p50/p90/p99/max per backend;
//! PostgreSQL when `HOISTWAY_TEST_POSTGRES` is set.
//!
//! `cargo bench -p hoistway-server --bench calls`

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::TimeZone;
use hoistway_app::state::{AppState, Settings};
use hoistway_domain::{ManualClock, Role, Scope};
use hoistway_store::testing::TestDb;
use hoistway_store::Actor;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const OFFICE: &str = include_str!("../../../examples/buildings/office-20x6.toml");
const CALLS: usize = 2000;
const WARM_UP: usize = 100;

async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn created(app: &axum::Router, token: &str, path: &str, body: Value) -> i64 {
    let (s, v) = send(app, "POST", path, Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{path}: {v}");
    v["id"].as_i64().unwrap()
}

async fn login(app: &axum::Router, email: &str, password: &str) -> String {
    let (s, v) = send(
        app,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_string()
}

async fn run(t: TestDb) {
    let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap());
    let state = AppState::new(t.db.clone(), Arc::new(clock.clone()), Settings::default());
    let app = hoistway_server::app(state);
    let pw = "bench password 1";
    let new = hoistway_store::users::NewUser {
        email: hoistway_domain::text::Email::parse("root@bench.example").unwrap(),
        name: "Root".into(),
        role: Role::ProviderAdmin,
        customer_id: None,
        phone: None,
        password_hash: hoistway_app::auth::hash_password(pw),
        portfolio_ids: vec![],
    };
    let actor = Actor {
        user_id: None,
        at: hoistway_domain::Clock::now(&clock),
    };
    hoistway_store::users::create(&t.db, &Scope::All, actor, new)
        .await
        .unwrap();
    let admin = login(&app, "root@bench.example", pw).await;
    let customer = created(&app, &admin, "/api/v1/customers", json!({"name": "Bench"})).await;
    let building = created(&app, &admin, "/api/v1/buildings", json!({"customer_id": customer, "name": "Tower", "address": "1 Main St", "country": "FI", "timezone": "Europe/Helsinki"})).await;
    let topo = hoistway_store::topology::TopologyInput::from_twin(
        &hoistway_twin::Building::from_toml_str(OFFICE).unwrap(),
    );
    let (s, v) = send(
        &app,
        "PUT",
        &format!("/api/v1/buildings/{building}/topology"),
        Some(&admin),
        Some(serde_json::to_value(topo).unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let resident = created(&app, &admin, "/api/v1/users", json!({"email": "r@bench.example", "name": "R", "role": "resident", "customer_id": customer, "password": pw})).await;
    created(
        &app,
        &admin,
        "/api/v1/access-grants",
        json!({"building_id": building, "user_id": resident}),
    )
    .await;
    let token = login(&app, "r@bench.example", pw).await;

    let path = format!("/api/v1/buildings/{building}/calls");
    let mut lat = Vec::with_capacity(CALLS);
    let mut approved = 0;
    for i in 0..(CALLS + WARM_UP) {
        // Up-peak-like: mostly from the lobby (area 1000) to floors 1..=20.
        let (from, to) = if i % 5 == 4 {
            (1000 * (2 + (i % 20) as u32), 1000)
        } else {
            (1000, 1000 * (2 + (i * 7 % 20) as u32))
        };
        let started = Instant::now();
        let (s, v) = send(
            &app,
            "POST",
            &path,
            Some(&token),
            Some(json!({"from_area": from, "to_area": to})),
        )
        .await;
        let took = started.elapsed();
        assert_eq!(s, StatusCode::CREATED, "{v}");
        if i >= WARM_UP {
            lat.push(took);
            approved += usize::from(v["state"] == "approved");
        }
        clock.advance(chrono::Duration::seconds(3));
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<9} {} calls: approved in the answer {}/{}, p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        t.label,
        lat.len(),
        approved,
        lat.len(),
        ms(pct(0.50)),
        ms(pct(0.90)),
        ms(pct(0.99)),
        ms(*lat.last().unwrap())
    );
    t.cleanup().await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo test --benches` runs this with --test-ish flags: keep it quick then.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    for t in TestDb::all().await {
        run(t).await;
    }
}
