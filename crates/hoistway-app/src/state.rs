//! What every handler shares: the database, the clock, settings, metrics,
//! service-desk rules, the live event hub, and each capability's own
//! process-wide state ([`Capabilities`]).

use crate::live::Live;
use crate::metrics::Metrics;
use crate::throttle::Throttle;
use hoistway_domain::Clock;
use hoistway_store::cases::Rules;
use hoistway_store::{Actor, Db};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Settings of the HTTP edge.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a sign-in lasts.
    pub session_ttl: chrono::Duration,
    /// Treat every request as HTTPS: `Secure` cookies and HSTS (behind a
    /// TLS-terminating proxy that sends no `X-Forwarded-Proto`). Requests of
    /// the TLS listener are always treated so (see [`crate::transport`]).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto`
    /// are believed (addresses or networks).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// Connected equipment: offline threshold, retention, command timeout.
    pub connected: ConnectedSettings,
    /// Key that signs access tokens of the KONE-compatible API. Unset: a
    /// random key per start (tokens then die with the process and are not
    /// valid on other nodes; set it when running several nodes).
    pub api_token_secret: Option<String>,
    /// Lifetime of those access tokens (`expires_in`).
    pub api_token_ttl: chrono::Duration,
    /// The Elevator WebSocket API closes a connection (code 1000) after
    /// this long without a frame from the client.
    pub ws_idle_timeout: std::time::Duration,
    /// ... and after this long in any case (the real service allows two
    /// hours per connection; clients reconnect and resume their session).
    pub ws_max_lifetime: std::time::Duration,
    /// Header and body read timeouts, open connections per listener.
    pub limits: crate::listen::Limits,
    /// Web Push: the VAPID key and contact, which endpoints are accepted.
    pub web_push: crate::web_push::WebPushSettings,
    /// Outgoing webhooks: whether plain-HTTP and non-public endpoints are
    /// accepted (tests and the demo only).
    pub webhooks: crate::webhook_url::WebhookSettings,
    /// Where people reach this server (`https://service.example.com`), for
    /// links in letters sent outside a request (satisfaction surveys).
    /// Unset: such letters carry the path only.
    pub public_url: Option<String>,
    /// E-mail intake: the bearer token the mail relay posts messages with
    /// (unset: `POST /api/v1/inbound-email` is off) and the address people
    /// write to, shown on the request form.
    pub inbound_email: Option<InboundEmail>,
}

/// Where and how non-urgent requests arrive by e-mail.
#[derive(Debug, Clone)]
pub struct InboundEmail {
    pub token: String,
    pub address: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_ttl: chrono::Duration::hours(12),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            body_limit: 1024 * 1024,
            connected: ConnectedSettings::default(),
            api_token_secret: None,
            api_token_ttl: chrono::Duration::hours(1),
            // As the real service documents.
            ws_idle_timeout: std::time::Duration::from_secs(60),
            ws_max_lifetime: std::time::Duration::from_secs(2 * 60 * 60),
            limits: crate::listen::Limits::default(),
            web_push: crate::web_push::WebPushSettings::default(),
            webhooks: crate::webhook_url::WebhookSettings::default(),
            public_url: None,
            inbound_email: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub throttle: Arc<Throttle>,
    pub metrics: Arc<Metrics>,
    /// Service-desk rules: SLA policies per tier, escalation policy.
    pub desk: Arc<Rules>,
    /// Live events for the portal's server-sent-event stream.
    pub live: Live,
    /// Each capability's own state: the connected pipeline, remote call,
    /// the KONE surface's keys and sessions.
    pub capabilities: Capabilities,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            db,
            clock,
            settings: Arc::new(settings),
            throttle: Arc::new(Throttle::default()),
            metrics: Arc::new(Metrics::new()),
            desk: Arc::new(Rules::default()),
            live: Live::default(),
            capabilities: Capabilities::default(),
        }
    }

    /// The system acting now (no signed-in user).
    pub fn system_actor(&self) -> Actor {
        Actor {
            user_id: None,
            at: self.clock.now(),
        }
    }
}

/// A name for this node in leases (timers, outbox rows, daily jobs).
pub fn lease_holder() -> String {
    format!("node-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

/// Process-wide state a capability keeps for itself, one value per type:
/// the connected pipeline, the remote-call service, the KONE surface's
/// token key and sessions. The core does not know these types; each
/// capability crate reaches its own value through one accessor of its own
/// (`hoistway_connected::pipeline`, `hoistway_remote::calls`, ...), so
/// dependencies keep running from the capabilities to the core. Clones of
/// an [`AppState`] share the values.
#[derive(Clone, Default)]
pub struct Capabilities(Arc<RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>);

impl Capabilities {
    /// The value of type `T`, made by `init` on first use.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        if let Some(v) = self.get::<T>() {
            return v;
        }
        // Made outside the lock: an `init` that reads another capability
        // must not deadlock. Two racing first uses keep the first insert.
        let made: Arc<dyn Any + Send + Sync> = Arc::new(init());
        let mut slots = self.0.write().unwrap_or_else(|p| p.into_inner());
        let v = slots.entry(TypeId::of::<T>()).or_insert(made).clone();
        v.downcast::<T>()
            .expect("a slot holds a value of its own type")
    }

    /// The value of type `T`, if it was made or provided.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let slots = self.0.read().unwrap_or_else(|p| p.into_inner());
        slots
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|v| v.downcast::<T>().ok())
    }

    /// Sets the value of type `T` (a test's own driver, say), replacing
    /// any earlier one.
    pub fn provide<T: Any + Send + Sync>(&self, value: T) -> Arc<T> {
        let v = Arc::new(value);
        let mut slots = self.0.write().unwrap_or_else(|p| p.into_inner());
        slots.insert(TypeId::of::<T>(), v.clone());
        v
    }
}

/// Tunables of connected equipment.
#[derive(Debug, Clone)]
pub struct ConnectedSettings {
    /// Without events for this long a unit is "lost": mode unknown, not available.
    pub offline_after: chrono::Duration,
    /// Raw events and dead letters older than this are deleted.
    pub retention: chrono::Duration,
    /// A remote command without an acknowledgement by then times out.
    pub command_timeout: chrono::Duration,
    /// Largest accepted telemetry batch, bytes.
    pub ingest_body_limit: usize,
    /// Failure-risk model loaded at start (`serve --risk-model FILE`, as
    /// written by `hoistway train`); `None` keeps the shipped model.
    pub risk_model: Option<hoistway_analytics::risk::Model>,
    /// Events dated more than this before the server's clock are dead
    /// letters (a device with a reset clock sends 1970; buffered events
    /// of a device offline for days are still taken).
    pub accept_behind: chrono::Duration,
    /// ... and more than this after it (an event dated 2099 would keep a
    /// unit `online` until 2099). The demo widens it: its twin's clock
    /// runs ahead at `--speed`.
    pub accept_ahead: chrono::Duration,
}

impl Default for ConnectedSettings {
    fn default() -> Self {
        Self {
            offline_after: chrono::Duration::minutes(10),
            retention: chrono::Duration::days(30),
            command_timeout: chrono::Duration::seconds(60),
            ingest_body_limit: 8 * 1024 * 1024,
            risk_model: None,
            accept_behind: chrono::Duration::days(30),
            accept_ahead: chrono::Duration::minutes(5),
        }
    }
}
