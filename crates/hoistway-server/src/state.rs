//! What every handler shares: the database, the clock, settings, metrics,
//! service-desk rules, the live event hub, the remote-call service and the
//! connected-equipment pipeline.

use crate::connected::{ConnectedSettings, Pipeline};
use crate::live::Live;
use crate::metrics::Metrics;
use crate::remote::RemoteCalls;
use crate::throttle::Throttle;
use hoistway_domain::Clock;
use hoistway_store::cases::Rules;
use hoistway_store::{Actor, Db};
use std::sync::Arc;

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
    /// Remote call: lift drivers per building, live calls, counters.
    pub remote: Arc<RemoteCalls>,
    /// Telemetry ingest and the in-process analytics engine.
    pub connected: Arc<Pipeline>,
    /// HMAC key of the KONE-compatible API's access tokens.
    pub api_token_key: Arc<Vec<u8>>,
    /// Single-use limited tokens already used (this node).
    pub api_tokens_used: Arc<crate::kone::token::UsedTokens>,
    /// Sessions of the Elevator WebSocket API (this node, in memory).
    pub kone_sessions: Arc<crate::kone::ws::session::Sessions>,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let remote = RemoteCalls::twin(
            db.clone(),
            clock.clone(),
            hoistway_lift::TwinOptions::default(),
        );
        let api_token_key = crate::kone::token::signing_key(settings.api_token_secret.as_deref());
        Self {
            api_token_key: Arc::new(api_token_key),
            api_tokens_used: Arc::default(),
            kone_sessions: Arc::default(),
            remote: Arc::new(remote),
            db,
            clock,
            connected: Arc::new(Pipeline::new(settings.connected.clone())),
            settings: Arc::new(settings),
            throttle: Arc::new(Throttle::default()),
            metrics: Arc::new(Metrics::new()),
            desk: Arc::new(Rules::default()),
            live: Live::default(),
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
