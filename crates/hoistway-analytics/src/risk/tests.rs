//! Risk model: training recovers a known rule; the shipped model loads and
//! ranks a troubled day above a healthy one.

use super::*;
use crate::event::UnitKey;
use crate::rollup::Period;
use crate::synth::Rng;

/// Synthetic labelled days: a latent "condition" worsens every feature and
/// raises the chance of a breakdown.
fn synthetic_days(seed: u64, n: usize) -> Vec<(Features, bool)> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| {
            let bad = r.uniform() < 0.3;
            let c = if bad { 1.0 } else { 0.0 } + 0.4 * r.gauss();
            let x = [
                (0.05 + 0.05 * c + 0.02 * r.gauss()).max(0.0),
                (0.01 + 0.01 * c + 0.005 * r.gauss()).max(0.0),
                (0.3 + 0.2 * c + 0.05 * r.gauss()).max(0.0),
                (0.6 + 0.5 * c + 0.1 * r.gauss()).max(0.0),
                (0.5 + 1.0 * c + 0.4 * r.gauss()).max(0.0),
                (0.01 + 0.05 * c + 0.01 * r.gauss()).clamp(0.0, 1.0),
            ];
            (x, bad)
        })
        .collect()
}

fn accuracy(m: &Model, data: &[(Features, bool)]) -> f64 {
    let ok = data
        .iter()
        .filter(|(x, y)| (m.score(x) >= 0.5) == *y)
        .count();
    ok as f64 / data.len() as f64
}

#[test]
fn training_generalises_on_held_out_days() {
    let m = train(&synthetic_days(1, 2000));
    let test = synthetic_days(2, 1000);
    let acc = accuracy(&m, &test);
    assert!(acc > 0.85, "held-out accuracy {acc}");
    assert!(m.weights.iter().sum::<f64>() > 0.0);
}

#[test]
fn the_shipped_model_points_every_feature_the_right_way() {
    // Fitted on the twin's labelled days (see the module doc): more
    // reopens, worse levelling, more faults and less availability can only
    // add risk, and faults weigh most because the twin's failing days
    // carry drive faults.
    let shipped = Model::shipped();
    assert!(shipped.weights.iter().all(|w| *w >= 0.0), "{shipped:?}");
    let heaviest = shipped
        .weights
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| FEATURES[i]);
    assert_eq!(heaviest, Some("ln1p_faults"));
    assert!(shipped.bias < 0.0, "a day with no signal is not risky");
    assert!(Model::from_json(r#"{"features":["x"],"weights":[1.0],"bias":0}"#).is_err());
}

#[test]
fn shipped_model_ranks_days() {
    let m = Model::shipped();
    let u = UnitKey::parse("EL-1").unwrap();
    let mut good = Rollup::new(u.clone(), Period::Day, 0);
    good.door_cycles = 400;
    good.door_reopens = 15;
    for _ in 0..300 {
        good.levelling.add(2.0);
    }
    good.observed_ms = 86_400_000;
    good.available_ms = 86_400_000;
    let mut bad = good.clone();
    bad.door_reopens = 80;
    bad.faults = 6;
    for _ in 0..60 {
        bad.levelling.add(14.0);
    }
    bad.available_ms = 80_000_000;
    let (g, b) = (m.score(&features(&good)), m.score(&features(&bad)));
    assert!(g < 0.5 && b > 0.5, "good {g}, bad {b}");
}
