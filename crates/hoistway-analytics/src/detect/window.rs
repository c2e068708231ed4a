//! "N events in T" counting in a few bytes.
//!
//! The window of length T is cut into `N` buckets of `T / N`; counts live in
//! a ring indexed by bucket number. The count "in the last T" is exact to a
//! bucket: 12 five-minute buckets for an hour, 24 hourly ones for a day.
//! Events older than the window are dropped; reordering within it is fine.

/// Sliding-window counter with `N` buckets of `bucket_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowCounter<const N: usize> {
    /// Bucket number of the newest bucket, [`EMPTY`] before the first add
    /// (a sentinel rather than `Option` saves bytes per counter; an `i32`
    /// bucket number lasts for millennia with 5-minute buckets, and for
    /// 68 years even with 1-second ones).
    head: i32,
    bucket_ms: u32,
    counts: [u16; N],
}

const EMPTY: i32 = i32::MIN;

/// The bucket number of `ts_ms`, saturated to the `i32` range.
fn bucket(ts_ms: i64, bucket_ms: u32) -> i64 {
    ts_ms
        .div_euclid(i64::from(bucket_ms))
        .clamp(i64::from(i32::MIN) + 1, i64::from(i32::MAX))
}

impl<const N: usize> WindowCounter<N> {
    /// A window of `N × bucket_ms`.
    pub fn new(bucket_ms: u32) -> Self {
        Self {
            head: EMPTY,
            bucket_ms: bucket_ms.max(1),
            counts: [0; N],
        }
    }

    fn slot(b: i64) -> usize {
        b.rem_euclid(N as i64) as usize
    }

    /// Adds `n` events at `ts_ms`.
    pub fn add(&mut self, ts_ms: i64, n: u32) {
        let b = bucket(ts_ms, self.bucket_ms);
        if self.head == EMPTY {
            self.head = b as i32;
        }
        let head = i64::from(self.head);
        if b > head {
            let fresh = (b - head).min(N as i64);
            for k in 0..fresh {
                self.counts[Self::slot(b - k)] = 0;
            }
            self.head = b as i32;
        } else if b <= head - N as i64 {
            return;
        }
        let c = &mut self.counts[Self::slot(b)];
        *c = c.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
    }

    /// Events in the window ending at `now_ms`.
    pub fn total(&self, now_ms: i64) -> u32 {
        if self.head == EMPTY {
            return 0;
        }
        let head = i64::from(self.head);
        let now_b = bucket(now_ms, self.bucket_ms);
        (0..N as i64)
            .map(|k| head - k)
            .filter(|&b| b > now_b - N as i64 && b <= now_b)
            .map(|b| u32::from(self.counts[Self::slot(b)]))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn counts_within_the_hour_and_forgets_after() {
        let mut w = WindowCounter::<12>::new(5 * MIN as u32);
        for m in 0..10 {
            w.add(m * 5 * MIN, 2);
        }
        assert_eq!(w.total(50 * MIN), 20);
        // Out of order, still inside the window.
        w.add(3 * MIN, 1);
        assert_eq!(w.total(50 * MIN), 21);
        // An hour later the early buckets have left the window.
        assert_eq!(w.total(60 * MIN), 21 - 2 - 1);
        assert_eq!(w.total(200 * MIN), 0);
        w.add(200 * MIN, 1);
        assert_eq!(w.total(200 * MIN), 1);
        // Too old to count.
        w.add(100 * MIN, 5);
        assert_eq!(w.total(200 * MIN), 1);
    }
}
