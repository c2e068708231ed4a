//! Scoring a detector against labelled data: per-row outlier metrics and
//! the NAB score for changepoints, as the SKAB benchmark reports them.
//!
//! - [`RowCounts`]: per-row confusion counts; F1, false-alarm rate (FAR)
//!   and missed-alarm rate (MAR) in percent.
//! - [`Nab`]: the Numenta Anomaly Benchmark score with its *standard*
//!   profile (true positive +1, false positive −0.11, missed window −1).
//!   Each true changepoint opens a window of `window_ms` to its right; the
//!   first detection inside scores by the scaled sigmoid of its position
//!   (≈ 0.99 at the changepoint, 0 at the window's end), later ones in the
//!   same window are ignored, detections outside any window are false
//!   positives. Parts add up over files; [`Nab::normalised`] maps them to
//!   100 for a perfect detector and 0 for one that never fires.

/// Per-row confusion counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub tp: u64,
    pub fp: u64,
    pub tn: u64,
    pub fn_: u64,
}

impl RowCounts {
    pub fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }

    pub fn merge(&mut self, o: &RowCounts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }

    pub fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            0.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }

    /// False alarms among normal rows, percent.
    pub fn far(&self) -> f64 {
        pct(self.fp, self.fp + self.tn)
    }

    /// Missed anomalous rows, percent.
    pub fn mar(&self) -> f64 {
        pct(self.fn_, self.fn_ + self.tp)
    }
}

fn pct(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

/// NAB standard profile weights.
const A_TP: f64 = 1.0;
const A_FP: f64 = -0.11;
const A_FN: f64 = -1.0;

/// NAB's scaled sigmoid of the relative position `y` (−1 window start,
/// 0 window end).
fn scaled_sigmoid(y: f64) -> f64 {
    2.0 / (1.0 + (5.0 * y).exp()) - 1.0
}

/// Raw NAB parts of one or more files.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Nab {
    /// The detector's raw score.
    pub score: f64,
    /// A detector that never fires: every window missed.
    pub null: f64,
    /// A detector that fires at every changepoint and nowhere else.
    pub perfect: f64,
    pub windows: u64,
    pub detected: u64,
    pub false_positives: u64,
}

impl Nab {
    /// Scores `detections` (times, ascending) against `changepoints`.
    pub fn score(changepoints: &[i64], detections: &[i64], window_ms: i64) -> Self {
        let window_ms = window_ms.max(1);
        let mut n = Nab {
            windows: changepoints.len() as u64,
            null: A_FN * changepoints.len() as f64,
            perfect: A_TP * changepoints.len() as f64,
            ..Default::default()
        };
        let mut hit = vec![false; changepoints.len()];
        for &d in detections {
            match changepoints
                .iter()
                .position(|&c| d >= c && d <= c + window_ms)
            {
                Some(i) if !hit[i] => {
                    hit[i] = true;
                    let end = changepoints[i] + window_ms;
                    let y = (d - end) as f64 / window_ms as f64;
                    n.score += A_TP * scaled_sigmoid(y);
                    n.detected += 1;
                }
                Some(_) => {}
                None => {
                    n.score += A_FP;
                    n.false_positives += 1;
                }
            }
        }
        n.score += A_FN * hit.iter().filter(|h| !**h).count() as f64;
        n
    }

    pub fn merge(&mut self, o: &Nab) {
        self.score += o.score;
        self.null += o.null;
        self.perfect += o.perfect;
        self.windows += o.windows;
        self.detected += o.detected;
        self.false_positives += o.false_positives;
    }

    /// 100 × (score − null) / (perfect − null).
    pub fn normalised(&self) -> f64 {
        let span = self.perfect - self.null;
        if span <= 0.0 {
            0.0
        } else {
            100.0 * (self.score - self.null) / span
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_metrics() {
        let mut c = RowCounts::default();
        for (t, p) in [(true, true), (true, false), (false, true), (false, false)] {
            c.add(t, p);
        }
        c.add(false, false);
        assert_eq!((c.tp, c.fp, c.tn, c.fn_), (1, 1, 2, 1));
        assert!((c.f1() - 0.5).abs() < 1e-12);
        assert!((c.far() - 100.0 / 3.0).abs() < 1e-9);
        assert!((c.mar() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn nab_bounds_and_order() {
        let cps = [1_000_000, 5_000_000];
        let w = 60_000;
        let perfect = Nab::score(&cps, &cps, w);
        assert!(perfect.normalised() > 98.0, "{perfect:?}");
        assert!(Nab::score(&cps, &[], w).normalised().abs() < 1e-9);
        // Earlier in the window scores more than later.
        let early = Nab::score(&cps, &[1_005_000, 5_005_000], w);
        let late = Nab::score(&cps, &[1_055_000, 5_055_000], w);
        assert!(early.normalised() > late.normalised());
        // A detection before the changepoint is a false positive.
        let before = Nab::score(&cps, &[999_000], w);
        assert_eq!((before.false_positives, before.detected), (1, 0));
        assert!(before.normalised() < 0.0);
        // A second detection in a window is neither credit nor penalty.
        let twice = Nab::score(&cps, &[1_005_000, 1_006_000], w);
        assert_eq!((twice.detected, twice.false_positives), (1, 0));
        let mut sum = early;
        sum.merge(&late);
        assert_eq!(sum.windows, 4);
    }
}
