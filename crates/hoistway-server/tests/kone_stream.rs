//! Conformance suite of the Elevator WebSocket API (`/stream-v2`) and the
//! rest of the KONE API v2 contract (`kone-api-v2.md`), written as a client
//! uses them: reqwest and tokio-tungstenite against a server on a real
//! port, the twin as the lift group, the manual clock moving the lifts.
//! It walks every message of §7 with its error cases, the HTTP endpoints
//! of §4–6 as the example scripts call them, and has one test per rule
//! R1–R4 over every frame of the example scripts' flows.

mod common;
mod kone_common;
mod remote_common;

use hoistway_store::testing::TestDb;
use kone_common::live::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

const IDLE: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(300);

fn is_ack(v: &Value, status: u64) -> bool {
    v.get("type").is_none() && v["statusCode"] == status && v["data"]["time"].is_string()
}

fn assert_error_ack(v: &Value, status: u64) {
    assert!(v.get("type").is_none(), "{v}");
    assert_eq!(v["statusCode"], status, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(v["data"]["error"].is_string(), "{v}");
    assert!(v["connectionId"].is_string(), "{v}");
}

/// Moves the manual clock a second at a time (the twin follows it) until a
/// frame satisfying `pred` arrives.
async fn advance_until(live: &Live, ws: &mut Ws, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        live.app.clock.advance(chrono::Duration::seconds(1));
        while let Some(Raw::Text(t)) = ws.raw(Duration::from_millis(30)).await {
            let v: Value = serde_json::from_str(&t).unwrap();
            if pred(&v) {
                return v;
            }
        }
    }
    panic!("never saw {what}");
}

#[tokio::test]
async fn handshake_needs_a_token_echoes_koneapi_and_v2_errors_keep_the_contract_shape() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let base = format!("ws://{}/stream-v2", live.addr);
    assert_eq!(Ws::connect(&base).await.err(), Some(401));
    assert_eq!(Ws::connect(&format!("{base}?accessToken=hw1.bogus.sig")).await.err(), Some(401));
    // An inventory-only token may connect (websocket-sessions-basic).
    let inventory = live.token("").await;
    let ws = live.ws(&inventory).await;
    assert_eq!(ws.protocol.as_deref(), Some("koneapi"));
    // An expired token may not.
    live.app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(Ws::connect(&format!("{base}?accessToken={inventory}")).await.err(), Some(401));

    // The refusal of the handshake is in the contract's error shape.
    let r = live.http.get(live.url("/stream-v2")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].is_string() && body["errors"].is_array(), "{body}");
    // Unknown /api/v2 paths and wrong methods too (not our v1 shape).
    for (method, path, status) in [
        ("GET", "/api/v2/nothing/here", 404),
        ("GET", "/api/v2/oauth2/token", 405),
        ("DELETE", "/api/v2/application/self/resources", 405),
    ] {
        let r = live
            .http
            .request(method.parse().unwrap(), live.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        let body: Value = r.json().await.unwrap();
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        assert!(body["errors"][0]["type"].is_string(), "{body}");
        assert!(body.get("error").is_none(), "{body}");
    }
    // v1 keeps its own shape.
    let r = live.http.get(live.url("/api/v1/nothing")).send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    live.stop().await;
}

#[tokio::test]
async fn http_endpoints_as_the_example_scripts_call_them() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    // §4.1: token with the empty scope grants inventory; errors by status.
    let r = live.token_reply("").await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["scope"], "application/inventory");
    assert_eq!(t["token_type"], "Bearer");
    let token = t["access_token"].as_str().unwrap();
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    for (scope, status) in [
        (format!("callgiving/group:{}:{}", live.f.foreign_building, live.f.foreign_group), 403),
        ("nonsense/scope".to_string(), 400),
    ] {
        let r = live.token_reply(&scope).await;
        assert_eq!(r.status().as_u16(), status, "{scope}");
        let body: Value = r.json().await.unwrap();
        assert!(body["message"].is_string() && body["errors"].is_array());
    }
    let r = live
        .http
        .post(live.url("/api/v2/oauth2/token"))
        .basic_auth(&live.f.client_id, Some("wrong"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = live
        .http
        .post(live.url("/api/v2/oauth2/token"))
        .basic_auth(&live.f.client_id, Some(&live.f.secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // §4.2 limited token.
    let r = live
        .http
        .post(live.url("/api/v2/oauth2/limited-token"))
        .bearer_auth(token)
        .json(&json!({"endUserIdentity": "robot-7", "scopes": ["application/inventory"], "maxAgeSeconds": 60, "singleUse": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // §4.3 resources: a non-empty list of KENs.
    let r: Value = live
        .http
        .get(live.url("/api/v2/application/self/resources"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kens: Vec<&Value> = r["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["apiKens"].as_array().unwrap())
        .chain(r["equipments"].as_array().unwrap().iter().map(|e| &e["id"]))
        .collect();
    assert!(!kens.is_empty(), "{r}");
    // §5: the six equipment-status endpoints with an rtm token.
    let ken = "ken:41000001";
    let rtm = live.token(&format!("rtm/{ken}")).await;
    for path in [
        "search/availability",
        "search/status",
        "search/movement",
        "elevator/door",
        "elevator/button",
    ] {
        let r = live
            .http
            .post(live.url(&format!("/api/v2/equipment/{path}")))
            .bearer_auth(&rtm)
            .json(&json!({"equipmentIds": [ken]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v[0]["equipmentId"], ken, "{path}: {v}");
    }
    let esc = "ken:41000002";
    let rtm_esc = live.token(&format!("rtm/{esc}")).await;
    let r = live
        .http
        .post(live.url("/api/v2/equipment/escalator/movement/direction"))
        .bearer_auth(&rtm_esc)
        .json(&json!({"equipmentIds": [esc]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Without the scope: 403 in the contract's shape.
    let r = live
        .http
        .post(live.url("/api/v2/equipment/search/status"))
        .bearer_auth(token)
        .json(&json!({"equipmentIds": [ken]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // §6: service orders, non-empty, with a path-safe work order number.
    let si = live.token(&format!("serviceinfo/{ken}")).await;
    let list: Value = live
        .http
        .get(live.url(&format!("/api/v2/equipment/{ken}/serviceOrders")))
        .bearer_auth(&si)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wo = list[0]["workOrderNumber"].as_str().unwrap();
    assert!(wo.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)), "{wo}");
    let r = live
        .http
        .get(live.url(&format!("/api/v2/equipment/{ken}/serviceOrders/{wo}")))
        .bearer_auth(&si)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["workOrderNumber"], wo);
    live.stop().await;
}

/// Row counts of every table but the call counters.
async fn table_counts(live: &Live) -> BTreeMap<String, i64> {
    use sqlx::Row;
    let db = &live.app.t.db;
    let names: Vec<String> = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("name"))
        .filter(|t| !t.starts_with("_sqlx") && t != "call_counters")
        .collect();
    let mut out = BTreeMap::new();
    for t in names {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {t}"))
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .get("n");
        out.insert(t, n);
    }
    out
}

#[tokio::test]
async fn lift_calls_are_placed_refused_cancelled_and_never_stored() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let token = live.token(&live.callgiving()).await;
    let mut ws = live.ws(&token).await;
    // Warm the driver so its start is not in the comparison.
    ws.send(common(&b, &g, "ping")).await;
    ws.next().await;
    ws.next().await;
    let (id, secret) = live.second_client().await;
    let other_token = live.token_as(&id, &secret, &live.callgiving()).await;
    let before = table_counts(&live).await;

    // elevator-cancel-call-demo / call-and-monitoring-demo: 3000 → 5000.
    let ack = ws.ask(action(&b, &g, 456995119, 3000, 1, 2, Some(5000))).await;
    assert!(is_ack(&ack, 201), "{ack}");
    assert_eq!(ack["requestId"], 456995119, "echoes payload.request_id as a number");
    let res = ws.next().await;
    assert_eq!(res["callType"], "action");
    assert_eq!((res["buildingId"].as_str(), res["groupId"].as_str()), (Some(b.as_str()), Some(g.as_str())));
    assert_eq!(res["data"]["request_id"], 456995119);
    assert_eq!(res["data"]["success"], true);
    let sid = res["data"]["session_id"].clone();
    assert!(sid.as_u64().is_some_and(|s| s > 0), "{res}");

    // elevator-call-2-demo: 5000 → 3000, terminal 2, action 3; a top-level
    // requestId is echoed instead of request_id.
    let mut second = action(&b, &g, 7, 5000, 2, 3, Some(3000));
    second["requestId"] = json!("0b1c2d3e-aaaa-4bbb-8ccc-123456789abc");
    let ack = ws.ask(second).await;
    assert_eq!(ack["requestId"], "0b1c2d3e-aaaa-4bbb-8ccc-123456789abc");
    let res = ws.next().await;
    assert_eq!(res["data"]["success"], true, "{res}");
    assert_ne!(res["data"]["session_id"], sid, "session ids are unique");

    // A landing call (2001 up) is a call too.
    ws.ask(action(&b, &g, 8, 3000, 1, 2001, None)).await;
    assert_eq!(ws.next().await["data"]["success"], true);

    // Refused by the building: success false, a code, no session_id.
    for (n, area, dest, code) in [(9, 3000, 3000, "SAME_SOURCE_AND_DEST_FLOOR"), (10, 3000, 99000, "UNKNOWN_AREA")] {
        let ack = ws.ask(action(&b, &g, n, area, 1, 2, Some(dest))).await;
        assert!(is_ack(&ack, 201));
        let res = ws.next().await;
        assert_eq!(res["data"]["success"], false, "{res}");
        assert_eq!(res["data"]["error"], code);
        assert!(res["data"].get("session_id").is_none(), "{res}");
    }
    // Landing call down from the lowest floor goes nowhere.
    ws.ask(action(&b, &g, 11, 1000, 1, 2002, None)).await;
    assert_eq!(ws.next().await["data"]["error"], "INVALID_DIRECTION");

    // Protocol-level refusals: error acks, no result.
    assert_error_ack(&ws.ask(action(&b, &g, 456995119, 3000, 1, 2, Some(5000))).await, 409);
    assert_error_ack(&ws.ask(action(&b, &g, 12, 3000, 1, 2, None)).await, 400);
    assert_error_ack(&ws.ask(action(&b, &g, 13, 3000, 1, 99, Some(5000))).await, 400);
    assert_error_ack(&ws.ask(action(&b, &g, -1, 3000, 1, 2, Some(5000))).await, 400);
    assert_error_ack(&ws.ask(action("9990000951", &g, 14, 3000, 1, 2, Some(5000))).await, 400);
    let foreign = format!("building:{}", live.f.foreign_building);
    assert_error_ack(&ws.ask(action(&foreign, &live.f.foreign_group, 15, 3000, 1, 2, Some(5000))).await, 403);
    assert_error_ack(&ws.ask(action(&b, "other-group", 16, 3000, 1, 2, Some(5000))).await, 403);

    // Delete: ack 202 and a result, neither with session_id (R3).
    let ack = ws.ask(delete(&b, &g, sid.clone())).await;
    assert!(is_ack(&ack, 202), "{ack}");
    assert!(ack["requestId"].is_string(), "a generated requestId: {ack}");
    let res = ws.next().await;
    assert_eq!((res["callType"].as_str(), res["data"]["success"].as_bool()), (Some("delete"), Some(true)));
    assert!(res["data"].get("session_id").is_none() && ack["data"].get("session_id").is_none());
    // Again, or an unknown one: 404 error ack without session_id.
    for unknown in [sid.clone(), json!(999_999)] {
        let e = ws.ask(delete(&b, &g, unknown)).await;
        assert_error_ack(&e, 404);
        assert!(e["data"].get("session_id").is_none());
    }
    assert_error_ack(&ws.ask(delete(&b, &g, json!("x"))).await, 400);

    // Another application of the same customer cannot cancel this one's call.
    let ack = ws.ask(action(&b, &g, 17, 3000, 1, 2, Some(5000))).await;
    assert!(is_ack(&ack, 201));
    let mine = ws.next().await["data"]["session_id"].clone();
    let mut theirs = live.ws(&other_token).await;
    assert_error_ack(&theirs.ask(delete(&b, &g, mine.clone())).await, 404);

    // Calls leave nothing in the database but counters.
    live.app.state.remote.flush().await.unwrap();
    assert_eq!(table_counts(&live).await, before);
    live.stop().await;
}
