//! Detector behaviour on seeded synthetic series: quiet on stationary noise
//! (normal and skewed), raises on shifts and slow drift, clears on recovery.

use super::*;
use crate::synth::Rng;

const MIN: i64 = 60_000;

fn run(cfg: &DetectorConfig, xs: impl Iterator<Item = f32>) -> Vec<Observation> {
    let mut d = SignalDetector::new(cfg);
    xs.enumerate()
        .map(|(i, x)| d.observe(x, i as i64 * MIN, cfg))
        .collect()
}

fn first(obs: &[Observation], phase: Phase) -> Option<usize> {
    obs.iter().position(|o| o.phase == phase)
}

#[test]
fn quiet_on_stationary_gaussian_noise() {
    for seed in 1..=5 {
        let mut r = Rng::new(seed);
        let cfg = DetectorConfig::default();
        let obs = run(&cfg, (0..20_000).map(|_| 3000.0 + 150.0 * r.gauss() as f32));
        assert_eq!(first(&obs, Phase::Raised), None, "seed {seed}");
        let mean_score = obs.iter().map(|o| o.score).sum::<f32>() / obs.len() as f32;
        assert!(mean_score < 0.2, "seed {seed}: {mean_score}");
    }
}

#[test]
fn nearly_quiet_on_skewed_noise() {
    // Log-normal: right-skewed like door times and levelling errors. Runs of
    // high values do happen in such noise; at most one false raise in 200,000
    // samples is allowed (seeds 1..=40 give exactly one, at seed 13).
    let cfg = DetectorConfig {
        tail: Tail::Upper,
        ..DetectorConfig::default()
    };
    let mut raised = 0;
    for seed in 9..=18 {
        let mut r = Rng::new(seed);
        let obs = run(
            &cfg,
            (0..20_000).map(|_| (1.0 + 0.5 * r.gauss()).exp() as f32),
        );
        raised += obs.iter().filter(|o| o.phase == Phase::Raised).count();
    }
    assert!(raised <= 1, "{raised} false raises");
}

#[test]
fn raises_on_a_step_and_clears_after_repair() {
    let mut r = Rng::new(42);
    let cfg = DetectorConfig::default();
    let xs: Vec<f32> = (0..3000)
        .map(|i| {
            let level = if (1000..2000).contains(&i) { 3.0 } else { 0.0 };
            level + r.gauss() as f32
        })
        .collect();
    let obs = run(&cfg, xs.into_iter());
    let raised = first(&obs, Phase::Raised).expect("raised");
    assert!((1000..1060).contains(&raised), "raised at {raised}");
    assert!(obs[raised].deviation > 1.0);
    let cleared = first(&obs, Phase::Cleared).expect("cleared");
    assert!((2000..2100).contains(&cleared), "cleared at {cleared}");
    assert!(obs[1100].label && !obs[2500].label);
    assert!(obs[1100].score >= 0.5 && obs[2500].score < 0.5);
}

#[test]
fn raises_on_slow_drift_early() {
    let mut r = Rng::new(7);
    let cfg = DetectorConfig {
        tail: Tail::Upper,
        ..DetectorConfig::default()
    };
    // Drift of 1 σ per 1000 samples starting at 1000.
    let drift = |i: usize| {
        if i > 1000 {
            (i - 1000) as f32 / 1000.0
        } else {
            0.0
        }
    };
    let xs: Vec<f32> = (0..6000)
        .map(|i| 50.0 + drift(i) + r.gauss() as f32)
        .collect();
    let obs = run(&cfg, xs.into_iter());
    let raised = first(&obs, Phase::Raised).expect("raised");
    assert!(drift(raised) < 2.0, "raised only at {} σ", drift(raised));
    assert!(drift(raised) > 0.5, "raised before any real drift");
    // An upper-tail detector ignores the same drift downwards.
    let mut r = Rng::new(7);
    let down: Vec<f32> = (0..6000)
        .map(|i| 50.0 - drift(i) + r.gauss() as f32)
        .collect();
    assert_eq!(first(&run(&cfg, down.into_iter()), Phase::Raised), None);
}

#[test]
fn single_spikes_are_outliers_not_findings() {
    let mut r = Rng::new(3);
    let cfg = DetectorConfig::default();
    let xs: Vec<f32> = (0..2000)
        .map(|i| {
            if i % 300 == 299 {
                40.0
            } else {
                r.gauss() as f32
            }
        })
        .collect();
    let obs = run(&cfg, xs.into_iter());
    assert_eq!(first(&obs, Phase::Raised), None);
    assert!(obs[599].label && obs[599].score >= 0.5);
    assert!(!obs[600].label);
}

#[test]
fn seasonal_profile_keeps_a_daily_cycle_quiet() {
    let mut r = Rng::new(5);
    let cfg = DetectorConfig {
        seasonal: true,
        learn: 2000,
        ..DetectorConfig::default()
    };
    // Samples every 5 minutes for 8 weeks; ±3 σ daily swing.
    let xs = (0..8 * 7 * 288).map(|i| {
        let hour = (i / 12) % 24;
        let swing = if (9..18).contains(&hour) { 3.0 } else { 0.0 };
        60.0 + swing + r.gauss() as f32
    });
    let mut d = SignalDetector::new(&cfg);
    let mut raised_late = 0;
    for (i, x) in xs.enumerate() {
        let o = d.observe(x, i as i64 * 5 * MIN, &cfg);
        // Allow the first two weeks for the profile to form.
        if i > 2 * 7 * 288 && o.phase == Phase::Raised {
            raised_late += 1;
        }
    }
    assert_eq!(raised_late, 0);
    assert!(!d.is_alarmed());
}

#[test]
fn rebaseline_forgets() {
    let cfg = DetectorConfig::default();
    let mut d = SignalDetector::new(&cfg);
    for i in 0..100 {
        d.observe(i as f32, 0, &cfg);
    }
    assert!(d.is_ready(&cfg));
    d.rebaseline(&cfg);
    assert!(!d.is_ready(&cfg));
}

#[test]
fn detector_is_small() {
    assert!(std::mem::size_of::<SignalDetector>() <= 192);
}
