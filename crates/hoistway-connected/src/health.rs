//! Whether ingest is failing to store, and since when: read by `/readyz`
//! and written by the store policy ([`crate::store_retry`]).

use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::time::Duration;

/// Failing for longer than this makes ingest "stuck" for readiness.
pub const STUCK_AFTER: Duration = Duration::from_secs(30);

/// Whether ingest is failing to store, and since when.
#[derive(Debug, Default)]
pub struct IngestHealth {
    failing: Mutex<Option<(DateTime<Utc>, String)>>,
}

impl IngestHealth {
    /// Notes a failure; the first one of a run sets the start.
    pub fn failing(&self, now: DateTime<Utc>, error: &str) {
        let mut f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some((now, error.to_string()));
        }
    }

    pub fn recovered(&self) {
        *self.failing.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// How long ingest has been failing, once that is past [`STUCK_AFTER`].
    pub fn stuck_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        let f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        let (since, _) = f.as_ref()?;
        let failing = (now - *since).to_std().unwrap_or_default();
        (failing >= STUCK_AFTER).then_some(failing)
    }
}
