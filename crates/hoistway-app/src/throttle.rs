//! Sign-in throttling: after repeated failures for one account or from one
//! address, further attempts are refused for a while. Counts live in memory
//! per node; time comes from the injectable clock.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed per account within the window.
pub const PER_ACCOUNT: u32 = 5;
/// Failures allowed per client address within the window, across
/// accounts. The per-account limit is what stops guessing; this ceiling only
/// stops one address spraying many accounts. It is high because a whole
/// office behind one NAT shares an address: at 20, a few users mistyping
/// locked every sign-in of the building (issue #18).
pub const PER_ADDRESS: u32 = 100;
/// The window, and how long a lock lasts after the last failure.
pub const WINDOW_MINUTES: i64 = 15;

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, DateTime<Utc>)>>,
}

impl Throttle {
    /// Seconds to wait if `key` is locked now.
    pub fn locked_for(&self, key: &str, limit: u32, now: DateTime<Utc>) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, last) = map.get(key)?;
        let until = *last + Duration::minutes(WINDOW_MINUTES);
        (*count >= limit && until > now).then(|| (until - now).num_seconds().max(1) as u64)
    }

    pub fn fail(&self, key: &str, now: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.entry(key.to_string()).or_insert((0, now));
        if now - entry.1 > Duration::minutes(WINDOW_MINUTES) {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.1 = now;
        // Keep memory bounded under a spray of made-up accounts.
        if map.len() > 100_000 {
            map.retain(|_, (_, last)| now - *last <= Duration::minutes(WINDOW_MINUTES));
        }
    }

    pub fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_limit_and_unlocks_after_window() {
        let t = Throttle::default();
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for i in 0..PER_ACCOUNT {
            assert_eq!(
                t.locked_for("a", PER_ACCOUNT, start),
                None,
                "locked after {i}"
            );
            t.fail("a", start);
        }
        assert!(t.locked_for("a", PER_ACCOUNT, start).is_some());
        assert_eq!(t.locked_for("b", PER_ACCOUNT, start), None);
        let later = start + Duration::minutes(WINDOW_MINUTES) + Duration::seconds(1);
        assert_eq!(t.locked_for("a", PER_ACCOUNT, later), None);
        t.clear("a");
        assert_eq!(t.locked_for("a", PER_ACCOUNT, start), None);
    }
}
