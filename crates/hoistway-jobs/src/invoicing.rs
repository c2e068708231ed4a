//! Invoicing from contracts, hourly: each contract's due billing periods
//! are invoiced and the issued and overdue notices queued
//! (`hoistway_store::invoicing`). A named database lease lets one node run
//! it at a time; the run is idempotent besides.

use chrono::Duration;
use hoistway_app::state::AppState;
use hoistway_store::invoicing::{issue_due, InvoicingRun};
use hoistway_store::leases::try_acquire;
use hoistway_store::{Actor, StoreError};

/// How far back a run catches up on periods nobody invoiced (a node down
/// for a while); older periods belong to whatever billed before.
pub const CATCH_UP_DAYS: i64 = 62;

/// One run at the clock's today.
pub async fn run(state: &AppState) -> Result<InvoicingRun, StoreError> {
    let now = state.clock.now();
    let today = now.date_naive();
    let actor = Actor {
        user_id: None,
        at: now,
    };
    issue_due(
        &state.db,
        actor,
        today - Duration::days(CATCH_UP_DAYS),
        today,
    )
    .await
}

/// Runs [`run`] at start and then hourly, under the lease `invoicing`.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    let holder = hoistway_app::state::lease_holder();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            let now = state.clock.now();
            match try_acquire(&state.db, "invoicing", &holder, now, Duration::minutes(50)).await {
                Ok(true) => match run(&state).await {
                    Ok(r) => tracing::info!(
                        issued = r.issued.len(),
                        overdue_notices = r.overdue_notices,
                        "invoicing run"
                    ),
                    Err(e) => tracing::error!(error = %e, "invoicing failed"),
                },
                Ok(false) => tracing::debug!("invoicing runs on another node"),
                Err(e) => tracing::error!(error = %e, "invoicing lease failed"),
            }
        }
    })
}
