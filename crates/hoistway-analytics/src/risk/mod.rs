//! Learned failure-risk score: logistic regression on daily rollups.
//!
//! Features are ratios taken from one day's [`Rollup`], so units of any
//! traffic level compare. The shipped weights (`model.json`, embedded with
//! `include_str!`) are the twin's labelled fleet: `hoistway train --days 28
//! --groups 8 --seed 7` (1,344 unit-days, 110 failing within a week: door
//! roller wear, levelling drift, an overheating motor and drive-fault
//! bursts injected in simulated groups), rounded to 4 decimals. They are
//! not calibrated on real failure history: retrain on the fleet's own
//! labelled days and start the server with `serve --risk-model FILE`.

use serde::{Deserialize, Serialize};

use crate::rollup::Rollup;

/// Names of the features, in order.
pub const FEATURES: [&str; 6] = [
    "reopens_per_cycle",
    "obstructions_per_cycle",
    "levelling_rms_cm",
    "levelling_p95_cm",
    "ln1p_faults",
    "unavailable_fraction",
];

/// Feature vector of one day.
pub type Features = [f64; FEATURES.len()];

/// Features of one (daily) rollup.
pub fn features(r: &Rollup) -> Features {
    let cycles = r.door_cycles.max(1) as f64;
    [
        r.door_reopens as f64 / cycles,
        r.door_obstructions as f64 / cycles,
        r.levelling.rms_mm().unwrap_or(0.0) / 10.0,
        f64::from(r.levelling.p95_abs_mm().unwrap_or(0.0)) / 10.0,
        (r.faults as f64).ln_1p(),
        r.availability_pct().map_or(0.0, |p| 1.0 - p / 100.0),
    ]
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    pub bias: f64,
}

/// Why a model file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("model features {0:?} do not match this build's features")]
    Features(Vec<String>),
}

const SHIPPED: &str = include_str!("model.json");

impl Model {
    /// Parses a model file, checking it was trained on the same features.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        let m: Model = serde_json::from_str(json)?;
        if m.features.len() != FEATURES.len()
            || m.weights.len() != FEATURES.len()
            || m.features.iter().zip(FEATURES).any(|(a, b)| a != b)
        {
            return Err(ModelError::Features(m.features));
        }
        Ok(m)
    }

    /// The model shipped in the crate.
    pub fn shipped() -> Self {
        Self::from_json(SHIPPED).expect("shipped model.json matches FEATURES (tested)")
    }

    /// Probability-like risk in [0, 1].
    pub fn score(&self, x: &Features) -> f64 {
        let z = self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        sigmoid(z)
    }
}

impl Default for Model {
    fn default() -> Self {
        Self::shipped()
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fits weights by full-batch gradient descent on log-loss with a small L2
/// penalty. Deterministic: same samples, same model.
pub fn train(samples: &[(Features, bool)]) -> Model {
    const EPOCHS: usize = 3000;
    const RATE: f64 = 0.5;
    const L2: f64 = 1e-3;
    let n = samples.len().max(1) as f64;
    let mut w = [0.0; FEATURES.len()];
    let mut b = 0.0;
    for _ in 0..EPOCHS {
        let mut gw = [0.0; FEATURES.len()];
        let mut gb = 0.0;
        for (x, y) in samples {
            let z = b + w.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
            let err = sigmoid(z) - f64::from(u8::from(*y));
            for (g, v) in gw.iter_mut().zip(x) {
                *g += err * v;
            }
            gb += err;
        }
        for (wi, g) in w.iter_mut().zip(gw) {
            *wi -= RATE * (g / n + L2 * *wi);
        }
        b -= RATE * gb / n;
    }
    Model {
        features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        weights: w.to_vec(),
        bias: b,
    }
}

#[cfg(test)]
mod tests;
