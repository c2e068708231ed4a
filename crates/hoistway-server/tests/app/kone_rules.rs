//! The KONE API v2 contract's frame rules R1–R4 (`kone-api-v2.md`), one
//! test each, checked over every frame the example scripts' flows produce
//! against a server on a real port with the twin as the lift group.

use crate::kone_common;
use hoistway_store::testing::TestDb;
use kone_common::live::*;
use serde_json::{json, Value};
use std::time::Duration;

const IDLE: Duration = Duration::from_secs(30);

/// Every frame of the eight WebSocket scripts' flows (§8), plus error
/// frames, as received.
async fn all_flows(live: &Live) -> Vec<Raw> {
    let (b, g) = (live.building_id(), live.f.group.clone());
    let token = live.token(&live.callgiving()).await;
    let mut frames = Vec::new();
    // 1–3: calls, cancel, call and monitor.
    let mut ws = live.ws(&token).await;
    ws.ask(action(&b, &g, 1, 5000, 2, 3, Some(3000))).await;
    ws.next().await;
    ws.ask(action(&b, &g, 2, 3000, 1, 2, Some(5000))).await;
    let sid = ws.next().await["data"]["session_id"].clone();
    ws.ask(delete(&b, &g, sid)).await;
    ws.next().await;
    ws.ask(action(&b, &g, 3, 3000, 1, 2, Some(5000))).await;
    let sid = ws.next().await["data"]["session_id"].as_u64().unwrap();
    let topics: Vec<String> = ["being_allocated", "being_served", "served_soon", "served"]
        .iter()
        .map(|s| format!("call_state/{sid}/{s}"))
        .collect();
    ws.ask(monitor(
        &b,
        &g,
        300,
        &topics.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
    .await;
    advance_until(live, &mut ws, "served", |v| {
        v["subtopic"] == topics[3].as_str()
    })
    .await;
    // 4: site monitoring with wildcards.
    ws.ask(monitor(&b, &g, 300, &["+/position", "+/doors", "+/status"]))
        .await;
    ws.send(action(&b, &g, 4, 1000, 1, 2, Some(9000))).await;
    advance_until(live, &mut ws, "a door opening", |v| {
        v["data"]["state"] == "OPENING"
    })
    .await;
    // 5–7: ping, config, actions; refusals and errors.
    for t in ["ping", "config", "actions"] {
        ws.ask(common(&b, &g, t)).await;
        ws.next().await;
    }
    ws.ask(action(&b, &g, 5, 3000, 1, 2, Some(3000))).await;
    ws.next().await;
    ws.ask(action(&b, &g, 5, 3000, 1, 2, Some(5000))).await;
    ws.ask(delete(&b, &g, json!(424242))).await;
    ws.send_text("garbage").await;
    ws.next().await;
    while ws.raw(Duration::from_millis(100)).await.is_some() {}
    frames.append(&mut ws.seen);
    // 8: sessions, with a resend.
    let mut s1 = live.ws(&token).await;
    let ok = s1
        .ask(json!({"type": "create-session", "requestId": "a"}))
        .await;
    let session = ok["data"]["sessionId"].as_str().unwrap().to_string();
    s1.ask(monitor(&b, &g, 300, &["+/position"])).await;
    s1.next().await;
    s1.close().await;
    let mut s2 = live.ws(&token).await;
    s2.ask(json!({"type": "resume-session", "requestId": "b", "sessionId": session, "resendLatestStateUpToSeconds": 30})).await;
    s2.ask(json!({"type": "resume-session", "requestId": "c", "sessionId": "unknown"}))
        .await;
    while s2.raw(Duration::from_millis(100)).await.is_some() {}
    while s1.raw(Duration::from_millis(50)).await.is_some() {}
    frames.append(&mut s1.seen);
    frames.append(&mut s2.seen);
    assert!(frames.len() > 40, "{} frames", frames.len());
    frames
}

fn texts(frames: &[Raw]) -> Vec<Value> {
    frames
        .iter()
        .filter_map(|r| match r {
            Raw::Text(t) => Some(serde_json::from_str(t).unwrap()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn r1_every_frame_is_one_json_object_in_a_text_frame() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    for f in all_flows(&live).await {
        match f {
            Raw::Text(t) => assert!(
                serde_json::from_str::<Value>(&t).is_ok_and(|v| v.is_object()),
                "{t}"
            ),
            Raw::Binary(b) => panic!("a binary frame: {b:?}"),
            Raw::Close(_) => {}
        }
    }
    live.stop().await;
}

#[tokio::test]
async fn r2_every_frame_has_a_data_object() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let frames = texts(&all_flows(&live).await);
    for v in &frames {
        assert!(v["data"].is_object(), "{v}");
    }
    // Acks, results, events, error acks and session answers all among them.
    assert!(frames.iter().any(|v| v["statusCode"] == 409));
    assert!(frames.iter().any(|v| v["type"] == "error"));
    assert!(frames.iter().any(|v| v["callType"] == "monitor"));
    live.stop().await;
}

#[tokio::test]
async fn r3_session_id_only_in_the_successful_action_result() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let frames = texts(&all_flows(&live).await);
    let with: Vec<&Value> = frames
        .iter()
        .filter(|v| v["data"].get("session_id").is_some())
        .collect();
    assert_eq!(with.len(), 4, "the four successful calls: {with:?}");
    for v in with {
        assert_eq!(
            (v["callType"].as_str(), v["data"]["success"].as_bool()),
            (Some("action"), Some(true)),
            "{v}"
        );
        assert!(v["data"]["session_id"].as_u64().is_some_and(|s| s > 0));
    }
    live.stop().await;
}

#[tokio::test]
async fn r4_session_id_only_in_the_create_session_answer() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let frames = texts(&all_flows(&live).await);
    let with: Vec<&Value> = frames
        .iter()
        .filter(|v| {
            v["type"] == "ok"
                && v["data"]["sessionId"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty())
        })
        .collect();
    assert_eq!(with.len(), 1, "{with:?}");
    assert_eq!(with[0]["requestId"], "a", "the create-session answer");
    // The resume answer is ok, without it.
    assert!(frames
        .iter()
        .any(|v| v["type"] == "ok" && v["requestId"] == "b" && v["data"] == json!({})));
    live.stop().await;
}
