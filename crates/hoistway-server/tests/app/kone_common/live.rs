//! A KONE API client's view of a running server: the app served on a real
//! port (SQLite or PostgreSQL, the twin as every lift group, the manual
//! clock), reqwest for HTTP and tokio-tungstenite for `/stream-v2`.

use super::{fixture, Fixture};
use crate::common::TestApp;
use futures_util::{SinkExt, StreamExt};
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A served app with the KONE fixture.
pub struct Live {
    pub app: TestApp,
    pub addr: SocketAddr,
    pub f: Fixture,
    /// A provider admin's v1 token.
    pub admin: String,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Live {
    /// Serves the fixture with this WebSocket idle timeout.
    pub async fn start(t: TestDb, idle: Duration) -> Live {
        Self::start_with_lifetime(t, idle, Duration::from_secs(7200)).await
    }

    /// Serves the fixture with this WebSocket idle timeout and maximum
    /// connection lifetime.
    pub async fn start_with_lifetime(t: TestDb, idle: Duration, lifetime: Duration) -> Live {
        let mut app = crate::remote_common::app(t).await;
        let mut settings = (*app.state.settings).clone();
        settings.ws_idle_timeout = idle;
        settings.ws_max_lifetime = lifetime;
        app.state.settings = Arc::new(settings);
        app.app = hoistway_server::app(app.state.clone());
        let admin = app.admin_token().await;
        let f = fixture(&app, &admin).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(hoistway_server::run(listener, app.state.clone(), async {
            let _ = rx.await;
        }));
        Live {
            app,
            addr,
            f,
            admin,
            http: reqwest::Client::new(),
            stop: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Another API application of the fixture's customer: (id, secret).
    pub async fn second_client(&self) -> (String, String) {
        let c = crate::remote_common::created(
            &self.app,
            &self.admin,
            "/api/v1/api-clients",
            json!({"customer_id": self.f.customer, "name": "Second app"}),
        )
        .await;
        (
            c["client_id"].as_str().unwrap().to_string(),
            c["client_secret"].as_str().unwrap().to_string(),
        )
    }

    /// `POST /api/v2/oauth2/token` as the example clients send it.
    pub async fn token_reply(&self, scope: &str) -> reqwest::Response {
        self.token_reply_as(&self.f.client_id, &self.f.secret, scope)
            .await
    }

    pub async fn token_reply_as(&self, id: &str, secret: &str, scope: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v2/oauth2/token"))
            .basic_auth(id, Some(secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("grant_type", "client_credentials"),
                    ("scope", scope),
                ])
                .unwrap(),
            )
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, scope: &str) -> String {
        self.token_as(&self.f.client_id.clone(), &self.f.secret.clone(), scope)
            .await
    }

    pub async fn token_as(&self, id: &str, secret: &str, scope: &str) -> String {
        let r = self.token_reply_as(id, secret, scope).await;
        assert_eq!(r.status(), 200, "token for {scope:?}");
        let v: Value = r.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }

    /// The scope the WebSocket demos ask for.
    pub fn callgiving(&self) -> String {
        format!(
            "application/inventory callgiving/group:{}:{}",
            self.f.building, self.f.group
        )
    }

    pub fn building_id(&self) -> String {
        format!("building:{}", self.f.building)
    }

    pub async fn ws(&self, token: &str) -> Ws {
        Ws::connect(&format!("ws://{}/stream-v2?accessToken={token}", self.addr))
            .await
            .unwrap_or_else(|s| panic!("handshake refused: {s}"))
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.app.t.cleanup().await;
    }
}

/// A frame as received, before any parsing.
#[derive(Debug, Clone)]
pub enum Raw {
    Text(String),
    Binary(Vec<u8>),
    Close(Option<CloseFrame>),
}

/// A WebSocket client connection.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The subprotocol the server accepted.
    pub protocol: Option<String>,
    /// Every data frame received so far, raw.
    pub seen: Vec<Raw>,
}

impl Ws {
    /// Opens `url` offering `koneapi`; the refusal's HTTP status otherwise.
    pub async fn connect(url: &str) -> Result<Ws, u16> {
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("sec-websocket-protocol", "koneapi".parse().unwrap());
        match tokio_tungstenite::connect_async(req).await {
            Ok((stream, res)) => Ok(Ws {
                stream,
                protocol: res
                    .headers()
                    .get("sec-websocket-protocol")
                    .map(|v| v.to_str().unwrap().to_string()),
                seen: Vec::new(),
            }),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("connect {url}: {e}"),
        }
    }

    pub fn wrap(stream: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Ws {
        Ws {
            stream,
            protocol: None,
            seen: Vec::new(),
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.send_text(&v.to_string()).await;
    }

    pub async fn send_text(&mut self, t: &str) {
        self.stream.send(Message::text(t)).await.unwrap();
    }

    /// A text frame with `bytes` as they are (valid UTF-8 or not).
    pub async fn send_raw_text(&mut self, bytes: &[u8]) {
        use tokio_tungstenite::tungstenite::protocol::frame::{
            coding::{Data, OpCode},
            Frame,
        };
        let frame = Frame::message(bytes.to_vec(), OpCode::Data(Data::Text), true);
        self.stream.send(Message::Frame(frame)).await.unwrap();
    }

    pub async fn send_binary(&mut self, b: &[u8]) {
        self.stream.send(Message::binary(b.to_vec())).await.unwrap();
    }

    /// The next data or close frame within `wait`.
    pub async fn raw(&mut self, wait: Duration) -> Option<Raw> {
        loop {
            let m = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??;
            let raw = match m.ok()? {
                Message::Text(t) => Raw::Text(t.to_string()),
                Message::Binary(b) => Raw::Binary(b.to_vec()),
                Message::Close(c) => Raw::Close(c),
                _ => continue,
            };
            self.seen.push(raw.clone());
            return Some(raw);
        }
    }

    /// The next frame as JSON (panics on anything else within 5 s).
    pub async fn next(&mut self) -> Value {
        match self.raw(Duration::from_secs(5)).await {
            Some(Raw::Text(t)) => serde_json::from_str(&t).unwrap_or_else(|e| panic!("{e}: {t}")),
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    /// Frames until one satisfies `pred` (which is returned).
    pub async fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..500 {
            let v = self.next().await;
            if pred(&v) {
                return v;
            }
        }
        panic!("no frame {what}");
    }

    /// Sends and returns the next frame.
    pub async fn ask(&mut self, v: Value) -> Value {
        self.send(v).await;
        self.next().await
    }

    /// Nothing arrives within `wait` (or the connection closes).
    pub async fn quiet(&mut self, wait: Duration) -> Option<Raw> {
        self.raw(wait).await
    }

    pub async fn close(&mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// `lift-call-api-v2` action as the example scripts send it.
pub fn action(
    building: &str,
    group: &str,
    request_id: i64,
    area: u32,
    terminal: u32,
    act: i64,
    dest: Option<u32>,
) -> Value {
    let mut call = json!({ "action": act });
    if let Some(d) = dest {
        call["destination"] = json!(d);
    }
    json!({
        "type": "lift-call-api-v2", "buildingId": building, "callType": "action", "groupId": group,
        "payload": { "request_id": request_id, "area": area, "time": "2026-11-23T08:00:00.000Z", "terminal": terminal, "call": call }
    })
}

pub fn delete(building: &str, group: &str, session_id: Value) -> Value {
    json!({ "type": "lift-call-api-v2", "buildingId": building, "callType": "delete", "groupId": group, "payload": { "session_id": session_id } })
}

pub fn common(building: &str, group: &str, call_type: &str) -> Value {
    match call_type {
        "ping" => {
            json!({ "type": "common-api", "buildingId": building, "callType": "ping", "payload": { "request_id": 4242 }, "groupId": group })
        }
        other => {
            json!({ "type": "common-api", "requestId": uuid::Uuid::new_v4().to_string(), "buildingId": building, "callType": other, "groupId": group })
        }
    }
}

pub fn monitor(building: &str, group: &str, duration: u64, topics: &[&str]) -> Value {
    json!({
        "type": "site-monitoring", "requestId": uuid::Uuid::new_v4().to_string(), "buildingId": building,
        "callType": "monitor", "groupId": group,
        "payload": { "sub": "KCESmartLiftClient2", "duration": duration, "subtopics": topics }
    })
}

/// Moves the manual clock a second at a time (the twin follows it) until a
/// frame satisfying `pred` arrives.
pub async fn advance_until(
    live: &Live,
    ws: &mut Ws,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
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

/// An acknowledgement (no `type`) with this status and a server time.
pub fn is_ack(v: &Value, status: u64) -> bool {
    v.get("type").is_none() && v["statusCode"] == status && v["data"]["time"].is_string()
}

/// An error acknowledgement: this status and a message.
pub fn assert_error_ack(v: &Value, status: u64) {
    assert!(v.get("type").is_none(), "{v}");
    assert_eq!(v["statusCode"], status, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(v["data"]["error"].is_string(), "{v}");
    assert!(v["connectionId"].is_string(), "{v}");
}
