//! The maintenance scheduler, run at start-up and then daily at 02:00 UTC,
//! followed by the inspection certificates' renewal notices and the
//! on-site playbooks' review reminders.
//! A named database lease lets one node run it at a time; the run itself is
//! idempotent besides.

use chrono::{Duration, Utc};
use hoistway_app::state::AppState;
use hoistway_store::leases::try_acquire;
use hoistway_store::maintenance::certificates::notify_expiring;
use hoistway_store::maintenance::scheduler::run_scheduler;
use hoistway_store::playbooks::notify_review_due;
use hoistway_store::Actor;

/// How far ahead visits are planned: 13 months.
pub const MAINTENANCE_HORIZON_DAYS: i64 = 396;

/// Time until the next daily run at 02:00 UTC after `now`.
pub fn until_next_run(now: chrono::DateTime<Utc>) -> std::time::Duration {
    let today_2am = now
        .date_naive()
        .and_hms_opt(2, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let next = if now < today_2am {
        today_2am
    } else {
        today_2am + Duration::days(1)
    };
    (next - now)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(3600))
}

/// Spawns the daily maintenance scheduler; it runs once at once.
pub fn spawn_maintenance_scheduler(state: AppState) -> tokio::task::JoinHandle<()> {
    let holder = hoistway_app::state::lease_holder();
    tokio::spawn(async move {
        loop {
            let now = state.clock.now();
            match try_acquire(
                &state.db,
                "maintenance-scheduler",
                &holder,
                now,
                Duration::hours(1),
            )
            .await
            {
                Ok(true) => {
                    match run_scheduler(&state.db, state.clock.as_ref(), MAINTENANCE_HORIZON_DAYS)
                        .await
                    {
                        Ok(summary) => tracing::info!(?summary, "maintenance scheduler run"),
                        Err(e) => tracing::error!(error = %e, "maintenance scheduler failed"),
                    }
                    let now = state.clock.now();
                    let actor = Actor {
                        user_id: None,
                        at: now,
                    };
                    match notify_expiring(&state.db, actor, now.date_naive()).await {
                        Ok(n) => tracing::info!(notices = n, "certificate renewal notices"),
                        Err(e) => tracing::error!(error = %e, "certificate notices failed"),
                    }
                    match notify_review_due(&state.db, actor, now.date_naive()).await {
                        Ok(n) => tracing::info!(notices = n, "playbook review notices"),
                        Err(e) => tracing::error!(error = %e, "playbook review notices failed"),
                    }
                }
                Ok(false) => tracing::debug!("maintenance scheduler runs on another node"),
                Err(e) => tracing::error!(error = %e, "maintenance scheduler lease failed"),
            }
            tokio::time::sleep(until_next_run(state.clock.now())).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn next_run_is_the_coming_2am() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
        assert_eq!(until_next_run(at(1)).as_secs(), 3600);
        assert_eq!(until_next_run(at(2)).as_secs(), 24 * 3600);
        assert_eq!(until_next_run(at(20)).as_secs(), 6 * 3600);
    }
}
