//! `hoistway serve`: migrate, then serve until Ctrl-C or SIGTERM.

use crate::config::{mask_password, Config};
use anyhow::Context;
use hoistway_domain::SystemClock;
use hoistway_server::state::{AppState, Settings};
use hoistway_store::Db;
use std::sync::Arc;

pub async fn run(config: &Config, bind: Option<String>) -> anyhow::Result<()> {
    let url = config.database_url_or("hoistway.db")?;
    let db = Db::open(&url)
        .await
        .with_context(|| format!("opening {}", mask_password(&url)))?;
    let (listener, addr) = bind_listener(&config.bind_or_default(bind)).await?;
    tracing::info!(%addr, database = %mask_password(&url), "serving");
    let state = AppState::new(db, Arc::new(SystemClock), Settings::default());
    start_jobs(config, &state)?;
    let scheduler = hoistway_server::jobs::spawn_maintenance_scheduler(state.clone());
    hoistway_server::run(listener, state, shutdown_signal()).await?;
    scheduler.abort();
    Ok(())
}

/// Starts SLA timers and notification delivery for this node.
pub fn start_jobs(config: &Config, state: &AppState) -> anyhow::Result<()> {
    let drivers = hoistway_server::delivery::Drivers::new(&config.delivery)
        .map_err(|e| anyhow::anyhow!("notification settings: {e}"))?;
    hoistway_server::jobs::spawn(state.clone(), drivers, std::time::Duration::from_secs(1));
    Ok(())
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
