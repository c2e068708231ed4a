//! Call counters, batched in memory and added to the database by a flusher
//! (every second, and before they are read), so placing a call costs no
//! write. A crash loses at most the last second of counts: they are
//! statistics, not records.

use chrono::{DateTime, Utc};
use hoistway_store::{call_counters, Db, StoreError};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Counters {
    /// (building, customer, counter) → amount not yet written.
    pending: Mutex<HashMap<(i64, i64, &'static str), i64>>,
}

impl Counters {
    pub fn add(&self, building: i64, customer: i64, counter: &'static str) {
        *self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((building, customer, counter))
            .or_default() += 1;
    }

    /// Writes what is pending; on failure it is put back for the next try.
    pub async fn flush(&self, db: &Db, at: DateTime<Utc>) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        let mut by_building: HashMap<(i64, i64), Vec<(&'static str, i64)>> = HashMap::new();
        for ((b, c, name), n) in pending {
            by_building.entry((b, c)).or_default().push((name, n));
        }
        let mut first_error = None;
        for ((b, c), deltas) in by_building {
            if let Err(e) = call_counters::add(db, b, c, &deltas, at).await {
                let mut p = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                for (name, n) in deltas {
                    *p.entry((b, c, name)).or_default() += n;
                }
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
