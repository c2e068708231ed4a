//! Shared set-up of the remote-call tests: an app whose twin ticks fast,
//! a customer with a building, a topology and one user per role.

#![allow(dead_code)]

use crate::common::TestApp;
use axum::http::StatusCode;
use hoistway_app::state::{AppState, Settings};
use hoistway_domain::ManualClock;
use hoistway_lift::TwinOptions;
use hoistway_remote::RemoteCalls;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

pub const RESIDENTIAL: &str = include_str!("../../../../../examples/buildings/residential-8.toml");
pub const PASSWORD: &str = "remote call pw 1";

/// The test app with the twin driver ticking every 5 ms (wall time), so a
/// test that moves the manual clock sees the result at once.
pub async fn app(t: TestDb) -> TestApp {
    let base = TestApp::on(t).await;
    let clock: ManualClock = base.clock.clone();
    let state = AppState::new(
        base.t.db.clone(),
        Arc::new(clock.clone()),
        Settings {
            body_limit: 64 * 1024,
            ..Settings::default()
        },
    );
    state.capabilities.provide(RemoteCalls::twin(
        base.t.db.clone(),
        Arc::new(clock.clone()),
        TwinOptions {
            tick: Duration::from_millis(5),
            ..TwinOptions::default()
        },
    ));
    TestApp {
        app: hoistway_server::app(state.clone()),
        clock,
        state,
        t: base.t,
    }
}

/// The residential example as a topology body.
pub fn residential() -> Value {
    let b = hoistway_twin::Building::from_toml_str(RESIDENTIAL).unwrap();
    serde_json::to_value(hoistway_store::topology::TopologyInput::from_twin(&b)).unwrap()
}

/// A customer's world: ids and tokens.
pub struct World {
    pub admin: String,
    pub customer: i64,
    pub building: i64,
    pub bare_building: i64,
    pub users: Vec<(String, i64, String)>,
}

impl World {
    /// (user id, token) of the user with this role label.
    pub fn user(&self, label: &str) -> (i64, &str) {
        let (_, id, token) = self
            .users
            .iter()
            .find(|(l, _, _)| l == label)
            .unwrap_or_else(|| panic!("no user {label}"));
        (*id, token)
    }
}

pub async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.call("POST", path, Some(token), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "POST {path}: {}", r.json);
    r.json
}

/// Creates a customer with a building that has the residential topology,
/// a building without one, and users: customer admin, property manager,
/// front desk, two residents and finance.
pub async fn world(app: &TestApp, admin: &str, tag: &str) -> World {
    let customer = created(
        app,
        admin,
        "/api/v1/customers",
        json!({"name": format!("Remote {tag}")}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut buildings = Vec::new();
    for name in ["Residence", "Annex"] {
        let b = created(
            app,
            admin,
            "/api/v1/buildings",
            json!({"customer_id": customer, "name": format!("{name} {tag}"), "address": "Katu 1", "country": "FI", "timezone": "Europe/Helsinki"}),
        )
        .await;
        buildings.push(b["id"].as_i64().unwrap());
    }
    let r = app
        .call(
            "PUT",
            &format!("/api/v1/buildings/{}/topology", buildings[0]),
            Some(admin),
            Some(residential()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let mut users = Vec::new();
    for (label, role) in [
        ("ca", "customer_admin"),
        ("pm", "property_manager"),
        ("fd", "front_desk"),
        ("r1", "resident"),
        ("r2", "resident"),
        ("fin", "finance"),
    ] {
        let email = format!("{label}.{tag}@remote.example");
        let u = created(
            app,
            admin,
            "/api/v1/users",
            json!({"email": email, "name": format!("{label} {tag}"), "role": role, "customer_id": customer, "password": PASSWORD}),
        )
        .await;
        let token = app.login(&email, PASSWORD).await;
        users.push((label.to_string(), u["id"].as_i64().unwrap(), token));
    }
    World {
        admin: admin.to_string(),
        customer,
        building: buildings[0],
        bare_building: buildings[1],
        users,
    }
}

/// Grants `user` access on behalf of `granter`; returns the grant.
pub async fn grant(
    app: &TestApp,
    granter: &str,
    building: i64,
    user: i64,
    areas: Option<Vec<u32>>,
) -> Value {
    let mut body = json!({"building_id": building, "user_id": user});
    if let Some(a) = areas {
        body["area_ids"] = json!(a);
    }
    created(app, granter, "/api/v1/access-grants", body).await
}
