//! Mergeable statistics of levelling (stopping) error.
//!
//! Mean and spread come from sums; the 95th percentile of |error| from a
//! fixed histogram, because exact quantiles cannot be merged and a fixed
//! layout can (bin by bin). Bin edges follow the usual adjustment
//! tolerances: ±5 mm is good, ±10 mm the common re-levelling limit, ±20 mm a
//! trip hazard.

use serde::{Deserialize, Serialize};

/// Upper edges (mm, exclusive) of the |error| histogram; the last bin is
/// open-ended.
pub const BIN_EDGES_MM: [f32; 11] = [1.0, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 50.0];
const BINS: usize = BIN_EDGES_MM.len() + 1;

/// Levelling error statistics of one bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LevellingStats {
    pub count: u64,
    /// Sum of signed errors (mm): the mean shows a bias up or down.
    pub sum_mm: f64,
    /// Sum of squared errors (mm²): RMS and standard deviation.
    pub sum_sq_mm2: f64,
    pub max_abs_mm: f32,
    /// Counts of |error| per bin of [`BIN_EDGES_MM`].
    pub histogram: [u32; BINS],
}

impl LevellingStats {
    pub fn add(&mut self, err_mm: f32) {
        let a = err_mm.abs();
        self.count += 1;
        self.sum_mm += f64::from(err_mm);
        self.sum_sq_mm2 += f64::from(err_mm) * f64::from(err_mm);
        self.max_abs_mm = self.max_abs_mm.max(a);
        let bin = BIN_EDGES_MM.iter().position(|&e| a < e).unwrap_or(BINS - 1);
        self.histogram[bin] = self.histogram[bin].saturating_add(1);
    }

    pub fn merge(&mut self, o: &LevellingStats) {
        self.count += o.count;
        self.sum_mm += o.sum_mm;
        self.sum_sq_mm2 += o.sum_sq_mm2;
        self.max_abs_mm = self.max_abs_mm.max(o.max_abs_mm);
        for (a, b) in self.histogram.iter_mut().zip(o.histogram) {
            *a = a.saturating_add(b);
        }
    }

    pub fn mean_mm(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_mm / self.count as f64)
    }

    pub fn rms_mm(&self) -> Option<f64> {
        (self.count > 0).then(|| (self.sum_sq_mm2 / self.count as f64).sqrt())
    }

    /// Upper edge of the histogram bin holding the 95th percentile of
    /// |error| (never above the maximum seen): an upper bound, exact to the
    /// bin.
    pub fn p95_abs_mm(&self) -> Option<f32> {
        if self.count == 0 {
            return None;
        }
        let total: u64 = self.histogram.iter().map(|&c| u64::from(c)).sum();
        let rank = (total as f64 * 0.95).ceil() as u64;
        let mut seen = 0u64;
        for (i, &c) in self.histogram.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                let edge = BIN_EDGES_MM.get(i).copied().unwrap_or(self.max_abs_mm);
                return Some(edge.min(self.max_abs_mm));
            }
        }
        Some(self.max_abs_mm)
    }
}
