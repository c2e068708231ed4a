//! Notification delivery against real receivers started by the test: an
//! SMTP sink and an HTTP webhook. A driver that is down loses nothing; a
//! failed attempt is retried after its backoff; each (event, user, channel)
//! arrives once as the user sees it.

use crate::common;

use axum::http::{HeaderMap, StatusCode};
use chrono::Duration;
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::delivery::{deliver_due, DeliverySettings, Drivers};
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server that keeps every message it accepts.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap());
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split(' ').next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

type Received = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// An SMS provider webhook that fails its first request.
async fn sms_receiver() -> (String, Received) {
    let got: Received = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(Mutex::new(0u32));
    let store = got.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: HeaderMap, body: axum::Json<Value>| {
            let store = store.clone();
            let calls = calls.clone();
            async move {
                let n = {
                    let mut c = calls.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n == 1 {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let key = headers
                    .get("idempotency-key")
                    .map(|v| v.to_str().unwrap().to_string());
                store.lock().unwrap().push((key, body.0));
                StatusCode::OK
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

async fn pending(app: &TestApp, token: &str, channel: &str) -> usize {
    let inbox = app
        .call("GET", "/api/v1/notifications?limit=500", Some(token), None)
        .await;
    inbox.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["channel"] == channel && n["delivered_at"].is_null())
        .count()
}

#[tokio::test]
async fn email_and_sms_arrive_once_even_when_a_driver_was_down() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let duty = app
            .login("duty.manager@hoistway.example", DEMO_PASSWORD)
            .await;
        let units = app
            .call(
                "GET",
                "/api/v1/units?kind=elevator&limit=1",
                Some(&operator),
                None,
            )
            .await;
        let unit = units.json["items"][0]["id"].as_i64().unwrap();
        let c = app
            .call(
                "POST",
                "/api/v1/cases",
                Some(&operator),
                Some(json!({"unit_id": unit, "passengers_trapped": true, "channel": "phone"})),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED);
        app.clock.advance(Duration::minutes(45));
        let run = hoistway_store::cases::sla::run_due(
            &app.state.db,
            &app.state.desk,
            app.clock_now(),
            "t",
            10,
        )
        .await
        .unwrap();
        assert!(!run.fired.is_empty());
        let waiting_email = pending(&app, &duty, "email").await;
        let waiting_sms = pending(&app, &duty, "sms").await;
        assert!(
            waiting_email >= 1 && waiting_sms >= 1,
            "{waiting_email} {waiting_sms}"
        );

        // SMTP is down (nothing listens there): nothing is lost.
        let dead = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dead_port = dead.local_addr().unwrap().port();
        drop(dead);
        let (sms_url, sms_got) = sms_receiver().await;
        let down = Drivers::new(&DeliverySettings {
            smtp_url: Some(format!("smtp://127.0.0.1:{dead_port}")),
            smtp_from: String::new(),
            sms_webhook_url: Some(sms_url.clone()),
        })
        .unwrap();
        let first = deliver_due(&app.state, &down).await;
        assert!(first.failed >= 2, "{first:?}");
        assert_eq!(pending(&app, &duty, "email").await, waiting_email);
        assert_eq!(pending(&app, &duty, "sms").await, waiting_sms);

        // Within the backoff nothing is retried.
        let (port, mails) = smtp_sink().await;
        let up = Drivers::new(&DeliverySettings {
            smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
            smtp_from: "Desk <desk@hoistway.example>".into(),
            sms_webhook_url: Some(sms_url),
        })
        .unwrap();
        let early = deliver_due(&app.state, &up).await;
        assert_eq!(early.delivered, 0, "{early:?}");

        app.clock.advance(Duration::seconds(11));
        let later = deliver_due(&app.state, &up).await;
        assert!(later.delivered >= 2, "{later:?}");
        assert_eq!(pending(&app, &duty, "email").await, 0);
        assert_eq!(pending(&app, &duty, "sms").await, 0);
        // Delivered rows are not sent again.
        app.clock.advance(Duration::hours(2));
        deliver_due(&app.state, &up).await;

        let mails = mails.lock().unwrap().clone();
        let to_duty: Vec<&String> = mails
            .iter()
            .filter(|m| {
                m.contains("duty.manager@hoistway.example")
                    && m.contains("Escalation: someone is trapped")
            })
            .collect();
        assert_eq!(to_duty.len(), 1, "{mails:#?}");
        assert!(
            to_duty[0].contains("Message-ID: <SO-2026-000001.escalation.entrapment"),
            "{}",
            to_duty[0]
        );
        let sms = sms_got.lock().unwrap().clone();
        let entrapment: Vec<_> = sms
            .iter()
            .filter(|(_, b)| {
                b["text"]
                    .as_str()
                    .unwrap()
                    .contains("Escalation: someone is trapped")
            })
            .collect();
        assert_eq!(entrapment.len(), 1, "{sms:#?}");
        assert_eq!(
            entrapment[0].0.as_deref(),
            entrapment[0].1["dedupe_key"].as_str()
        );
        app.t.cleanup().await;
    }
}
