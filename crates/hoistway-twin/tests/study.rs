//! The traffic-study API the CLI calls.

use hoistway_twin::{
    csv_rows, run_study, run_study_with, Building, DispatchMode, Pattern, StudyOptions, TwinError,
    CSV_HEADER,
};

const OFFICE_10: &str = include_str!("../../../examples/buildings/office-10.toml");
const OFFICE_20: &str = include_str!("../../../examples/buildings/office-20x6.toml");

#[test]
fn report_json_has_the_fixed_fields() {
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    let r = run_study(&b, "up-peak".parse().unwrap(), 30.0, 1, &mut |_| {});
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "rtt_s",
        "interval_s",
        "hc5_persons",
        "awt_s",
        "floors_above_main",
        "floor_height_m",
        "rated_speed_mps",
        "avg_car_load",
        "performance_time_s",
        "transfer_time_s",
        "formula_rtt_s",
    ] {
        assert!(
            v[key].is_number(),
            "{key} missing or not a number: {}",
            v[key]
        );
    }
    for key in ["waiting_s", "transit_s", "time_to_destination_s"] {
        for q in ["p50", "p90", "p95", "max"] {
            assert!(v[key][q].is_number(), "{key}.{q}");
        }
    }
    assert_eq!(v["floors_above_main"], 10);
    assert_eq!(v["pattern"], "up-peak");
    assert!((r.floor_height_m - 3.3).abs() < 1e-9);
    assert!((r.performance_time_s - 7.7).abs() < 0.01);
    assert!((r.interval_s * 4.0 - r.rtt_s).abs() < 1e-9);
    assert!(r.rtt_s > 60.0 && r.awt_s > 0.0 && r.hc5_persons > 0.0);
    assert!(
        r.waiting_s.p50 <= r.waiting_s.p90
            && r.waiting_s.p90 <= r.waiting_s.p95
            && r.waiting_s.p95 <= r.waiting_s.max
    );
    assert!(
        v.get("passengers").is_none(),
        "per-passenger rows stay out of the JSON"
    );
}

#[test]
fn up_peak_study_agrees_with_the_formula_trip_by_trip() {
    // With a varying load the formula at the mean load runs high (S and H
    // are concave in P); applied to each trip's own load it must agree.
    for (text, seed) in [(OFFICE_10, 3), (OFFICE_20, 4)] {
        let b = Building::from_toml_str(text).unwrap();
        let r = run_study(&b, Pattern::UpPeak, 60.0, seed, &mut |_| {});
        let dev = (r.rtt_s - r.formula_rtt_per_trip_s) / r.formula_rtt_per_trip_s;
        assert!(
            dev.abs() <= 0.03,
            "{}: {:.1} vs {:.1}",
            b.name(),
            r.rtt_s,
            r.formula_rtt_per_trip_s
        );
        assert!(
            r.rtt_s <= r.formula_rtt_s * 1.03,
            "mean-load formula is an upper estimate"
        );
    }
}

#[test]
fn same_seed_same_report() {
    let b = Building::from_toml_str(OFFICE_20).unwrap();
    let a = run_study(&b, Pattern::Lunch, 20.0, 9, &mut |_| {});
    let again = run_study(&b, Pattern::Lunch, 20.0, 9, &mut |_| {});
    let other = run_study(&b, Pattern::Lunch, 20.0, 10, &mut |_| {});
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    assert_eq!(csv_rows(&a), csv_rows(&again));
    assert_ne!(csv_rows(&a), csv_rows(&other));
}

#[test]
fn progress_text_and_csv() {
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    let mut seen = Vec::new();
    let r = run_study(&b, Pattern::Mixed, 15.0, 2, &mut |f| seen.push(f));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(seen.last(), Some(&1.0));
    let text = r.to_text();
    assert!(
        text.contains("round trip time")
            && text.contains("Up-peak formula")
            && text.contains("mixed")
    );
    let rows = csv_rows(&r);
    assert_eq!(rows.len(), r.passengers_delivered);
    assert!(rows.len() > 50);
    let cols = CSV_HEADER.split(',').count();
    assert!(rows.iter().all(|row| row.split(',').count() == cols));
    assert!(rows[0].split(',').nth(4).unwrap().starts_with('A'));
}

#[test]
fn options_pick_group_dispatch_and_rate() {
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    let mut o = StudyOptions::new(Pattern::UpPeak, 20.0, 1);
    o.dispatch = DispatchMode::Destination;
    o.arrival_rate_p5 = Some(30.0);
    let r = run_study_with(&b, &o, &mut |_| {}).unwrap();
    assert_eq!(r.dispatch, DispatchMode::Destination);
    assert_eq!(r.arrival_rate_p5, 30.0);
    // About 30 persons per 5 minutes for 20 minutes.
    assert!(
        (80..=160).contains(&r.passengers_delivered),
        "{}",
        r.passengers_delivered
    );
    o.group = Some("Z".into());
    assert!(matches!(
        run_study_with(&b, &o, &mut |_| {}),
        Err(TwinError::UnknownGroup(_))
    ));
    assert!("sideways".parse::<Pattern>().is_err());
}
