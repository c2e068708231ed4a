//! Duplicate detection by `(unit, seq)` that tolerates reordering.
//!
//! MQTT QoS 1 redelivers, and devices retry HTTP batches, so the same event
//! can arrive twice and out of order. Each unit keeps a sliding bitmap of the
//! last [`SeqWindow::SPAN`] sequence numbers at and below the highest seen:
//! O(1) per check, 136 bytes per unit, no allocation.

use serde::Serialize;

/// What the window says about one sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeqVerdict {
    /// First time seen: process it.
    New,
    /// Seen before: drop it.
    Duplicate,
    /// So far below the highest seen that the window no longer remembers it.
    /// Treated as a duplicate (dropping a rare very late event is safer than
    /// double-counting), but reported apart so the server can count it; a
    /// device that reset its counter shows up here, see [`SeqWindow::reset`].
    TooOld,
}

const WORDS: usize = 16;

/// Per-unit sliding window of seen sequence numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeqWindow {
    /// Highest sequence number seen, or `None` before the first event.
    high: Option<u64>,
    /// Bit `s % SPAN` is set when `s` in `(high - SPAN, high]` was seen.
    bits: [u64; WORDS],
}

impl SeqWindow {
    /// How far below the highest sequence number reordering is tolerated.
    pub const SPAN: u64 = (WORDS * 64) as u64;

    pub fn new() -> Self {
        Self::default()
    }

    /// Highest sequence number accepted so far.
    pub fn high(&self) -> Option<u64> {
        self.high
    }

    fn bit(seq: u64) -> (usize, u64) {
        let i = (seq % Self::SPAN) as usize;
        (i / 64, 1u64 << (i % 64))
    }

    fn clear(&mut self, seq: u64) {
        let (w, m) = Self::bit(seq);
        self.bits[w] &= !m;
    }

    /// Checks `seq` and, when new, remembers it.
    pub fn check_and_mark(&mut self, seq: u64) -> SeqVerdict {
        let Some(high) = self.high else {
            self.high = Some(seq);
            let (w, m) = Self::bit(seq);
            self.bits[w] |= m;
            return SeqVerdict::New;
        };
        if seq > high {
            // Slots for the numbers entering the window held numbers SPAN
            // lower, which now leave it; forget them.
            if seq - high >= Self::SPAN {
                self.bits = [0; WORDS];
            } else {
                for s in high + 1..seq {
                    self.clear(s);
                }
            }
            self.high = Some(seq);
            let (w, m) = Self::bit(seq);
            self.bits[w] |= m;
            return SeqVerdict::New;
        }
        if high - seq >= Self::SPAN {
            return SeqVerdict::TooOld;
        }
        let (w, m) = Self::bit(seq);
        if self.bits[w] & m != 0 {
            SeqVerdict::Duplicate
        } else {
            self.bits[w] |= m;
            SeqVerdict::New
        }
    }

    /// Forgets everything, for a device known to have restarted its counter
    /// (e.g. after a controller replacement recorded by a technician).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn in_order_and_duplicates() {
        let mut w = SeqWindow::new();
        assert_eq!(w.check_and_mark(10), SeqVerdict::New);
        assert_eq!(w.check_and_mark(11), SeqVerdict::New);
        assert_eq!(w.check_and_mark(11), SeqVerdict::Duplicate);
        assert_eq!(w.check_and_mark(10), SeqVerdict::Duplicate);
    }

    #[test]
    fn accepts_out_of_order_within_window() {
        let mut w = SeqWindow::new();
        assert_eq!(w.check_and_mark(100), SeqVerdict::New);
        assert_eq!(w.check_and_mark(105), SeqVerdict::New);
        for s in [103, 101, 104, 102] {
            assert_eq!(w.check_and_mark(s), SeqVerdict::New, "{s}");
        }
        for s in 100..=105 {
            assert_eq!(w.check_and_mark(s), SeqVerdict::Duplicate, "{s}");
        }
        // Below the first seen but inside the window is still new.
        assert_eq!(w.check_and_mark(50), SeqVerdict::New);
    }

    #[test]
    fn too_old_and_big_jumps() {
        let mut w = SeqWindow::new();
        w.check_and_mark(5000);
        assert_eq!(w.check_and_mark(5000 - SeqWindow::SPAN), SeqVerdict::TooOld);
        assert_eq!(
            w.check_and_mark(5000 - SeqWindow::SPAN + 1),
            SeqVerdict::New
        );
        // A jump wider than the window forgets everything below.
        w.check_and_mark(100_000);
        assert_eq!(w.check_and_mark(100_000 - 1), SeqVerdict::New);
        w.reset();
        assert_eq!(w.check_and_mark(1), SeqVerdict::New);
    }

    #[test]
    fn stays_small() {
        assert!(std::mem::size_of::<SeqWindow>() <= 144);
    }

    proptest! {
        /// Against a reference set: any sequence within the window is judged
        /// exactly as a perfect memory would judge it.
        #[test]
        fn matches_reference(seqs in proptest::collection::vec(0u64..3000, 1..400)) {
            let mut w = SeqWindow::new();
            let mut seen = HashSet::new();
            let mut high = 0u64;
            for s in seqs {
                let v = w.check_and_mark(s);
                let first = seen.is_empty();
                if !first && s + SeqWindow::SPAN <= high {
                    prop_assert_eq!(v, SeqVerdict::TooOld);
                    continue;
                }
                let expect = if seen.insert(s) { SeqVerdict::New } else { SeqVerdict::Duplicate };
                prop_assert_eq!(v, expect);
                high = high.max(s);
            }
        }
    }
}
