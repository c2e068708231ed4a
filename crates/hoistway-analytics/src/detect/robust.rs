//! Robust change detection on one signal against the unit's own history.
//!
//! Life of a [`SignalDetector`]:
//! 1. **warm-up**: the first `warmup` samples give an exact median, MAD and
//!    mean absolute deviation;
//! 2. **learning**: the next `learn` samples refine them with frugal
//!    (sign-step) median updates of decreasing size, which outliers cannot
//!    drag; nothing is raised;
//! 3. **watching**: two baselines judge each sample.
//!    - The **reference** baseline says whether a finding is open. It moves
//!      at `adapt_rate` (σ per sample) on typical samples while no alarm is
//!      up and no change is being detected, so it follows a slow drift of a
//!      process's normal; the server's wear signals anchor it
//!      ([`DetectorConfig::anchored`]) so that slow wear is measured against
//!      how the unit used to behave. Each sample becomes a robust z score
//!      `(x - seasonal - median) / σ`, winsorised to ±4 and fed to an EWMA
//!      (drift) and a CUSUM (change point). When either crosses its limit
//!      *and* the median of the last 32 samples sits at least `confirm_z`
//!      from the baseline, the detector raises; the baseline is then frozen,
//!      so the alarm stays up until the signal is back within `clear_z` (and
//!      the EWMA has settled) or within `clear_frac` of the alarm's largest
//!      deviation (a large excess mostly gone: the cause was removed, and the
//!      detector learns the settled level anew). The median confirmation
//!      keeps skewed or spiky noise from raising alone.
//!    - The **fast** baseline gives the onset score: a two-sided CUSUM of the
//!      deviation from a baseline that follows the signal at `onset_rate`
//!      and, on a detection, restarts at the latest level (a confirmed new
//!      normal). The onset score reaches 0.5 at a detected change and decays
//!      once the new level is the normal, whatever the alarm does.
//!
//! σ is the largest of 1.4826 × MAD, 1.2533 × mean absolute deviation
//! (quantised signals have a MAD of 0), `min_scale` and `rel_floor` × the
//! baseline's magnitude (sensor accuracy).
//!
//! Memory is bounded and small: a 32-sample ring plus a dozen numbers,
//! and an optional boxed [`Seasonal`] profile.

use serde::{Deserialize, Serialize};

use super::seasonal::Seasonal;

const RING: usize = 32;
/// Consistency constant: MAD × 1.4826 estimates σ for normal data.
const MAD_TO_SIGMA: f32 = 1.4826;
/// z scores are winsorised to this before the EWMA and CUSUM.
const Z_CLIP: f32 = 4.0;
/// Samples further than this (in σ) do not teach the baseline or profile.
const TEACH_LIMIT: f32 = 3.0;
/// After learning, the reference baseline does not adapt while the onset
/// score is at least this: a detected change is not absorbed as drift.
const ADAPT_ONSET_GATE: f32 = 0.2;
/// Consistency constant: mean absolute deviation × 1.2533 estimates σ for
/// normal data. Quantised signals (a flow read in whole litres per minute)
/// have a MAD of 0 while most samples sit on one step; their mean absolute
/// deviation still sees the steps.
const MEAN_DEV_TO_SIGMA: f32 = 1.2533;
/// Mean absolute deviations are clipped to this many σ, and averaged over
/// at most this many samples.
const MEAN_DEV_CLIP: f32 = 4.0;
const MEAN_DEV_SPAN: f32 = 200.0;
/// The onset score decays by this factor per sample after its peak.
const ONSET_DECAY: f32 = 0.95;
/// After an onset, the fast baseline restarts at the median of this many
/// latest samples (the new level).
const ONSET_RESTART: usize = 8;

/// Which side of the baseline is trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tail {
    Upper,
    Lower,
    Both,
}

/// Tunables of one signal detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectorConfig {
    /// Samples for the initial exact median/MAD (at most 32).
    pub warmup: u32,
    /// Further samples of fast baseline learning before anything is raised.
    pub learn: u32,
    /// Gain of the decreasing learning step: the n-th sample moves the
    /// baseline by `learn_gain × σ / n` (Robbins–Monro; 1.25 is optimal for
    /// the median of normal data), so learning converges instead of jittering.
    pub learn_gain: f32,
    /// Frugal step (in σ per sample) of the reference baseline after
    /// learning, taken only while no alarm is up and the sample is typical:
    /// it follows slow drifts of a process's normal (a pump warming up).
    /// 0 anchors the baseline, so slow wear is measured against how the
    /// unit used to behave (the server's wear signals do this).
    pub adapt_rate: f32,
    /// Floor on σ in signal units, for quantised or near-constant signals.
    pub min_scale: f32,
    /// Floor on σ relative to the baseline's magnitude: changes smaller
    /// than this fraction of the level are within a sensor's accuracy
    /// (1 % of reading is typical of industrial sensors).
    pub rel_floor: f32,
    pub tail: Tail,
    /// CUSUM reference (allowance) and decision interval, in σ.
    pub cusum_k: f32,
    pub cusum_h: f32,
    /// EWMA weight and limit, in σ.
    pub ewma_alpha: f32,
    pub ewma_h: f32,
    /// A single sample this far out is an outlier (scored, never raised).
    pub outlier_z: f32,
    /// Recent median must be this far (σ) from baseline to raise...
    pub confirm_z: f32,
    /// ...and back within this to clear,
    pub clear_z: f32,
    /// ...or within this fraction of the largest deviation of the alarm:
    /// once most of a large excess is gone (a 200 σ vibration back to 10 σ)
    /// the cause was removed, even if the process settled a little away
    /// from its old normal.
    pub clear_frac: f32,
    /// Deviation (σ) from which a raised finding counts as major.
    pub major_z: f32,
    /// Learn an hour-of-week profile and judge samples against it.
    pub seasonal: bool,
    /// Onset detection against a fast baseline that follows a confirmed
    /// new level: CUSUM allowance and decision interval (σ), and the fast
    /// baseline's step (fraction of the clipped deviation per sample).
    pub onset_k: f32,
    pub onset_h: f32,
    pub onset_rate: f32,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            warmup: 32,
            learn: 500,
            learn_gain: 1.25,
            adapt_rate: 0.02,
            min_scale: 0.0,
            rel_floor: 0.01,
            tail: Tail::Both,
            cusum_k: 0.5,
            cusum_h: 12.0,
            ewma_alpha: 0.03,
            ewma_h: 1.2,
            outlier_z: 6.0,
            confirm_z: 1.5,
            clear_z: 0.5,
            clear_frac: 0.2,
            major_z: 4.0,
            seasonal: false,
            onset_k: 1.0,
            onset_h: 12.0,
            onset_rate: 0.02,
        }
    }
}

impl DetectorConfig {
    /// The default with the reference baseline anchored after learning
    /// (`adapt_rate` 0), for wear signals whose slow drift is the fault.
    pub fn anchored() -> Self {
        Self {
            adapt_rate: 0.0,
            ..Self::default()
        }
    }
}

/// Where the detector stands after a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Still building the baseline; the score is 0.
    WarmingUp,
    /// Baseline ready, nothing wrong.
    Quiet,
    /// The alarm just went up.
    Raised,
    /// The alarm is still up.
    Sustained,
    /// The alarm just cleared.
    Cleared,
}

/// The detector's verdict on one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub phase: Phase,
    /// Robust z score of this sample (signed, unclipped).
    pub z: f32,
    /// Deviation score in [0, 1] against the reference baseline; >= 0.5
    /// exactly when `label` is set (stays high while an alarm is up).
    pub score: f32,
    /// Onset score in [0, 1]: how likely a change starts at this sample,
    /// judged against a fast baseline that adopts a confirmed new level.
    /// It crosses 0.5 when a change is detected and decays once the new
    /// level is the normal, while `label` stays up until the alarm clears.
    pub onset: f32,
    /// Alarm up, or this sample is an outlier.
    pub label: bool,
    /// Baseline (plus seasonal offset) the sample was judged against.
    pub expected: f32,
    /// Robust σ used.
    pub scale: f32,
    /// Median of the recent samples, deseasonalised (only meaningful while
    /// raised, sustained or just cleared).
    pub recent: f32,
    /// `(recent - baseline) / σ`, signed.
    pub deviation: f32,
}

/// Robust detector state for one signal of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalDetector {
    n: u32,
    ring: [f32; RING],
    ring_pos: u8,
    median: f32,
    mad: f32,
    /// Mean absolute deviation (clipped), a scale floor for quantised data.
    mean_dev: f32,
    /// Fast baseline of the onset detector, its CUSUM (signed: the larger
    /// of the upward and downward sums, one f32 to stay within the per-unit
    /// memory budget) and its score in 1/255.
    fast: f32,
    on_cusum: f32,
    onset: u8,
    /// Largest `|recent - baseline|` (whole σ, saturating) of the alarm up.
    peak: u8,
    /// Mean and standard deviation of the winsorised z during the second half
    /// of learning. Skewed signals (door times, |levelling error|) have a
    /// positive mean z around the median; centring on it keeps the CUSUM and
    /// EWMA calibrated instead of drifting towards their limits.
    z_mu: f32,
    z_sd: f32,
    ewma: f32,
    cusum_hi: f32,
    cusum_lo: f32,
    alarm: bool,
    seasonal: Option<Box<Seasonal>>,
}

impl Default for SignalDetector {
    fn default() -> Self {
        Self::new(&DetectorConfig::default())
    }
}

fn median_of(buf: &mut [f32]) -> f32 {
    let mid = buf.len() / 2;
    let (_, m, _) = buf.select_nth_unstable_by(mid, f32::total_cmp);
    *m
}

impl SignalDetector {
    pub fn new(cfg: &DetectorConfig) -> Self {
        Self {
            n: 0,
            ring: [0.0; RING],
            ring_pos: 0,
            median: 0.0,
            mad: 0.0,
            mean_dev: 0.0,
            fast: 0.0,
            on_cusum: 0.0,
            onset: 0,
            peak: 0,
            z_mu: 0.0,
            z_sd: 1.0,
            ewma: 0.0,
            cusum_hi: 0.0,
            cusum_lo: 0.0,
            alarm: false,
            seasonal: cfg.seasonal.then(Box::default),
        }
    }

    /// Forgets the baseline (e.g. after a repair) and learns anew.
    pub fn rebaseline(&mut self, cfg: &DetectorConfig) {
        *self = Self::new(cfg);
    }

    pub fn is_alarmed(&self) -> bool {
        self.alarm
    }

    /// Whether the baseline exists (warm-up done).
    pub fn is_ready(&self, cfg: &DetectorConfig) -> bool {
        self.n >= cfg.warmup.clamp(1, RING as u32)
    }

    /// Whether learning is over and raising is possible.
    pub fn is_watching(&self, cfg: &DetectorConfig) -> bool {
        self.n > cfg.warmup.clamp(1, RING as u32) + cfg.learn
    }

    /// The baseline median, once ready.
    pub fn baseline(&self) -> f32 {
        self.median
    }

    /// Heap bytes owned (the seasonal profile), for the memory budget.
    pub fn heap_bytes(&self) -> usize {
        self.seasonal
            .as_ref()
            .map_or(0, |_| std::mem::size_of::<Seasonal>())
    }

    fn scale(&self, cfg: &DetectorConfig) -> f32 {
        // Relative floor so a constant signal does not divide by zero.
        let floor = cfg
            .min_scale
            .max(self.median.abs() * cfg.rel_floor.max(1e-6))
            .max(1e-9);
        (MAD_TO_SIGMA * self.mad)
            .max(MEAN_DEV_TO_SIGMA * self.mean_dev)
            .max(floor)
    }

    fn recent_median(&self, filled: usize) -> f32 {
        let mut buf = self.ring;
        median_of(&mut buf[..filled.clamp(1, RING)])
    }

    /// Median of the latest `k` samples.
    fn latest_median(&self, k: usize) -> f32 {
        let k = k.clamp(1, RING);
        let mut buf = [0.0f32; RING];
        for (i, b) in buf[..k].iter_mut().enumerate() {
            *b = self.ring[(usize::from(self.ring_pos) + RING - 1 - i) % RING];
        }
        median_of(&mut buf[..k])
    }

    /// The onset detector: a two-sided CUSUM of the deviation from a fast
    /// baseline; on a detection the baseline restarts at the latest level.
    /// Returns the onset score (0.5 at a detection, decaying after).
    fn onset_step(&mut self, xs: f32, scale: f32, cfg: &DetectorConfig) -> f32 {
        let d = ((xs - self.fast) / scale).clamp(-Z_CLIP, Z_CLIP);
        let hi = (self.on_cusum.max(0.0) + d - cfg.onset_k).max(0.0);
        let lo = ((-self.on_cusum).max(0.0) - d - cfg.onset_k).max(0.0);
        let (hi, lo) = match cfg.tail {
            Tail::Upper => (hi, 0.0),
            Tail::Lower => (0.0, lo),
            Tail::Both => (hi, lo),
        };
        self.on_cusum = if hi >= lo { hi } else { -lo };
        self.fast += cfg.onset_rate * scale * d;
        let raw = 0.5 * hi.max(lo) / cfg.onset_h.max(1e-6);
        let decayed = f32::from(self.onset) / 255.0 * ONSET_DECAY;
        let score = raw.max(decayed).min(1.0);
        self.onset = (score * 255.0).round() as u8;
        if raw >= 0.5 {
            self.fast = self.latest_median(ONSET_RESTART.min(self.n as usize));
            self.on_cusum = 0.0;
        }
        score
    }

    /// Tail-oriented value: positive means "in the direction of trouble".
    fn toward(cfg: &DetectorConfig, v: f32) -> f32 {
        match cfg.tail {
            Tail::Upper => v,
            Tail::Lower => -v,
            Tail::Both => v.abs(),
        }
    }

    /// Judges one sample taken at `ts_ms`.
    pub fn observe(&mut self, x: f32, ts_ms: i64, cfg: &DetectorConfig) -> Observation {
        let warmup = cfg.warmup.clamp(1, RING as u32);
        let season = self
            .seasonal
            .as_deref()
            .filter(|s| s.is_started())
            .map_or(0.0, |s| s.offset(ts_ms));
        let xs = x - season;
        self.ring[usize::from(self.ring_pos)] = xs;
        self.ring_pos = ((usize::from(self.ring_pos) + 1) % RING) as u8;
        self.n = self.n.saturating_add(1);

        if self.n < warmup {
            return Observation {
                phase: Phase::WarmingUp,
                z: 0.0,
                score: 0.0,
                onset: 0.0,
                label: false,
                expected: xs,
                scale: 0.0,
                recent: xs,
                deviation: 0.0,
            };
        }
        if self.n == warmup {
            let mut buf = self.ring;
            let vals = &mut buf[..warmup as usize];
            self.median = median_of(vals);
            let med = self.median;
            for v in vals.iter_mut() {
                *v = (*v - med).abs();
            }
            self.mad = median_of(vals);
            self.mean_dev = vals.iter().sum::<f32>() / vals.len() as f32;
            let scale = self.scale(cfg);
            if let Some(s) = self.seasonal.as_deref_mut() {
                s.start(med, scale, ts_ms);
            }
        }

        let scale = self.scale(cfg);
        let z = (xs - self.median) / scale;
        let zc = z.clamp(-Z_CLIP, Z_CLIP);
        let learning = self.n <= warmup + cfg.learn;
        let half = warmup + cfg.learn / 2;
        if learning && self.n > half {
            // Welford over the second half of learning; z_sd holds the sum
            // of squares until learning ends.
            let k = (self.n - half) as f32;
            if k == 1.0 {
                self.z_mu = 0.0;
                self.z_sd = 0.0;
            }
            let d = zc - self.z_mu;
            self.z_mu += d / k;
            self.z_sd += d * (zc - self.z_mu);
        }
        let u = if learning {
            zc
        } else {
            (zc - self.z_mu) / self.z_sd
        };
        self.ewma += cfg.ewma_alpha * (u - self.ewma);
        self.cusum_hi = (self.cusum_hi + u - cfg.cusum_k).max(0.0);
        self.cusum_lo = (self.cusum_lo - u - cfg.cusum_k).max(0.0);

        let typical = !self.alarm && z.abs() < TEACH_LIMIT;
        let step = if learning {
            cfg.learn_gain * scale / self.n as f32
        } else {
            cfg.adapt_rate * scale
        };
        // After learning, a change the onset detector has seen is not
        // followed (a slow drift of the normal is).
        let teach = typical && (learning || f32::from(self.onset) / 255.0 < ADAPT_ONSET_GATE);
        if step > 0.0 && teach {
            self.median += step * (xs - self.median).signum();
            let dev = (xs - self.median).abs();
            self.mad = (self.mad + step * (dev - self.mad).signum()).max(0.0);
            let target = dev.min(MEAN_DEV_CLIP * scale);
            self.mean_dev += (target - self.mean_dev) / (self.n as f32).min(MEAN_DEV_SPAN);
        }
        if let Some(s) = self.seasonal.as_deref_mut() {
            s.learn(x, ts_ms, typical);
        }
        if learning && self.n == warmup + cfg.learn {
            let k = (self.n - half) as f32;
            self.z_sd = if k >= 2.0 {
                (self.z_sd / (k - 1.0)).sqrt().clamp(0.25, 4.0)
            } else {
                self.z_mu = 0.0;
                1.0
            };
            // Learning-phase statistics judged a moving baseline: start clean.
            self.ewma = 0.0;
            self.cusum_hi = 0.0;
            self.cusum_lo = 0.0;
            self.fast = self.median;
            self.on_cusum = 0.0;
            self.onset = 0;
        }
        let onset = if learning {
            0.0
        } else {
            self.onset_step(xs, scale, cfg)
        };

        let cusum = match cfg.tail {
            Tail::Upper => self.cusum_hi,
            Tail::Lower => self.cusum_lo,
            Tail::Both => self.cusum_hi.max(self.cusum_lo),
        };
        let ewma_t = Self::toward(cfg, self.ewma);
        let z_t = Self::toward(cfg, z);
        let triggered = cusum > cfg.cusum_h || ewma_t > cfg.ewma_h;

        let mut phase = Phase::Quiet;
        let mut recent = xs;
        let mut deviation = 0.0;
        if !learning && (triggered || self.alarm) {
            let filled = (self.n as usize).min(RING);
            recent = self.recent_median(filled);
            deviation = (recent - self.median) / scale;
            let dev_t = Self::toward(cfg, deviation);
            if !self.alarm && dev_t >= cfg.confirm_z {
                self.alarm = true;
                self.peak = dev_t.clamp(0.0, 255.0) as u8;
                phase = Phase::Raised;
                // Keep the statistics from running away while raised.
                self.cusum_hi = 0.0;
                self.cusum_lo = 0.0;
            } else if self.alarm {
                self.peak = self.peak.max(dev_t.clamp(0.0, 255.0) as u8);
                let peak = f32::from(self.peak);
                let back = dev_t < cfg.clear_z && ewma_t < cfg.ewma_h / 2.0;
                let mostly_gone =
                    cfg.clear_frac * peak > cfg.clear_z && dev_t < cfg.clear_frac * peak;
                if back || mostly_gone {
                    self.alarm = false;
                    phase = Phase::Cleared;
                    self.cusum_hi = 0.0;
                    self.cusum_lo = 0.0;
                    if !back {
                        // Most of a large excess is gone, but not back to the
                        // old normal: the cause was removed and the process
                        // settled at a new level (after a repair). Learn it
                        // anew from the current scale; nothing is raised
                        // while learning.
                        self.ewma = 0.0;
                        self.n = warmup;
                    }
                } else {
                    phase = Phase::Sustained;
                }
            }
        }

        let outlier = !learning && z_t > cfg.outlier_z;
        let label = self.alarm || outlier;
        let m = (z_t / cfg.outlier_z)
            .max(cusum / cfg.cusum_h)
            .max(ewma_t / cfg.ewma_h)
            .max(0.0);
        let squashed = m / (1.0 + m);
        let score = if learning {
            0.0
        } else if label {
            0.5 + 0.5 * squashed
        } else {
            0.5 * squashed
        };
        Observation {
            phase,
            z,
            score,
            onset,
            label,
            expected: self.median + season,
            scale,
            recent,
            deviation,
        }
    }
}

#[cfg(test)]
mod tests;
