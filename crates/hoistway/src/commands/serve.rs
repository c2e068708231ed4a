//! `hoistway serve`: migrate, then serve until Ctrl-C or SIGTERM, with the
//! connected-equipment jobs and (if configured) the MQTT ingest running.

use crate::cli::{ConnectedArgs, KoneArgs};
use crate::config::{mask_password, Config};
use anyhow::Context;
use hoistway_app::state::{AppState, Settings};
use hoistway_connected::mqtt::{self, MqttConfig};
use hoistway_connected::{jobs, ConnectedSettings};
use hoistway_domain::SystemClock;
use hoistway_store::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

pub async fn run(
    config: &Config,
    bind: Option<String>,
    connected: ConnectedArgs,
    kone: KoneArgs,
) -> anyhow::Result<()> {
    let url = config.database_url_or("hoistway.db")?;
    let db = Db::open(&url)
        .await
        .with_context(|| format!("opening {}", mask_password(&url)))?;
    // Detached: runs for the life of the process.
    let _ = db.spawn_wal_checkpointer(std::time::Duration::from_secs(1));
    let (listener, addr) = bind_listener(&config.bind_or_default(bind)).await?;
    let tls = bind_tls(&kone).await?;
    tracing::info!(%addr, database = %mask_password(&url), "serving");
    if let Some(t) = &tls {
        tracing::info!(addr = %t.addr, "serving HTTPS");
    }
    let settings = with_ws_limits(
        &kone,
        Settings {
            connected: connected_settings(&connected)?,
            // Set it when several nodes serve the KONE-compatible API, so a
            // token from one node is valid on the others.
            api_token_secret: std::env::var("HOISTWAY_API_TOKEN_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
            // E-mail intake: the relay's token and the address people use.
            inbound_email: std::env::var("HOISTWAY_INBOUND_EMAIL_TOKEN")
                .ok()
                .filter(|t| !t.is_empty())
                .map(|token| hoistway_app::state::InboundEmail {
                    token,
                    address: std::env::var("HOISTWAY_INBOUND_EMAIL_ADDRESS").unwrap_or_default(),
                }),
            // Links in letters sent outside a request (surveys).
            public_url: std::env::var("HOISTWAY_PUBLIC_URL")
                .ok()
                .filter(|s| !s.is_empty()),
            webhooks: hoistway_app::webhook_url::WebhookSettings {
                allow_private: config.webhook_allow_private,
            },
            ..Settings::default()
        },
    )?;
    let mut state = AppState::new(db, Arc::new(SystemClock), settings);
    state.desk = Arc::new(config.desk.clone());
    start_jobs(config, &state)?;
    let scheduler = hoistway_jobs::spawn_maintenance_scheduler(state.clone());
    let tasks = start_connected(&state, &connected)?;
    let result = serve_both(listener, tls, state).await;
    for t in tasks {
        t.abort();
    }
    scheduler.abort();
    result?;
    Ok(())
}

/// The HTTPS listener of `--tls-cert`/`--tls-key`, bound and loaded.
pub struct Tls {
    pub listener: tokio::net::TcpListener,
    pub addr: std::net::SocketAddr,
    pub config: hoistway_server::tls::RustlsConfig,
}

pub async fn bind_tls(kone: &KoneArgs) -> anyhow::Result<Option<Tls>> {
    let (Some(cert), Some(key)) = (&kone.tls_cert, &kone.tls_key) else {
        return Ok(None);
    };
    let config = hoistway_server::tls::config(cert, key)
        .await
        .with_context(|| format!("loading {} and {}", cert.display(), key.display()))?;
    let (listener, addr) = bind_listener(&kone.tls_bind).await?;
    Ok(Some(Tls {
        listener,
        addr,
        config,
    }))
}

/// `settings` with the WebSocket idle timeout and maximum lifetime of
/// `kone`, each checked to lie in (0, 86400] seconds, and the reverse-proxy
/// settings of the environment.
pub fn with_ws_limits(kone: &KoneArgs, settings: Settings) -> anyhow::Result<Settings> {
    let seconds = |value: f64, flag: &str| {
        anyhow::ensure!(
            value.is_finite() && value > 0.0 && value <= 86_400.0,
            "{flag} must be between 0 and 86400 seconds"
        );
        Ok(Duration::from_secs_f64(value))
    };
    // Behind a reverse proxy: which proxies' X-Forwarded-For/-Proto to
    // believe, and whether to treat every request as HTTPS.
    let trusted_proxies = match std::env::var("HOISTWAY_TRUSTED_PROXIES") {
        Ok(text) => hoistway_app::transport::parse_proxies(&text)
            .map_err(|e| anyhow::anyhow!("HOISTWAY_TRUSTED_PROXIES: {e}"))?,
        Err(_) => Vec::new(),
    };
    let secure_cookies = std::env::var("HOISTWAY_SECURE_COOKIES")
        .is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
    // Web Push: a fixed VAPID key keeps browsers subscribed across a
    // database restore; unset, the key is made once and kept in the database.
    let web_push = hoistway_app::web_push::WebPushSettings {
        vapid_private_key: std::env::var("HOISTWAY_VAPID_PRIVATE_KEY")
            .ok()
            .filter(|s| !s.is_empty()),
        subject: std::env::var("HOISTWAY_VAPID_SUBJECT").unwrap_or_default(),
        ..settings.web_push.clone()
    };
    if let Some(key) = &web_push.vapid_private_key {
        hoistway_app::web_push::VapidKey::from_private(key)
            .map_err(|e| anyhow::anyhow!("HOISTWAY_VAPID_PRIVATE_KEY: {e}"))?;
    }
    Ok(Settings {
        web_push,
        ws_idle_timeout: seconds(kone.ws_idle_timeout, "--ws-idle-timeout")?,
        ws_max_lifetime: seconds(kone.ws_max_lifetime, "--ws-max-lifetime")?,
        trusted_proxies,
        secure_cookies: secure_cookies || settings.secure_cookies,
        ..settings
    })
}

/// Serves plain HTTP on `listener` and, if configured, HTTPS, both until
/// Ctrl-C or SIGTERM.
pub async fn serve_both(
    listener: tokio::net::TcpListener,
    tls: Option<Tls>,
    state: AppState,
) -> anyhow::Result<()> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let https = tls.map(|t| {
        tokio::spawn(hoistway_server::tls::run(
            t.listener,
            state.clone(),
            t.config,
            stopped(rx.clone()),
        ))
    });
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = tx.send(true);
    });
    let plain = hoistway_server::run(listener, state, stopped(rx)).await;
    if let Some(h) = https {
        h.await.context("HTTPS server task")??;
    }
    plain?;
    Ok(())
}

/// Starts SLA timers, notification delivery, invoicing and retention for
/// this node.
pub fn start_jobs(config: &Config, state: &AppState) -> anyhow::Result<()> {
    let drivers = hoistway_jobs::delivery::Drivers::new(&config.delivery)
        .map_err(|e| anyhow::anyhow!("notification settings: {e}"))?;
    hoistway_jobs::spawn(state.clone(), drivers, std::time::Duration::from_secs(1));
    // Detached like the desk jobs: runs for the life of the process.
    drop(hoistway_jobs::invoicing::spawn(state.clone()));
    drop(hoistway_jobs::spawn_retention(state.clone()));
    // Customers' outgoing webhooks, from their own outbox.
    drop(
        hoistway_jobs::webhooks::spawn(state.clone(), std::time::Duration::from_secs(1))
            .map_err(|e| anyhow::anyhow!("webhook sender: {e}"))?,
    );
    Ok(())
}

pub fn connected_settings(a: &ConnectedArgs) -> anyhow::Result<ConnectedSettings> {
    anyhow::ensure!(a.offline_minutes > 0, "--offline-minutes must be positive");
    anyhow::ensure!(
        a.telemetry_retention_days > 0,
        "--telemetry-retention-days must be positive"
    );
    anyhow::ensure!(
        a.command_timeout_seconds > 0,
        "--command-timeout-seconds must be positive"
    );
    let risk_model = match &a.risk_model {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("reading --risk-model {}", path.display()))?;
            let model = hoistway_analytics::risk::Model::from_json(&json)
                .with_context(|| format!("--risk-model {}", path.display()))?;
            tracing::info!(path = %path.display(), "failure-risk model loaded");
            Some(model)
        }
        None => None,
    };
    Ok(ConnectedSettings {
        risk_model,
        offline_after: chrono::Duration::minutes(a.offline_minutes),
        retention: chrono::Duration::days(a.telemetry_retention_days),
        command_timeout: chrono::Duration::seconds(a.command_timeout_seconds),
        ..ConnectedSettings::default()
    })
}

/// Starts the periodic jobs and, with `--mqtt-url`, the broker connection.
pub fn start_connected(state: &AppState, a: &ConnectedArgs) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut tasks = vec![jobs::spawn(state.clone(), Duration::from_secs(5))];
    if let Some(url) = &a.mqtt_url {
        let client_id = a.mqtt_client_id.clone().unwrap_or_else(default_client_id);
        let mut cfg = MqttConfig::parse(url, &client_id)?;
        if let Some(path) = &a.mqtt_ca {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading --mqtt-ca {}", path.display()))?;
            cfg = cfg
                .trust_only(&pem)
                .with_context(|| format!("--mqtt-ca {}", path.display()))?;
        }
        tracing::info!(broker = %format!("{}:{}", cfg.host, cfg.port), tls = cfg.tls.is_some(), client_id = %cfg.client_id, "MQTT ingest on");
        tasks.extend(mqtt::start(state.clone(), cfg));
    }
    Ok(tasks)
}

fn default_client_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("hoistway-{host}")
}

pub async fn bind_listener(
    bind: &str,
) -> anyhow::Result<(tokio::net::TcpListener, std::net::SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
