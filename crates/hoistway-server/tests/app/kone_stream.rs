//! Conformance suite of the Elevator WebSocket API (`/stream-v2`) and the
//! rest of the KONE API v2 contract (`kone-api-v2.md`), written as a client
//! uses them: reqwest and tokio-tungstenite against a server on a real
//! port, the twin as the lift group, the manual clock moving the lifts.
//! It walks every message of §7 with its error cases and the HTTP
//! endpoints of §4–6 as the example scripts call them. Sessions and how
//! connections end are in `kone_connections.rs`; ping, config, actions and
//! group numbers in `kone_common_api.rs`; the rules R1–R4 over
//! every frame of those flows in `kone_rules.rs`.

use crate::common;
use crate::kone_common;

use hoistway_store::testing::TestDb;
use kone_common::live::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

const IDLE: Duration = Duration::from_secs(30);
const QUIET: Duration = Duration::from_millis(300);

#[tokio::test]
async fn handshake_needs_a_token_echoes_koneapi_and_v2_errors_keep_the_contract_shape() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let base = format!("ws://{}/stream-v2", live.addr);
    assert_eq!(Ws::connect(&base).await.err(), Some(401));
    assert_eq!(
        Ws::connect(&format!("{base}?accessToken=hw1.bogus.sig"))
            .await
            .err(),
        Some(401)
    );
    // An inventory-only token may connect (websocket-sessions-basic).
    let inventory = live.token("").await;
    let ws = live.ws(&inventory).await;
    assert_eq!(ws.protocol.as_deref(), Some("koneapi"));
    // An expired token may not.
    live.app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(
        Ws::connect(&format!("{base}?accessToken={inventory}"))
            .await
            .err(),
        Some(401)
    );

    // The refusal of the handshake is in the contract's error shape.
    let r = live.http.get(live.url("/stream-v2")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"].is_string() && body["errors"].is_array(),
        "{body}"
    );
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
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(body["errors"][0]["type"].is_string(), "{body}");
        assert!(body.get("error").is_none(), "{body}");
    }
    // v1 keeps its own shape.
    let r = live
        .http
        .get(live.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
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
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    for (scope, status) in [
        (
            format!(
                "callgiving/group:{}:{}",
                live.f.foreign_building, live.f.foreign_group
            ),
            403,
        ),
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
    assert!(
        wo.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)),
        "{wo}"
    );
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
    let names: Vec<String> =
        sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
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
    let ack = ws
        .ask(action(&b, &g, 456995119, 3000, 1, 2, Some(5000)))
        .await;
    assert!(is_ack(&ack, 201), "{ack}");
    assert_eq!(
        ack["requestId"], 456995119,
        "echoes payload.request_id as a number"
    );
    let res = ws.next().await;
    assert_eq!(res["callType"], "action");
    assert_eq!(
        (res["buildingId"].as_str(), res["groupId"].as_str()),
        (Some(b.as_str()), Some(g.as_str()))
    );
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
    for (n, area, dest, code) in [
        (9, 3000, 3000, "SAME_SOURCE_AND_DEST_FLOOR"),
        (10, 3000, 99000, "UNKNOWN_AREA"),
    ] {
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
    assert_error_ack(
        &ws.ask(action(&b, &g, 456995119, 3000, 1, 2, Some(5000)))
            .await,
        409,
    );
    assert_error_ack(&ws.ask(action(&b, &g, 12, 3000, 1, 2, None)).await, 400);
    assert_error_ack(
        &ws.ask(action(&b, &g, 13, 3000, 1, 99, Some(5000))).await,
        400,
    );
    assert_error_ack(
        &ws.ask(action(&b, &g, -1, 3000, 1, 2, Some(5000))).await,
        400,
    );
    assert_error_ack(
        &ws.ask(action("9990000951", &g, 14, 3000, 1, 2, Some(5000)))
            .await,
        400,
    );
    let foreign = format!("building:{}", live.f.foreign_building);
    assert_error_ack(
        &ws.ask(action(
            &foreign,
            &live.f.foreign_group,
            15,
            3000,
            1,
            2,
            Some(5000),
        ))
        .await,
        403,
    );
    assert_error_ack(
        &ws.ask(action(&b, "other-group", 16, 3000, 1, 2, Some(5000)))
            .await,
        403,
    );

    // Delete: ack 202 and a result, neither with session_id (R3).
    let ack = ws.ask(delete(&b, &g, sid.clone())).await;
    assert!(is_ack(&ack, 202), "{ack}");
    assert!(ack["requestId"].is_string(), "a generated requestId: {ack}");
    let res = ws.next().await;
    assert_eq!(
        (res["callType"].as_str(), res["data"]["success"].as_bool()),
        (Some("delete"), Some(true))
    );
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
    hoistway_remote::calls_of(&live.app.state)
        .flush()
        .await
        .unwrap();
    assert_eq!(table_counts(&live).await, before);
    live.stop().await;
}

#[tokio::test]
async fn malformed_and_unknown_frames_get_error_frames_and_the_connection_stays_usable() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let mut ws = live.ws(&live.token(&live.callgiving()).await).await;
    for text in [
        "not json",
        "[1, 2]",
        "{\"type\": 5}",
        "{}",
        "{\"type\": \"no-such-type\", \"requestId\": \"r-1\"}",
        "{\"type\": \"common-api\", \"callType\": \"nope\", \"buildingId\": \"building:1\", \"groupId\": \"1\"}",
        "{\"type\": \"site-monitoring\", \"callType\": \"monitor\"}",
    ] {
        ws.send_text(text).await;
        let e = ws.next().await;
        assert_error_ack(&e, 400);
        assert!(e["requestId"].is_string(), "{text}: {e}");
    }
    ws.send_binary(b"{\"type\":\"create-session\"}").await;
    assert_error_ack(&ws.next().await, 400);
    // The requestId of an unknown type is echoed.
    ws.send_text("{\"type\": \"x\", \"requestId\": \"r-2\"}")
        .await;
    assert_eq!(ws.next().await["requestId"], "r-2");
    // Bad monitor payloads.
    for topics in [
        json!([]),
        json!(["lift_1/speed"]),
        json!([7]),
        json!("+/position"),
    ] {
        let mut m = monitor(&b, &g, 10, &[]);
        m["payload"]["subtopics"] = topics.clone();
        assert_error_ack(&ws.ask(m).await, 400);
    }
    let mut m = monitor(&b, &g, 10, &["+/position"]);
    m["payload"]["duration"] = json!(301);
    assert_error_ack(&ws.ask(m).await, 400);
    // Still usable.
    assert!(is_ack(&ws.ask(common(&b, &g, "ping")).await, 201));
    assert_eq!(ws.next().await["callType"], "ping");
    live.stop().await;
}

#[tokio::test]
async fn monitoring_sends_current_state_then_changes_on_concrete_topics() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let mut ws = live.ws(&live.token(&live.callgiving()).await).await;
    let req = monitor(&b, &g, 300, &["+/position", "+/doors"]);
    let ack = ws.ask(req.clone()).await;
    assert!(is_ack(&ack, 201), "{ack}");
    assert_eq!(ack["requestId"], req["requestId"]);
    // Current state of each lift, on concrete topics.
    let mut topics = std::collections::BTreeSet::new();
    for _ in 0..4 {
        let e = ws.next().await;
        assert_eq!(
            (e["callType"].as_str(), &e["requestId"]),
            (Some("monitor"), &req["requestId"])
        );
        assert_eq!(e["buildingId"], b.as_str());
        topics.insert(e["subtopic"].as_str().unwrap().to_string());
        if e["subtopic"].as_str().unwrap().ends_with("/position") {
            let d = &e["data"];
            assert_eq!(d["moving_state"], "STANDING");
            assert!(
                d["cur"].is_i64() && d["area"].as_i64().unwrap() > 1_000_000,
                "{d}"
            );
            assert!(["UP", "DOWN", "NONE"].contains(&d["dir"].as_str().unwrap()));
        } else {
            assert_eq!(e["data"]["state"], "CLOSED");
        }
    }
    let expected: std::collections::BTreeSet<String> = [
        "lift_1/doors",
        "lift_1/position",
        "lift_2/doors",
        "lift_2/position",
    ]
    .map(String::from)
    .into();
    assert_eq!(topics, expected);
    // A call moves a lift: position events while it travels, doors opening.
    ws.send(action(&b, &g, 1, 5000, 1, 2, Some(1000))).await;
    let moving = advance_until(&live, &mut ws, "a moving lift", |v| {
        v["subtopic"]
            .as_str()
            .is_some_and(|t| t.ends_with("/position"))
            && v["data"]["moving_state"] == "MOVING"
    })
    .await;
    assert!(!moving["subtopic"].as_str().unwrap().contains('+'));
    advance_until(&live, &mut ws, "doors opening", |v| {
        v["subtopic"]
            .as_str()
            .is_some_and(|t| t.ends_with("/doors"))
            && v["data"]["state"] == "OPENING"
    })
    .await;
    // Only subscribed topics: never a status event here.
    assert!(ws.seen.iter().all(|r| match r {
        Raw::Text(t) => !t.contains("/status\""),
        _ => true,
    }));

    // duration 0: the current state only, then nothing.
    let mut once = live.ws(&live.token(&live.callgiving()).await).await;
    once.ask(monitor(&b, &g, 0, &["lift_1/status"])).await;
    let s = once.next().await;
    assert_eq!(s["subtopic"], "lift_1/status");
    assert_eq!(s["data"]["fault_active"], false);
    live.app.clock.advance(chrono::Duration::seconds(60));
    assert!(once.quiet(QUIET).await.is_none());
    live.stop().await;
}

/// call-and-monitoring-demo: a call, then its four call states.
#[tokio::test]
async fn call_states_of_the_applications_own_calls() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let token = live.token(&live.callgiving()).await;
    let mut ws = live.ws(&token).await;
    ws.ask(action(&b, &g, 1, 3000, 1, 2, Some(5000))).await;
    let sid = ws.next().await["data"]["session_id"].as_u64().unwrap();
    // Another application watching every call sees nothing of this one.
    let (id, secret) = live.second_client().await;
    let mut spy = live
        .ws(&live.token_as(&id, &secret, &live.callgiving()).await)
        .await;
    spy.ask(monitor(&b, &g, 300, &["call_state/+/+"])).await;

    let states = ["being_allocated", "being_served", "served_soon", "served"];
    let topics: Vec<String> = states
        .iter()
        .map(|s| format!("call_state/{sid}/{s}"))
        .collect();
    let refs: Vec<&str> = topics.iter().map(String::as_str).collect();
    let ack = ws.ask(monitor(&b, &g, 300, &refs)).await;
    assert!(is_ack(&ack, 201));
    // being_allocated already happened: sent at once.
    let first = ws.next().await;
    assert_eq!(first["subtopic"], topics[0].as_str());
    assert!(first["data"].get("session_id").is_none());
    let mut seen = vec![first["subtopic"].as_str().unwrap().to_string()];
    while seen.len() < 4 {
        let e = advance_until(&live, &mut ws, "call states", |v| {
            v["callType"] == "monitor"
        })
        .await;
        assert!(e["data"].get("session_id").is_none(), "{e}");
        seen.push(e["subtopic"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, topics, "each state once, in order");
    assert!(
        spy.quiet(QUIET).await.is_none(),
        "no other application's calls"
    );
    live.stop().await;
}

/// `hoistway demo`'s printed client works for every scope the example
/// scripts ask for; the next start's client replaces it.
#[tokio::test]
async fn the_demo_prints_a_ready_kone_client() {
    let app = common::TestApp::sqlite().await;
    app.seed_demo().await;
    let actor = hoistway_store::Actor {
        user_id: None,
        at: app.clock_now(),
    };
    let k = hoistway_demo::kone_client::ready(&app.t.db, actor)
        .await
        .unwrap();
    assert!(k.ken.starts_with("ken:"));
    assert_eq!(k.group_id, "1", "the contract's bare group number");
    let escalator = k.escalator_ken.clone().expect("the demo has an escalator");
    assert_ne!(escalator, k.ken);
    for scope in [
        String::new(),
        format!(
            "application/inventory callgiving/group:{}:{}",
            k.building_id, k.group_id
        ),
        format!("rtm/{}", k.ken),
        format!("serviceinfo/{}", k.ken),
        format!("rtm/{escalator}"),
    ] {
        let r = kone_common::token(&app, &k.client_id, &k.client_secret, &scope).await;
        assert_eq!(r.status, 200, "{scope:?}: {}", r.json);
    }
    let again = hoistway_demo::kone_client::ready(&app.t.db, actor)
        .await
        .unwrap();
    assert_ne!(again.client_id, k.client_id);
    let r = kone_common::token(&app, &k.client_id, &k.client_secret, "").await;
    assert_eq!(r.status, 401, "the previous start's client is revoked");
    app.t.cleanup().await;
}
