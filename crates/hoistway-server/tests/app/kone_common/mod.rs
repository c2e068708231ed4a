//! The KONE API v2 test fixture: a customer with an API application,
//! topology, telemetry and cases, and helpers for tokens and requests.

#![allow(dead_code)]

pub mod live;

use crate::common::{Reply, TestApp};
use crate::remote_common::{created, world};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use chrono::Duration;
use serde_json::{json, Value};

pub fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// `POST /api/v2/oauth2/token` exactly as axios sends it.
pub async fn token_req(app: &TestApp, auth: Option<&str>, ctype: &str, body: &str) -> Reply {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v2/oauth2/token")
        .header(header::CONTENT_TYPE, ctype);
    if let Some(a) = auth {
        req = req.header(header::AUTHORIZATION, a);
    }
    app.raw(req.body(Body::from(body.to_string())).unwrap())
        .await
}

pub async fn token(app: &TestApp, id: &str, secret: &str, scope: &str) -> Reply {
    let body =
        serde_urlencoded::to_string([("grant_type", "client_credentials"), ("scope", scope)])
            .unwrap();
    token_req(
        app,
        Some(&basic(id, secret)),
        "application/x-www-form-urlencoded",
        &body,
    )
    .await
}

pub async fn access(app: &TestApp, id: &str, secret: &str, scope: &str) -> String {
    let r = token(app, id, secret, scope).await;
    assert_eq!(r.status, StatusCode::OK, "token for {scope:?}: {}", r.json);
    r.json["access_token"].as_str().unwrap().to_string()
}

/// Asserts the contract's error shape and returns the status.
pub fn kone_error(r: &Reply) -> StatusCode {
    assert!(
        r.json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message in {}",
        r.json
    );
    assert!(r.json["errors"].is_array(), "{}", r.json);
    r.status
}

pub async fn post_equipment(app: &TestApp, token: &str, path: &str, body: &str) -> Reply {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v2/equipment/{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.raw(req).await
}

pub struct Fixture {
    pub customer: i64,
    pub client_id: String,
    pub secret: String,
    pub building: i64,
    /// The contract's bare group number: `"1"`, the first group.
    pub group: String,
    /// The same group's id in our topology (e.g. `"A"`), which the KONE
    /// API does not accept.
    pub group_name: String,
    pub foreign_building: i64,
    pub foreign_group: String,
}

pub fn event(app: &TestApp, unit: &str, seq: u64, kind: &str, fields: Value) -> String {
    let ts = app.clock_now() + Duration::seconds(seq as i64);
    let mut ev = json!({"v": 1, "unit": unit, "ts": ts.to_rfc3339(), "seq": seq, "kind": kind});
    for (k, v) in fields.as_object().unwrap() {
        ev[k] = v.clone();
    }
    ev.to_string()
}

/// Two customers with topology; the first has an elevator (telemetry, a
/// case) and an escalator, the second an elevator; an application of the
/// first customer, created by its customer admin through the REST API.
pub async fn fixture(app: &TestApp, admin: &str) -> Fixture {
    let w = world(app, admin, "kone").await;
    let other = world(app, admin, "foreign").await;
    let group_of = |topo: &Value| topo["groups"][0]["id"].as_str().unwrap().to_string();
    let topo = app
        .call(
            "GET",
            &format!("/api/v1/buildings/{}/topology", w.building),
            Some(admin),
            None,
        )
        .await
        .json;
    let elevator = created(
        app,
        admin,
        "/api/v1/units",
        json!({"building_id": w.building, "kind": "elevator", "equipment_number": "ken:41000001", "name": "A1"}),
    )
    .await;
    created(
        app,
        admin,
        "/api/v1/units",
        json!({"building_id": w.bare_building, "kind": "escalator", "equipment_number": "ken:41000002"}),
    )
    .await;
    created(
        app,
        admin,
        "/api/v1/units",
        json!({"building_id": other.building, "kind": "elevator", "equipment_number": "ken:42000001"}),
    )
    .await;
    created(
        app,
        admin,
        "/api/v1/units",
        json!({"building_id": w.building, "kind": "door", "equipment_number": "EL-DOOR-1"}),
    )
    .await;
    // Telemetry for the elevator, through a device credential.
    let dev = created(
        app,
        admin,
        &format!("/api/v1/units/{}/devices", elevator["id"]),
        json!({}),
    )
    .await;
    let lines = [
        event(
            app,
            "ken:41000001",
            1,
            "status",
            json!({"mode": "normal", "available": true, "passengers": 2}),
        ),
        event(
            app,
            "ken:41000001",
            2,
            "trip",
            json!({"from_floor": 0, "to_floor": 5, "duration_ms": 9000, "levelling_error_mm": 1.0}),
        ),
        event(
            app,
            "ken:41000001",
            3,
            "door_cycle",
            json!({"floor": 5, "open_ms": 3000, "close_ms": 3100, "reopens": 1, "obstruction": false}),
        ),
    ]
    .join("\n");
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/telemetry")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", dev["token"].as_str().unwrap()),
        )
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from(lines))
        .unwrap();
    let r = app.raw(req).await;
    assert_eq!(r.json["accepted"], 3, "{}", r.json);
    created(
        app,
        admin,
        "/api/v1/cases",
        json!({"unit_id": elevator["id"], "symptoms": "Car stops between floors", "passengers_trapped": false}),
    )
    .await;

    // A contract gives the elevator planned maintenance visits.
    created(
        app,
        admin,
        "/api/v1/contracts",
        json!({"customer_id": w.customer, "tier": "standard", "billing_interval": "monthly", "start_date": "2026-11-01", "unit_ids": [elevator["id"]]}),
    )
    .await;

    let (_, ca) = w.user("ca");
    let c = created(
        app,
        ca,
        "/api/v1/api-clients",
        json!({"customer_id": w.customer, "name": "Robot fleet"}),
    )
    .await;
    Fixture {
        customer: w.customer,
        client_id: c["client_id"].as_str().unwrap().to_string(),
        secret: c["client_secret"].as_str().unwrap().to_string(),
        building: w.building,
        group: "1".into(),
        group_name: group_of(&topo),
        foreign_building: other.building,
        foreign_group: "1".into(),
    }
}
