//! The KONE API v2 compatible HTTP surface, on every backend, as the
//! contract's example clients use it: API applications (REST), client
//! credentials tokens with scopes checked against the application's
//! customer and expiry on the manual clock, the inventory, equipment status
//! from telemetry and service orders from cases. Bad input gets the
//! contract's error shape, never a 500.

mod common;
mod remote_common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use chrono::Duration;
use common::{Reply, TestApp};
use hoistway_store::testing::TestDb;
use remote_common::{created, world};
use serde_json::{json, Value};

fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

/// `POST /api/v2/oauth2/token` exactly as axios sends it.
async fn token_req(app: &TestApp, auth: Option<&str>, ctype: &str, body: &str) -> Reply {
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

async fn token(app: &TestApp, id: &str, secret: &str, scope: &str) -> Reply {
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

async fn access(app: &TestApp, id: &str, secret: &str, scope: &str) -> String {
    let r = token(app, id, secret, scope).await;
    assert_eq!(r.status, StatusCode::OK, "token for {scope:?}: {}", r.json);
    r.json["access_token"].as_str().unwrap().to_string()
}

/// Asserts the contract's error shape and returns the status.
fn kone_error(r: &Reply) -> StatusCode {
    assert!(
        r.json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message in {}",
        r.json
    );
    assert!(r.json["errors"].is_array(), "{}", r.json);
    r.status
}

async fn post_equipment(app: &TestApp, token: &str, path: &str, body: &str) -> Reply {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v2/equipment/{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.raw(req).await
}

struct Fixture {
    client_id: String,
    secret: String,
    building: i64,
    group: String,
    foreign_building: i64,
    foreign_group: String,
}

fn event(app: &TestApp, unit: &str, seq: u64, kind: &str, fields: Value) -> String {
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
async fn fixture(app: &TestApp, admin: &str) -> Fixture {
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
    let foreign_topo = app
        .call(
            "GET",
            &format!("/api/v1/buildings/{}/topology", other.building),
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
        client_id: c["client_id"].as_str().unwrap().to_string(),
        secret: c["client_secret"].as_str().unwrap().to_string(),
        building: w.building,
        group: group_of(&topo),
        foreign_building: other.building,
        foreign_group: group_of(&foreign_topo),
    }
}

#[tokio::test]
async fn api_clients_are_scoped_and_audited() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "a").await;
        let other = world(&app, &admin, "b").await;
        let (_, ca) = w.user("ca");
        let (_, pm) = w.user("pm");

        // A customer admin creates for their own customer only.
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(ca),
                Some(json!({"customer_id": other.customer, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(pm),
                Some(json!({"customer_id": w.customer, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(ca),
                Some(json!({"customer_id": w.customer, "name": " "})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        let c = created(
            &app,
            ca,
            "/api/v1/api-clients",
            json!({"customer_id": w.customer, "name": "Mine"}),
        )
        .await;
        let theirs = created(
            &app,
            &admin,
            "/api/v1/api-clients",
            json!({"customer_id": other.customer, "name": "Theirs"}),
        )
        .await;
        assert!(c["client_secret"].as_str().unwrap().len() >= 40);

        let list = app.call("GET", "/api/v1/api-clients", Some(ca), None).await;
        assert_eq!(list.status, StatusCode::OK);
        let items = list.json["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{label}: only their own");
        assert!(items[0].get("client_secret").is_none());
        let all = app
            .call("GET", "/api/v1/api-clients", Some(&admin), None)
            .await;
        assert_eq!(all.json["items"].as_array().unwrap().len(), 2);

        // Revoking another customer's application looks like a missing one.
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", theirs["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // Works until revoked; revoked refuses the secret.
        let id = c["client_id"].as_str().unwrap();
        let secret = c["client_secret"].as_str().unwrap();
        assert_eq!(token(&app, id, secret, "").await.status, StatusCode::OK);
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", c["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["revoked_at"].is_string());
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", c["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = token(&app, id, secret, "").await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}");

        let audit = app
            .call("GET", "/api/v1/audit?limit=500", Some(&admin), None)
            .await;
        let actions: Vec<&str> = audit.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["entity"] == "api_client" && a["entity_id"] == c["id"])
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["create", "revoke"], "{label}");
        let raw = serde_json::to_string(&audit.json).unwrap();
        assert!(!raw.contains(secret), "{label}: the secret is never stored");
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn tokens_scopes_and_expiry() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let f = fixture(&app, &admin).await;
        let (id, secret) = (f.client_id.as_str(), f.secret.as_str());

        // Empty scope: inventory by default; the response shape of the contract.
        let r = token(&app, id, secret, "").await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["token_type"], "Bearer");
        assert_eq!(r.json["expires_in"], 3600);
        assert_eq!(r.json["scope"], "application/inventory");
        let tok = r.json["access_token"].as_str().unwrap();
        assert!(tok
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));

        // The scopes the example scripts ask for, URL-encoded as axios does.
        let scope = format!(
            "application/inventory callgiving/group:{}:{}",
            f.building, f.group
        );
        let r = token(&app, id, secret, &scope).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["scope"], scope);
        for s in [
            "rtm/ken:41000001",
            "serviceinfo/ken:41000001",
            "rtm/ken:41000002",
        ] {
            assert_eq!(
                token(&app, id, secret, s).await.status,
                StatusCode::OK,
                "{s}"
            );
        }

        // Another customer's building, group or equipment, or a missing one: 403 alike.
        for s in [
            format!(
                "callgiving/group:{}:{}",
                f.foreign_building, f.foreign_group
            ),
            format!("callgiving/group:{}:nope", f.building),
            "callgiving/group:987654321:1".to_string(),
            "rtm/ken:42000001".into(),
            "serviceinfo/ken:42000001".into(),
            "rtm/ken:99999999".into(),
            "application/inventory rtm/ken:42000001".to_string(),
        ] {
            let r = token(&app, id, secret, &s).await;
            assert_eq!(
                kone_error(&r),
                StatusCode::FORBIDDEN,
                "{label}: {s}: {}",
                r.json
            );
        }
        // Malformed scopes and grants: 400.
        for s in [
            "rtm/41000001",
            "rtm/ken:",
            "callgiving/group:x:1",
            "robots/all",
        ] {
            let r = token(&app, id, secret, s).await;
            assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}: {s}");
        }
        let form = "application/x-www-form-urlencoded";
        let auth = basic(id, secret);
        let r = token_req(&app, Some(&auth), form, "grant_type=password").await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST);
        let r = token_req(&app, Some(&auth), form, "scope=").await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST);
        // Credentials: 401 with the header named; content type: 415.
        for a in [
            None,
            Some(basic(id, "wrong")),
            Some(basic("nobody", secret)),
            Some("Basic !!!".to_string()),
            Some("Bearer x".to_string()),
        ] {
            let r = token_req(&app, a.as_deref(), form, "grant_type=client_credentials").await;
            assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: {a:?}");
            assert_eq!(r.json["errors"][0]["header"], "authorization");
        }
        let r = token_req(
            &app,
            Some(&auth),
            "application/json",
            "{\"grant_type\":\"client_credentials\"}",
        )
        .await;
        assert_eq!(kone_error(&r), StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // A token is reusable until it expires (on the manual clock).
        let rtm = access(&app, id, secret, "rtm/ken:41000001").await;
        let body = r#"{"equipmentIds":["ken:41000001"]}"#;
        for _ in 0..2 {
            let r = post_equipment(&app, &rtm, "search/status", body).await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        }
        app.clock.advance(Duration::minutes(59));
        assert_eq!(
            post_equipment(&app, &rtm, "search/status", body)
                .await
                .status,
            StatusCode::OK
        );
        app.clock.advance(Duration::minutes(1));
        let r = post_equipment(&app, &rtm, "search/status", body).await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: expired");
        // Tampered or foreign tokens.
        let fresh = access(&app, id, secret, "rtm/ken:41000001").await;
        let mut tampered = fresh.clone();
        tampered.insert(5, 'x');
        for bad in [tampered.as_str(), "hw1.e30.AAAA", "garbage"] {
            let r = post_equipment(&app, bad, "search/status", body).await;
            assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: {bad}");
        }

        // Limited tokens: a subset of the master's scopes, never longer-lived,
        // single use honoured.
        let master = access(
            &app,
            id,
            secret,
            "rtm/ken:41000001 serviceinfo/ken:41000001",
        )
        .await;
        let limited = |tok: String, body: Value| {
            let app = &app;
            async move {
                app.call(
                    "POST",
                    "/api/v2/oauth2/limited-token",
                    Some(&tok),
                    Some(body),
                )
                .await
            }
        };
        let r = limited(
            master.clone(),
            json!({"endUserIdentity": "robot-7", "scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 60, "singleUse": true}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["expires_in"], 60);
        assert_eq!(r.json["scope"], "rtm/ken:41000001");
        let once = r.json["access_token"].as_str().unwrap().to_string();
        assert_eq!(
            post_equipment(&app, &once, "search/status", body)
                .await
                .status,
            StatusCode::OK
        );
        let r = post_equipment(&app, &once, "search/status", body).await;
        assert_eq!(
            kone_error(&r),
            StatusCode::UNAUTHORIZED,
            "{label}: used twice"
        );
        let r = limited(
            master.clone(),
            json!({"scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 60, "singleUse": false}),
        )
        .await;
        let reusable = r.json["access_token"].as_str().unwrap().to_string();
        for _ in 0..2 {
            assert_eq!(
                post_equipment(&app, &reusable, "search/status", body)
                    .await
                    .status,
                StatusCode::OK
            );
        }
        // A limited token cannot mint more, nor reach beyond its scopes.
        let r = limited(reusable.clone(), json!({"scopes": ["rtm/ken:41000001"]})).await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&reusable),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        app.clock.advance(Duration::seconds(61));
        let r = post_equipment(&app, &reusable, "search/status", body).await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: expired");
        for (bad, status) in [
            (
                json!({"scopes": ["rtm/ken:41000002"]}),
                StatusCode::FORBIDDEN,
            ),
            (
                json!({"scopes": ["application/inventory"]}),
                StatusCode::FORBIDDEN,
            ),
            (json!({"scopes": []}), StatusCode::BAD_REQUEST),
            (
                json!({"scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 0}),
                StatusCode::BAD_REQUEST,
            ),
            (json!("nonsense"), StatusCode::BAD_REQUEST),
        ] {
            let r = limited(master.clone(), bad.clone()).await;
            assert_eq!(kone_error(&r), status, "{label}: {bad}");
        }
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn resources_status_and_service_orders() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let f = fixture(&app, &admin).await;
        let (id, secret) = (f.client_id.as_str(), f.secret.as_str());

        // Inventory: the customer's buildings, groups and KENs only.
        let inv = access(&app, id, secret, "").await;
        let r = app
            .call(
                "GET",
                "/api/v2/application/self/resources",
                Some(&inv),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let buildings = r.json["buildings"].as_array().unwrap();
        let building_id = f.building.to_string();
        assert_eq!(buildings.len(), 2, "{label}");
        let b = buildings
            .iter()
            .find(|b| b["id"] == building_id.as_str())
            .unwrap();
        assert_eq!(b["groups"][0]["id"], format!("{}:{}", f.building, f.group));
        assert_eq!(b["groups"][0]["products"], json!(["callgiving"]));
        assert_eq!(b["apiKens"], json!(["41000001"]), "the door has no KEN");
        let ids: Vec<&str> = r.json["equipments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["41000001", "41000002"], "{label}");
        // Without the inventory scope: refused.
        let rtm = access(&app, id, secret, "rtm/ken:41000001").await;
        let r = app
            .call(
                "GET",
                "/api/v2/application/self/resources",
                Some(&rtm),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        let r = app
            .call("GET", "/api/v2/application/self/resources", None, None)
            .await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED);

        // Equipment status from telemetry.
        let one = r#"{"equipmentIds":["ken:41000001"]}"#;
        // axios behind HTTPS_PROXY sends absolute-form targets (contract 2.1
        // option B): routed on the path alone.
        let req = Request::builder()
            .method("POST")
            .uri("https://kone.test:8443/api/v2/equipment/search/status")
            .header(header::AUTHORIZATION, format!("Bearer {rtm}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(one))
            .unwrap();
        let r = app.raw(req).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = post_equipment(&app, &rtm, "search/status", one).await;
        let s = &r.json[0];
        assert_eq!(s["equipmentId"], "ken:41000001", "{label}: {}", r.json);
        assert_eq!(s["entrapment"], false);
        assert_eq!(s["outOfOrder"], false);
        assert_eq!(s["status"], "IN_SERVICE");
        assert_eq!(s["equipmentType"], "elevator");
        assert!(s["maintenance"]["status"].is_string());
        let r = post_equipment(&app, &rtm, "search/availability", one).await;
        assert_eq!(r.json[0]["state"], "IN_SERVICE", "{label}: {}", r.json);
        assert_eq!(r.json[0]["activeAlertCount"], 0);
        let r = post_equipment(&app, &rtm, "search/movement", one).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json[0]["decks"][0]["startFloor"]["floorIndex"], 0);
        assert_eq!(r.json[0]["decks"][0]["stopFloor"]["floorIndex"], 5);
        assert_eq!(r.json[0]["durationSeconds"], 9.0);
        let r = post_equipment(&app, &rtm, "elevator/door", one).await;
        assert_eq!(r.json[0]["floor"], 5, "{label}: {}", r.json);
        assert_eq!(r.json[0]["openingDuration"], 3.0);
        assert_eq!(r.json[0]["reopensByPhotoCell"], 1);
        let r = post_equipment(&app, &rtm, "elevator/button", one).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json[0]["equipmentId"], "ken:41000001");
        // The escalator demo with an elevator's KEN: a clear 400.
        let r = post_equipment(&app, &rtm, "escalator/movement/direction", one).await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}");
        let esc = access(&app, id, secret, "rtm/ken:41000002").await;
        let r = post_equipment(
            &app,
            &esc,
            "escalator/movement/direction",
            r#"{"equipmentIds":["ken:41000002"]}"#,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json[0]["movementEventType"], "NONE");
        // Scope per id; bad bodies.
        let r = post_equipment(
            &app,
            &rtm,
            "search/status",
            r#"{"equipmentIds":["ken:41000002"]}"#,
        )
        .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN, "{label}");
        for bad in [
            "",
            "not json",
            "{}",
            r#"{"equipmentIds":[]}"#,
            r#"{"equipmentIds":["41000001"]}"#,
            r#"{"equipmentIds":"ken:41000001"}"#,
        ] {
            let r = post_equipment(&app, &rtm, "search/availability", bad).await;
            assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}: {bad:?}");
        }

        // Service orders from cases; the first one's number opens the detail.
        let si = access(&app, id, secret, "serviceinfo/ken:41000001").await;
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let wo = r.json[0]["workOrderNumber"].as_str().unwrap().to_string();
        assert!(wo.starts_with("SO-"), "{wo}");
        assert!(wo
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)));
        assert_eq!(r.json[0]["serviceOrderNumber"], wo);
        assert_eq!(r.json[0]["customerEquipmentNumber"], "ken:41000001");
        assert!(r.json[0]["activityType"].is_string());
        let r = app
            .call(
                "GET",
                &format!("/api/v2/equipment/ken:41000001/serviceOrders/{wo}"),
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["workOrderNumber"], wo);
        assert_eq!(r.json["description"], "Car stops between floors");
        assert_eq!(r.json["entrapment"], false);
        // Maintenance visits follow the cases, with their own numbers.
        let list = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&si),
                None,
            )
            .await;
        let visit = list
            .json
            .as_array()
            .unwrap()
            .iter()
            .find_map(|o| {
                o["workOrderNumber"]
                    .as_str()
                    .filter(|n| n.starts_with("MV-"))
            })
            .unwrap_or_else(|| panic!("{label}: no visits in {}", list.json))
            .to_string();
        let r = app
            .call(
                "GET",
                &format!("/api/v2/equipment/ken:41000001/serviceOrders/{visit}"),
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["workOrderNumber"], visit.as_str());
        assert!(r.json["workOrderPlannedStartDate"].is_string());
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders/MV-987654321",
                Some(&si),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::NOT_FOUND);
        for (path, status) in [
            // Unknown order, an escalator without cases, a foreign KEN, a bad KEN.
            (
                "/api/v2/equipment/ken:41000001/serviceOrders/SO-2000-000001".to_string(),
                StatusCode::NOT_FOUND,
            ),
            (
                "/api/v2/equipment/ken:41000002/serviceOrders".into(),
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v2/equipment/ken:42000001/serviceOrders".into(),
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v2/equipment/41000001/serviceOrders".into(),
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let r = app.call("GET", &path, Some(&si), None).await;
            assert_eq!(kone_error(&r), status, "{label}: {path}: {}", r.json);
        }
        // An rtm token does not read service orders.
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&rtm),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        // No cases: 404 with a message rather than `[]` (which crashes the client).
        let si2 = access(&app, id, secret, "serviceinfo/ken:41000002").await;
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000002/serviceOrders",
                Some(&si2),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::NOT_FOUND, "{label}");
        app.t.cleanup().await;
    }
}
