//! Sessions of the Elevator WebSocket API (§7.4) and the outlets that
//! carry subscription events to a connection.
//!
//! An [`Outlet`] is where a connection's monitoring subscriptions publish:
//! it forwards to the connection that currently holds it and remembers the
//! latest events for a while. Every connection starts with a private one.
//! `create-session` turns the connection's outlet into a session's;
//! `resume-session` on another connection (of the same application) moves
//! the session's outlet there, closes the connection that held it, and can
//! resend the remembered events of the last N seconds. So subscriptions
//! survive a reconnect, as the contract's `connectWithSession` expects.
//!
//! Sessions live in this node's memory (like live calls): a session is
//! forgotten [`KEEP_DETACHED`] after its last connection went away, and its
//! subscriptions end with it (or earlier, at their `duration`).

use super::Out;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// How long a session without a connection can still be resumed.
pub const KEEP_DETACHED: std::time::Duration = std::time::Duration::from_secs(600);
/// How far back remembered events reach (`resendLatestStateUpToSeconds`
/// is capped by this).
pub const REMEMBER: Duration = Duration::seconds(300);
/// Most events remembered per outlet.
const REMEMBER_MAX: usize = 500;

struct Inner {
    /// The connection (id, sender) events go to now.
    target: Option<(String, mpsc::Sender<Out>)>,
    recent: VecDeque<(DateTime<Utc>, String)>,
    subs: Vec<AbortHandle>,
}

/// Where subscription events go (see the module documentation).
pub struct Outlet {
    inner: Mutex<Inner>,
}

impl Outlet {
    pub fn new(conn: &str, tx: mpsc::Sender<Out>) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                target: Some((conn.to_string(), tx)),
                recent: VecDeque::new(),
                subs: Vec::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends an event to the holding connection (if any) and remembers it.
    /// A connection too slow to take it loses it rather than stalling the
    /// subscription (and every other subscriber of the driver).
    pub fn publish(&self, at: DateTime<Utc>, frame: &Value) {
        let text = frame.to_string();
        let mut inner = self.lock();
        while inner
            .recent
            .front()
            .is_some_and(|(t, _)| *t < at - REMEMBER)
            || inner.recent.len() >= REMEMBER_MAX
        {
            inner.recent.pop_front();
        }
        inner.recent.push_back((at, text.clone()));
        if let Some((conn, tx)) = &inner.target {
            if tx.try_send(Out::Frame(text)).is_err() {
                tracing::debug!(connection = %conn, "monitoring event dropped: client not reading");
            }
        }
    }

    /// Events remembered since `since`, oldest first.
    pub fn recent_since(&self, since: DateTime<Utc>) -> Vec<String> {
        self.lock()
            .recent
            .iter()
            .filter(|(t, _)| *t >= since)
            .map(|(_, f)| f.clone())
            .collect()
    }

    /// Makes `conn` the holder; returns the previous holder.
    pub fn attach(&self, conn: &str, tx: mpsc::Sender<Out>) -> Option<(String, mpsc::Sender<Out>)> {
        self.lock().target.replace((conn.to_string(), tx))
    }

    /// `conn` went away: stop forwarding to it (if it still holds this).
    pub fn detach(&self, conn: &str) {
        let mut inner = self.lock();
        if inner.target.as_ref().is_some_and(|(c, _)| c == conn) {
            inner.target = None;
        }
    }

    pub fn holder(&self) -> Option<String> {
        self.lock().target.as_ref().map(|(c, _)| c.clone())
    }

    pub fn add_subscription(&self, h: AbortHandle) {
        let mut inner = self.lock();
        inner.subs.retain(|h| !h.is_finished());
        inner.subs.push(h);
    }

    /// Ends every subscription publishing here.
    pub fn end_subscriptions(&self) {
        for h in self.lock().subs.drain(..) {
            h.abort();
        }
    }
}

/// A session: its id, the application it belongs to and its outlet.
pub struct Session {
    pub id: String,
    pub app: i64,
    pub outlet: Arc<Outlet>,
    detached_since: Mutex<Option<Instant>>,
}

impl Session {
    /// Its connection went away.
    pub fn detach(&self, conn: &str) {
        self.outlet.detach(conn);
        if self.outlet.holder().is_none() {
            *self
                .detached_since
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        }
    }

    fn attached(&self) {
        *self
            .detached_since
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn expired(&self, now: Instant) -> bool {
        self.detached_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|t| now.duration_since(t) > KEEP_DETACHED)
    }
}

/// The node's sessions, by id.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Arc<Session>>>,
}

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets sessions detached for longer than [`KEEP_DETACHED`].
    fn sweep(map: &mut HashMap<String, Arc<Session>>) {
        let now = Instant::now();
        map.retain(|_, s| {
            let keep = !s.expired(now);
            if !keep {
                s.outlet.end_subscriptions();
            }
            keep
        });
    }

    /// A new session of application `app` on `outlet`.
    pub fn create(&self, app: i64, outlet: Arc<Outlet>) -> Arc<Session> {
        let s = Arc::new(Session {
            id: super::frames::uuid(),
            app,
            outlet,
            detached_since: Mutex::new(None),
        });
        let mut map = self.lock();
        Self::sweep(&mut map);
        map.insert(s.id.clone(), s.clone());
        s
    }

    /// Moves session `id` of application `app` to connection `conn`;
    /// returns the session and the connection that held it before. Another
    /// application's session answers like a missing one.
    pub fn resume(
        &self,
        id: &str,
        app: i64,
        conn: &str,
        tx: mpsc::Sender<Out>,
    ) -> Option<(Arc<Session>, Option<mpsc::Sender<Out>>)> {
        let mut map = self.lock();
        Self::sweep(&mut map);
        let s = map.get(id).filter(|s| s.app == app)?.clone();
        let previous = s.outlet.attach(conn, tx).map(|(_, tx)| tx);
        s.attached();
        Some((s, previous))
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl super::Conn {
    /// `create-session`: a new session on this connection (any token).
    pub fn create_session(&mut self, request_id: &Value) -> Value {
        let outlet = match &self.session {
            // A second session on one connection starts with nothing.
            Some(old) => {
                old.detach(&self.id);
                Outlet::new(&self.id, self.tx.clone())
            }
            None => self.outlet.clone(),
        };
        let s = crate::shared_of(&self.state)
            .sessions
            .create(self.caller.client.id, outlet.clone());
        self.outlet = outlet;
        let data = serde_json::json!({ "sessionId": s.id });
        self.session = Some(s);
        super::frames::session_ok(&self.id, request_id, data)
    }

    /// `resume-session`: takes the session over from whichever connection
    /// held it (closed), then resends the events of the last
    /// `resendLatestStateUpToSeconds` (if asked). The answer never carries
    /// `sessionId` (R4).
    pub fn resume_session(
        &mut self,
        m: &serde_json::Map<String, Value>,
        request_id: &Value,
    ) -> Vec<Value> {
        let err = |status, msg: &str| {
            vec![super::frames::session_error(
                &self.id, request_id, status, msg,
            )]
        };
        let Some(id) = m.get("sessionId").and_then(Value::as_str) else {
            return err(400, "sessionId is required");
        };
        let resend = match m.get("resendLatestStateUpToSeconds") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64().filter(|n| (0..=86_400).contains(n)) {
                Some(n) => Some(n),
                None => {
                    return err(
                        400,
                        "resendLatestStateUpToSeconds must be a number of seconds",
                    )
                }
            },
        };
        if self.session.as_ref().is_some_and(|s| s.id == id) {
            return err(400, "this connection already holds the session");
        }
        let Some((s, previous)) = crate::shared_of(&self.state).sessions.resume(
            id,
            self.caller.client.id,
            &self.id,
            self.tx.clone(),
        ) else {
            return err(404, "Invalid session id");
        };
        if let Some(prev) = previous {
            // The real service closes any other connection of the session.
            let _ = prev.try_send(super::Out::Close(1000, "session resumed elsewhere"));
        }
        match self.session.take() {
            Some(old) => old.detach(&self.id),
            None => self.private.push(self.outlet.clone()),
        }
        self.outlet = s.outlet.clone();
        self.session = Some(s.clone());
        let mut out = vec![super::frames::session_ok(
            &self.id,
            request_id,
            serde_json::json!({}),
        )];
        if let Some(n) = resend {
            let since = self.state.clock.now() - Duration::seconds(n).min(REMEMBER);
            out.extend(
                s.outlet
                    .recent_since(since)
                    .into_iter()
                    .filter_map(|f| serde_json::from_str(&f).ok()),
            );
        }
        out
    }
}
