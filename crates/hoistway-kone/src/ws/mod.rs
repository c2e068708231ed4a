//! The Elevator WebSocket API v2 at `/stream-v2` (contract §7).
//!
//! The handshake takes the access token from the `accessToken` query
//! parameter (401 without a valid one; any scope, even inventory only, may
//! connect) and echoes the `koneapi` subprotocol. Each connection is one
//! task that reads client frames, answers each in order and writes the
//! events its subscriptions publish; it closes with 1000 after
//! [`Settings::ws_idle_timeout`](hoistway_app::state::Settings) without a client
//! frame (events do not count, so a monitoring client still ends), and
//! after [`Settings::ws_max_lifetime`](hoistway_app::state::Settings) in any case.
//! A frame that is not JSON, has an unknown `type` or a bad field gets an
//! error frame with a status and a message; the connection stays usable.
//!
//! Files: [`frames`] (every frame's shape, rules R1–R4), [`session`]
//! (`create-session`, `resume-session`, outlets), [`lift_call`]
//! (`lift-call-api-v2` action and delete through the remote-call service),
//! [`common`] (`common-api` ping, config, actions), [`monitoring`]
//! (`site-monitoring` subscriptions fed by the driver's live state).

pub mod common;
pub mod frames;
#[cfg(test)]
mod fuzz;
pub mod lift_call;
pub mod monitoring;
pub mod session;

use super::token::ApiCaller;
use super::{customer_scope, group_no, KoneError};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_lift::Running;
use hoistway_store::{buildings, StoreError};
use rand::RngCore;
use serde_json::{json, Map, Value};
use session::{Outlet, Session};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The subprotocol the contract's clients offer.
pub const SUBPROTOCOL: &str = "koneapi";
/// Events a connection may have queued before new ones are dropped.
const QUEUE: usize = 1024;
/// Largest client frame accepted (the contract's requests are small).
const MAX_FRAME: usize = 64 * 1024;

/// What a connection's writer is told by others (subscriptions, or a
/// connection that resumed this one's session).
#[derive(Debug)]
pub enum Out {
    Frame(String),
    Close(u16, &'static str),
}

/// A request's refusal: status and message, sent as an error frame.
#[derive(Debug, Clone)]
pub struct WsError {
    pub status: u16,
    pub message: String,
}

impl WsError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
}

impl From<AppError> for WsError {
    fn from(e: AppError) -> Self {
        let status = e.status().as_u16();
        if status >= 500 {
            // Internal causes are logged, never sent.
            tracing::error!(cause = %e, "WebSocket request failed");
            return Self::new(status, "internal error");
        }
        Self::new(status, e.to_string())
    }
}

impl From<StoreError> for WsError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

pub type WsResult<T> = Result<T, WsError>;

#[derive(Debug, serde::Deserialize)]
pub struct StreamQuery {
    #[serde(rename = "accessToken")]
    access_token: Option<String>,
}

/// `GET /stream-v2?accessToken=…`: the handshake.
pub async fn stream(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let token = query
        .and_then(|q| serde_urlencoded::from_str::<StreamQuery>(&q).ok())
        .and_then(|q| q.access_token)
        .unwrap_or_default();
    if token.is_empty() {
        return KoneError::unauthorized("send the access token as the accessToken query parameter")
            .into_response();
    }
    let caller = match ApiCaller::of_token(&state, &token).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(e) => return KoneError::bad_request(e.body_text()).into_response(),
    };
    // Echo `koneapi` when offered; to be lenient, echo a single other value.
    let offered: Vec<String> = headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let upgrade = if offered.iter().any(|p| p == SUBPROTOCOL) {
        upgrade.protocols([SUBPROTOCOL])
    } else if let [only] = &offered[..] {
        upgrade.protocols([only.clone()])
    } else {
        upgrade
    };
    upgrade
        .max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| connection(socket, state, caller))
}

/// One connection's state.
pub struct Conn {
    pub state: AppState,
    pub caller: ApiCaller,
    /// Opaque per connection, 12 characters as the real service's.
    pub id: String,
    pub tx: mpsc::Sender<Out>,
    /// Where this connection's subscriptions publish (its own, or its
    /// session's).
    pub outlet: Arc<Outlet>,
    pub session: Option<Arc<Session>>,
    /// Outlets this connection owned before it took over a session: their
    /// subscriptions end with the connection.
    pub private: Vec<Arc<Outlet>>,
    /// `request_id`s of lift calls on this connection (409 on reuse).
    pub request_ids: HashSet<i64>,
}

fn connection_id() -> String {
    let mut b = [0u8; 9];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::STANDARD.encode(b)
}

async fn connection(mut socket: WebSocket, state: AppState, caller: ApiCaller) {
    let idle = state.settings.ws_idle_timeout;
    let end_of_life = Instant::now() + state.settings.ws_max_lifetime;
    let (tx, mut rx) = mpsc::channel::<Out>(QUEUE);
    let id = connection_id();
    let mut conn = Conn {
        outlet: Outlet::new(&id, tx.clone()),
        id,
        state,
        caller,
        tx,
        session: None,
        private: Vec::new(),
        request_ids: HashSet::new(),
    };
    let mut deadline = Instant::now() + idle;
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let msg = match msg {
                    Some(Ok(m)) => m,
                    None => break,
                    Some(Err(e)) => {
                        // Say why before going: a bare TCP drop looks
                        // like a network fault to the client (issue #18).
                        if let Some((code, reason)) = close_for(&e) {
                            close(&mut socket, code, reason).await;
                        }
                        break;
                    }
                };
                deadline = Instant::now() + idle;
                let replies = match msg {
                    Message::Text(t) => conn.handle(t.as_str()).await,
                    Message::Binary(_) => vec![frames::error_ack(
                        &conn.id, &json!(frames::uuid()), 400, "send requests as JSON text frames",
                    )],
                    // Ping/pong are answered by the library; a close is
                    // completed by the next `recv`.
                    _ => Vec::new(),
                };
                let mut failed = false;
                for r in replies {
                    if socket.send(Message::Text(r.to_string().into())).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed { break; }
            }
            out = rx.recv() => match out {
                Some(Out::Frame(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() { break; }
                }
                Some(Out::Close(code, reason)) => { close(&mut socket, code, reason).await; break; }
                None => break,
            },
            _ = tokio::time::sleep_until(deadline) => {
                close(&mut socket, 1000, "idle timeout").await;
                break;
            }
            _ = tokio::time::sleep_until(end_of_life) => {
                close(&mut socket, 1000, "maximum connection time reached").await;
                break;
            }
        }
    }
    conn.closed();
}

/// The close frame a read error deserves: 1009 for a frame or message
/// over [`MAX_FRAME`], 1007 for text that is not UTF-8; none when the
/// connection itself is gone.
fn close_for(e: &axum::Error) -> Option<(u16, &'static str)> {
    use std::error::Error as _;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(c) = cause {
        if let Some(t) = c.downcast_ref::<tungstenite::Error>() {
            return match t {
                tungstenite::Error::Capacity(_) => Some((1009, "message too big")),
                tungstenite::Error::Utf8(_) => Some((1007, "text frame is not valid UTF-8")),
                tungstenite::Error::Protocol(_) => Some((1002, "protocol error")),
                _ => None,
            };
        }
        cause = c.source();
    }
    None
}

/// Starts the closing handshake and waits briefly for the client's answer.
async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(m)) = socket.recv().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// The `requestId` an answer echoes: the top-level `requestId`, else
/// `payload.request_id` (a number), else a new UUID.
fn echo_id(m: &Map<String, Value>) -> Value {
    if let Some(r) = m
        .get("requestId")
        .filter(|r| r.is_string() || r.is_number())
    {
        return r.clone();
    }
    if let Some(r) = m
        .get("payload")
        .and_then(|p| p.get("request_id"))
        .filter(|r| r.is_number())
    {
        return r.clone();
    }
    json!(frames::uuid())
}

/// A building-level request's target, checked: the token's call-giving
/// scope for the group (403), the building of the application's customer
/// with remote call (404), the group in its topology (404).
pub struct Target {
    pub building: i64,
    /// As sent: `building:<id>`.
    pub building_text: String,
    /// The group's id in our topology (what the lift driver knows).
    pub group: String,
    /// As sent: the contract's bare group number, echoed in results.
    pub group_no: String,
    pub running: Running,
}

impl Conn {
    /// Answers one client frame.
    async fn handle(&mut self, text: &str) -> Vec<Value> {
        let m = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(_) => {
                return vec![frames::error_ack(
                    &self.id,
                    &json!(frames::uuid()),
                    400,
                    "a request is one JSON object",
                )]
            }
            Err(e) => {
                return vec![frames::error_ack(
                    &self.id,
                    &json!(frames::uuid()),
                    400,
                    &format!("malformed JSON: {e}"),
                )]
            }
        };
        let request_id = echo_id(&m);
        // As at the HTTP edge (`nul_guard`): no U+0000 reaches the store.
        if let Some(field) = hoistway_app::nul_guard::nul_in_json(text.as_bytes()) {
            return vec![frames::error_ack(
                &self.id,
                &request_id,
                400,
                &format!("{field}: must not contain NUL characters (U+0000)"),
            )];
        }
        let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
        let call_type = m.get("callType").and_then(Value::as_str).unwrap_or("");
        let answer = match (kind, call_type) {
            ("create-session", _) => return vec![self.create_session(&request_id)],
            ("resume-session", _) => return self.resume_session(&m, &request_id),
            ("lift-call-api-v2", "action") => self.lift_call(&m, &request_id).await,
            ("lift-call-api-v2", "delete") => self.delete_call(&m, &request_id).await,
            ("common-api", "ping") => self.ping(&m, &request_id).await,
            ("common-api", "config") => self.config(&m, &request_id).await,
            ("common-api", "actions") => self.actions(&m, &request_id).await,
            ("site-monitoring", "monitor") => self.monitor(&m, &request_id).await,
            ("lift-call-api-v2" | "common-api" | "site-monitoring", other) => Err(
                WsError::bad_request(format!("unknown callType {other:?} for type {kind:?}")),
            ),
            ("", _) => Err(WsError::bad_request("the request has no type")),
            (other, _) => Err(WsError::bad_request(format!(
                "unknown message type {other:?}"
            ))),
        };
        match answer {
            Ok(frames) => frames,
            Err(e) => vec![frames::error_ack(
                &self.id,
                &request_id,
                e.status,
                &e.message,
            )],
        }
    }

    /// Checks and resolves `buildingId` and `groupId` (see [`Target`]).
    pub async fn target(&self, m: &Map<String, Value>) -> WsResult<Target> {
        let building_text = m
            .get("buildingId")
            .and_then(Value::as_str)
            .ok_or_else(|| WsError::bad_request("buildingId is required (building:<id>)"))?;
        let building: i64 = building_text
            .strip_prefix("building:")
            .and_then(|b| b.parse().ok())
            .filter(|b| *b > 0)
            .ok_or_else(|| {
                WsError::bad_request(format!("buildingId {building_text:?} is not building:<id>"))
            })?;
        let group_no = match m.get("groupId") {
            Some(Value::String(g)) if !g.is_empty() && g.len() <= 64 => g.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(WsError::bad_request("groupId is required")),
        };
        self.caller
            .require(&format!("callgiving/group:{building}:{group_no}"))
            .map_err(|e| WsError::new(403, e.message))?;
        let unknown = || WsError::new(404, format!("unknown building {building_text}"));
        match buildings::get(
            &self.state.db,
            &customer_scope(self.caller.customer_id()),
            building,
        )
        .await
        {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e.into()),
        }
        let running = match hoistway_remote::calls_of(&self.state)
            .running(building)
            .await
        {
            Ok(r) => r,
            Err(AppError::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e.into()),
        };
        let ids = running.topology.groups().iter().map(|g| g.id.as_str());
        let Some(group) = group_no::id_of(ids, &group_no).map(str::to_string) else {
            return Err(WsError::new(
                404,
                format!(
                    "unknown group {group_no:?} in {building_text} (groups are numbered from 1)"
                ),
            ));
        };
        Ok(Target {
            building,
            building_text: building_text.to_string(),
            group,
            group_no,
            running,
        })
    }

    /// The connection ended: its own subscriptions end; a session's go on
    /// (publishing into its memory) until resumed or forgotten.
    fn closed(self) {
        for p in &self.private {
            p.end_subscriptions();
        }
        match &self.session {
            Some(s) => s.detach(&self.id),
            None => self.outlet.end_subscriptions(),
        }
    }
}

/// A field of a JSON object, `null` counting as missing.
pub fn field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name).filter(|v| !v.is_null())
}

/// The `payload` object of a request (400 if missing or not an object).
pub fn payload(m: &Map<String, Value>) -> WsResult<&Map<String, Value>> {
    field(m, "payload")
        .and_then(Value::as_object)
        .ok_or_else(|| WsError::bad_request("payload is required (an object)"))
}
