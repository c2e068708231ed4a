//! The retention job: daily at 03:00 UTC (and once at start), deletes what
//! is older than its kind's retention period
//! ([`hoistway_store::privacy::retention`]). A named lease lets one node
//! run it at a time.

use chrono::Duration;
use hoistway_app::state::AppState;
use hoistway_store::leases::try_acquire;
use hoistway_store::privacy::retention::enforce;

/// Spawns the daily retention run; it runs once at once.
pub fn spawn_retention(state: AppState) -> tokio::task::JoinHandle<()> {
    let holder = hoistway_app::state::lease_holder();
    tokio::spawn(async move {
        loop {
            let now = state.clock.now();
            match try_acquire(&state.db, "retention", &holder, now, Duration::hours(1)).await {
                Ok(true) => match enforce(&state.db, now).await {
                    Ok(run) => tracing::info!(?run, "retention run"),
                    Err(e) => tracing::error!(error = %e, "retention run failed"),
                },
                Ok(false) => tracing::debug!("retention runs on another node"),
                Err(e) => tracing::error!(error = %e, "retention lease failed"),
            }
            // An hour after the maintenance scheduler's 02:00.
            let wait = crate::maintenance::until_next_run(state.clock.now() - Duration::hours(1));
            tokio::time::sleep(wait).await;
        }
    })
}
