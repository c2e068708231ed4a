//! How much a unit is used: starts since its last service and its recent
//! rate, from daily start counts (the telemetry rollups). The scheduler takes
//! these two numbers, not the rollups, so it does not care where they come from.

use chrono::NaiveDate;

/// How many recent days the rate is averaged over.
pub const RATE_WINDOW_DAYS: i64 = 28;

/// A unit's use as the scheduler needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Starts counted since the last preventive visit (or the plan's base date).
    pub starts_since_base: u64,
    /// Recent starts per day; zero when the unit is not connected or silent.
    pub starts_per_day: f64,
}

impl Usage {
    /// Builds usage from `(day, starts)` counts: starts on or after `base`
    /// and before `today`, and the average over the [`RATE_WINDOW_DAYS`]
    /// before `today` (days without a count count as zero, so a unit that
    /// went silent slows down rather than keeping an old rate).
    pub fn from_daily(days: &[(NaiveDate, u64)], base: NaiveDate, today: NaiveDate) -> Usage {
        let window_start = today - chrono::Duration::days(RATE_WINDOW_DAYS);
        let mut since = 0u64;
        let mut recent = 0u64;
        for (day, starts) in days {
            if *day >= today {
                continue;
            }
            if *day >= base {
                since = since.saturating_add(*starts);
            }
            if *day >= window_start {
                recent = recent.saturating_add(*starts);
            }
        }
        Usage {
            starts_since_base: since,
            starts_per_day: recent as f64 / RATE_WINDOW_DAYS as f64,
        }
    }

    /// Days from `today` until `interval_starts` are reached at the current
    /// rate, or `None` when the rate is zero (the use trigger cannot fire).
    pub fn days_until(&self, interval_starts: u64) -> Option<i64> {
        if self.starts_per_day <= 0.0 || !self.starts_per_day.is_finite() {
            return None;
        }
        let left = interval_starts.saturating_sub(self.starts_since_base) as f64;
        Some((left / self.starts_per_day).ceil() as i64)
    }

    /// Days one full use interval takes at the current rate.
    pub fn interval_days(&self, interval_starts: u64) -> Option<i64> {
        if self.starts_per_day <= 0.0 || !self.starts_per_day.is_finite() {
            return None;
        }
        Some(((interval_starts as f64 / self.starts_per_day).ceil() as i64).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn counts_since_base_and_rate_over_window() {
        let days: Vec<(NaiveDate, u64)> = (1..=30).map(|i| (d(1, i), 100)).collect();
        let u = Usage::from_daily(&days, d(1, 21), d(1, 31));
        assert_eq!(u.starts_since_base, 1000);
        assert!((u.starts_per_day - 100.0).abs() < 1e-9);
        assert_eq!(u.days_until(1500), Some(5));
        assert_eq!(u.days_until(900), Some(0), "already past: due now");
        assert_eq!(u.interval_days(1500), Some(15));
        // Today's partial count is not used.
        let u2 = Usage::from_daily(&[(d(1, 31), 5000)], d(1, 1), d(1, 31));
        assert_eq!(u2, Usage::default());
        assert_eq!(u2.days_until(10), None);
    }
}
