//! A fixed-size bit set of floor indices.
//!
//! The dispatcher asks "any request above floor f?", "lowest request above
//! f?" many times per event; on four machine words those are a few
//! instructions and no allocation.

use crate::building::MAX_FLOORS;

const WORDS: usize = MAX_FLOORS / 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FloorSet([u64; WORDS]);

impl FloorSet {
    pub fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }

    pub fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn union(self, o: Self) -> Self {
        let mut out = self;
        for (a, b) in out.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        out
    }

    /// Smallest member strictly greater than `i`.
    pub fn lowest_above(&self, i: usize) -> Option<usize> {
        let start = i + 1;
        if start >= MAX_FLOORS {
            return None;
        }
        let (mut w, b) = (start / 64, start % 64);
        let mut word = self.0[w] & (!0u64 << b);
        loop {
            if word != 0 {
                return Some(w * 64 + word.trailing_zeros() as usize);
            }
            w += 1;
            if w == WORDS {
                return None;
            }
            word = self.0[w];
        }
    }

    /// Largest member strictly smaller than `i`.
    pub fn highest_below(&self, i: usize) -> Option<usize> {
        if i == 0 {
            return None;
        }
        let end = i - 1;
        let (mut w, b) = (end / 64, end % 64);
        let mut word = self.0[w] & (!0u64 >> (63 - b));
        loop {
            if word != 0 {
                return Some(w * 64 + 63 - word.leading_zeros() as usize);
            }
            if w == 0 {
                return None;
            }
            w -= 1;
            word = self.0[w];
        }
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let first = if self.contains(0) {
            Some(0)
        } else {
            self.lowest_above(0)
        };
        std::iter::successors(first, move |&i| self.lowest_above(i))
    }

    pub fn highest_above(&self, i: usize) -> Option<usize> {
        self.highest_below(MAX_FLOORS).filter(|&h| h > i)
    }

    pub fn lowest_below(&self, i: usize) -> Option<usize> {
        self.lowest_above_or_at(0).filter(|&l| l < i)
    }

    fn lowest_above_or_at(&self, i: usize) -> Option<usize> {
        if self.contains(i) {
            Some(i)
        } else {
            self.lowest_above(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn queries_match_a_naive_scan(members in proptest::collection::btree_set(0usize..MAX_FLOORS, 0..20), probe in 0usize..MAX_FLOORS) {
            let mut s = FloorSet::default();
            for &m in &members { s.insert(m); }
            prop_assert_eq!(s.lowest_above(probe), members.range(probe + 1..).next().copied());
            prop_assert_eq!(s.highest_below(probe), members.range(..probe).next_back().copied());
            prop_assert_eq!(s.highest_above(probe), members.iter().next_back().copied().filter(|&h| h > probe));
            prop_assert_eq!(s.lowest_below(probe), members.iter().next().copied().filter(|&l| l < probe));
            prop_assert_eq!(s == FloorSet::default(), members.is_empty());
            prop_assert_eq!(s.iter().collect::<Vec<_>>(), members.iter().copied().collect::<Vec<_>>());
            for &m in &members { s.remove(m); }
            prop_assert_eq!(s, FloorSet::default());
        }
    }
}
