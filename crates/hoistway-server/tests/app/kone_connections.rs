//! The life of `/stream-v2` connections and sessions: a session created on
//! one connection is resumed from another with its latest state resent
//! (contract §7.4); connections end (§7.10) after the idle timeout, counted
//! in client frames only, and at the maximum lifetime however busy the
//! client is, both with close code 1000, so the example scripts, which
//! never close their last connection, exit 0.

use crate::kone_common;
use hoistway_store::testing::TestDb;
use kone_common::live::*;
use serde_json::json;
use std::time::Duration;

const IDLE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn sessions_are_created_resumed_from_a_new_connection_and_resend_state() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let token = live.token(&live.callgiving()).await;
    // websocket-sessions-basic: inventory-only token, create, close, resume.
    let inventory = live.token("").await;
    let mut first = live.ws(&inventory).await;
    let ok = first
        .ask(json!({"type": "create-session", "requestId": "c-1"}))
        .await;
    assert_eq!(
        (
            ok["type"].as_str(),
            ok["requestId"].as_str(),
            ok["statusCode"].as_u64()
        ),
        (Some("ok"), Some("c-1"), Some(201))
    );
    let session = ok["data"]["sessionId"].as_str().unwrap().to_string();
    assert!(!session.is_empty());
    first.close().await;
    let mut second = live.ws(&inventory).await;
    let ok = second
        .ask(json!({"type": "resume-session", "requestId": "r-1", "sessionId": session}))
        .await;
    assert_eq!(
        (ok["type"].as_str(), ok["statusCode"].as_u64()),
        (Some("ok"), Some(201))
    );
    assert_eq!(
        ok["data"],
        json!({}),
        "no sessionId in the resume answer (R4)"
    );
    // Resuming the session you hold, an unknown one, or none at all.
    let e = second
        .ask(json!({"type": "resume-session", "requestId": "r-2", "sessionId": session}))
        .await;
    assert_eq!(
        (e["type"].as_str(), e["statusCode"].as_u64()),
        (Some("error"), Some(400))
    );
    let e = second
        .ask(json!({"type": "resume-session", "requestId": "r-3", "sessionId": "nope"}))
        .await;
    assert_eq!(
        (
            e["type"].as_str(),
            e["statusCode"].as_u64(),
            e["message"].as_str()
        ),
        (Some("error"), Some(404), Some("Invalid session id"))
    );
    assert_eq!(e["data"], json!({}));
    let e = second
        .ask(json!({"type": "resume-session", "requestId": "r-4"}))
        .await;
    assert_eq!(e["statusCode"], 400);

    // A session with a subscription: events follow the session.
    let mut a = live.ws(&token).await;
    let ok = a
        .ask(json!({"type": "create-session", "requestId": "c-2"}))
        .await;
    let sid = ok["data"]["sessionId"].as_str().unwrap().to_string();
    a.ask(monitor(&b, &g, 300, &["lift_1/position"])).await;
    let current = a.next().await;
    assert_eq!(current["subtopic"], "lift_1/position");
    // Another application cannot take it.
    let (id, secret) = live.second_client().await;
    let mut other = live.ws(&live.token_as(&id, &secret, "").await).await;
    let e = other
        .ask(json!({"type": "resume-session", "requestId": "x", "sessionId": sid}))
        .await;
    assert_eq!(e["statusCode"], 404);
    // Resume on a new connection while the first is still open: the first
    // is closed, the new one gets the latest state again and new events.
    let mut c = live.ws(&token).await;
    c.send(json!({"type": "resume-session", "requestId": "r-5", "sessionId": sid, "resendLatestStateUpToSeconds": 30})).await;
    let ok = c.next().await;
    assert_eq!(
        (ok["type"].as_str(), ok["data"].clone()),
        (Some("ok"), json!({}))
    );
    let resent = c.next().await;
    assert_eq!(resent, current, "the latest state, resent");
    loop {
        match a.raw(Duration::from_secs(5)).await {
            // Events published before the take-over may still arrive.
            Some(Raw::Text(_)) => continue,
            Some(Raw::Close(Some(f))) => break assert_eq!(u16::from(f.code), 1000),
            other => panic!("the old connection is closed: {other:?}"),
        }
    }
    c.send(action(&b, &g, 5, 5000, 1, 2, Some(1000))).await;
    advance_until(
        &live,
        &mut c,
        "a position event on the resumed connection",
        |v| v["subtopic"] == "lift_1/position" && v["data"]["moving_state"] == "MOVING",
    )
    .await;
    live.stop().await;
}

#[tokio::test]
async fn idle_connections_close_with_1000_even_while_events_flow() {
    let live = Live::start(TestDb::sqlite().await, Duration::from_millis(800)).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let mut ws = live.ws(&live.token(&live.callgiving()).await).await;
    ws.ask(monitor(&b, &g, 300, &["+/position"])).await;
    ws.send(action(&b, &g, 1, 5000, 1, 2, Some(1000))).await;
    let started = std::time::Instant::now();
    let mut events = 0;
    let close = loop {
        live.app.clock.advance(chrono::Duration::milliseconds(500));
        match ws.raw(Duration::from_millis(50)).await {
            Some(Raw::Close(c)) => break c,
            Some(Raw::Text(_)) => events += 1,
            _ => {}
        }
        assert!(started.elapsed() < Duration::from_secs(10), "never closed");
    };
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    assert!(
        events > 2,
        "events flowed ({events}) and did not keep it open"
    );
    assert!(started.elapsed() >= Duration::from_millis(700));
    live.stop().await;
}

#[tokio::test]
async fn a_busy_connection_still_ends_at_its_maximum_lifetime() {
    let live = Live::start_with_lifetime(
        TestDb::sqlite().await,
        Duration::from_secs(30),
        Duration::from_millis(1200),
    )
    .await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let mut ws = live.ws(&live.token(&live.callgiving()).await).await;
    let started = std::time::Instant::now();
    let mut answers = 0;
    let close = loop {
        ws.send(common(&b, &g, "ping")).await;
        match ws.raw(Duration::from_millis(150)).await {
            Some(Raw::Close(c)) => break c,
            Some(Raw::Text(_)) => answers += 1,
            _ => {}
        }
        assert!(started.elapsed() < Duration::from_secs(10), "never closed");
    };
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1000));
    assert!(answers >= 3, "the connection was busy ({answers} answers)");
    assert!(started.elapsed() >= Duration::from_millis(1100));
    live.stop().await;
}

/// Issue #18 defect 11: a message over 64 KiB is answered with close code
/// 1009 and a text frame that is not UTF-8 with 1007, not a bare TCP drop.
#[tokio::test]
async fn oversized_and_non_utf8_frames_close_with_1009_and_1007() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let token = live.token(&live.callgiving()).await;

    let mut ws = live.ws(&token).await;
    ws.send_text(&"x".repeat(70 * 1024)).await;
    let close = match ws.raw(Duration::from_secs(5)).await {
        Some(Raw::Close(c)) => c,
        other => panic!("expected a close frame, got {other:?}"),
    };
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1009));

    let mut ws = live.ws(&token).await;
    ws.send_raw_text(&[b'{', 0xff, 0xfe, b'}']).await;
    let close = match ws.raw(Duration::from_secs(5)).await {
        Some(Raw::Close(c)) => c,
        other => panic!("expected a close frame, got {other:?}"),
    };
    assert_eq!(close.map(|c| u16::from(c.code)), Some(1007));
    live.stop().await;
}
