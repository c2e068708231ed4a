//! The service desk's loop: SLA timers and notification delivery, every
//! second. Timers and outbox rows are claimed through leases in the
//! database, so each timer fires once and each notification is sent by one
//! node.

use crate::delivery::{deliver_due, Drivers};
use hoistway_app::state::AppState;
use hoistway_store::cases::sla::run_due;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Starts the loops; they run until the runtime shuts down.
pub fn spawn(state: AppState, drivers: Drivers, every: Duration) -> JoinHandle<()> {
    let me = hoistway_app::state::lease_holder();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = state.clock.now();
            match run_due(&state.db, &state.desk, now, &me, 500).await {
                Ok(run) => {
                    for (number, kind) in &run.fired {
                        state.metrics.escalations_sent.inc();
                        tracing::info!(case = %number, %kind, "escalation sent");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "SLA timers failed"),
            }
            deliver_due(&state, &drivers).await;
        }
    })
}
