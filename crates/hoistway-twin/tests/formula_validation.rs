//! The twin's up-peak round trip time against the classical formula.
//!
//! Cars leave the main floor with a fixed load P (validation mode: loads of
//! whole persons alternate so they average P exactly), passengers pick
//! destinations uniformly, and the simulated mean busy round trip must lie
//! within ±3 % of `RTT = 2 H tv + (S + 1) ts + 2 P tp` with the inputs the
//! twin derives from the building.

use hoistway_twin::{Building, GroupSim, Pattern, SimOptions, UpPeakInputs};

fn building(
    floors_above: u32,
    height: f64,
    speed: f64,
    accel: f64,
    jerk: f64,
    lifts: u32,
) -> Building {
    let text = format!(
        r#"
name = "grid"
[floors]
highest = {floors_above}
height_m = {height}
[[groups]]
id = "G"
lifts = {lifts}
rated_speed_mps = {speed}
acceleration_mps2 = {accel}
jerk_mps3 = {jerk}
capacity_persons = 21
door_open_s = 2.4
door_close_s = 3.2
transfer_s = 1.2
"#
    );
    Building::from_toml_str(&text).unwrap()
}

/// Mean simulated busy round trip over `trips` round trips per car.
fn simulated_rtt(b: &Building, p: f64, trips: usize, seed: u64) -> (f64, f64) {
    let g = &b.groups()[0];
    let formula = UpPeakInputs::from_group(b, g, p).evaluate().rtt_s;
    let lifts = g.lifts.len() as f64;
    let opts = SimOptions {
        fixed_main_load: Some(p),
        seed,
        ..Default::default()
    };
    let mut sim = GroupSim::for_group(b, g, opts);
    // Keep a queue at the lobby: 30 % more arrivals than the cars can take.
    let rate_p5 = 1.3 * 300.0 * p * lifts / formula;
    sim.set_traffic(Pattern::UpPeak, rate_p5, seed);
    sim.run_until(formula * trips as f64);
    let rt = sim.round_trips();
    assert!(
        rt.len() as f64 >= 0.9 * trips as f64 * lifts,
        "only {} round trips",
        rt.len()
    );
    let rtt = rt.iter().map(|t| t.busy_s).sum::<f64>() / rt.len() as f64;
    let load = rt.iter().map(|t| f64::from(t.boardings)).sum::<f64>() / rt.len() as f64;
    (rtt, load)
}

fn check(b: &Building, p: f64, seed: u64) -> f64 {
    let inputs = UpPeakInputs::from_group(b, &b.groups()[0], p);
    let formula = inputs.evaluate().rtt_s;
    let (rtt, load) = simulated_rtt(b, p, 400, seed);
    assert!((load - p).abs() < 0.02, "load {load} for P = {p}");
    let dev = (rtt - formula) / formula;
    eprintln!(
        "N = {:2}, P = {p:4.1}: simulated {rtt:6.1} s, formula {formula:6.1} s, {:+.2} %",
        inputs.floors_above_main,
        100.0 * dev
    );
    assert!(
        dev.abs() <= 0.03,
        "N = {}, P = {p}: simulated {rtt:.1} s vs formula {formula:.1} s ({:+.2} %)",
        inputs.floors_above_main,
        100.0 * dev
    );
    dev
}

#[test]
fn worked_case_office_10() {
    let b = Building::from_toml_str(include_str!("../../../examples/buildings/office-10.toml"))
        .unwrap();
    let inputs = UpPeakInputs::from_group(&b, &b.groups()[0], 10.4);
    assert!((inputs.performance_time_s - 7.7).abs() < 0.01);
    let formula = inputs.evaluate().rtt_s;
    assert!((formula - 123.0).abs() < 1.0, "formula {formula}");
    // All four cars of the example, as well as a single car.
    for lifts in [1, 4] {
        let text = include_str!("../../../examples/buildings/office-10.toml")
            .replace("lifts = 4", &format!("lifts = {lifts}"));
        let b = Building::from_toml_str(&text).unwrap();
        let (rtt, load) = simulated_rtt(&b, 10.4, 400, 7);
        assert!((load - 10.4).abs() < 0.02);
        assert!(
            (rtt - formula).abs() / formula <= 0.03,
            "{lifts} lifts: {rtt:.1} s vs {formula:.1} s"
        );
        assert!((rtt - 123.0).abs() < 4.0, "{lifts} lifts: {rtt:.1} s");
    }
}

#[test]
fn grid_of_building_sizes_and_loads() {
    let mut worst: f64 = 0.0;
    for n in (6..=20).step_by(2) {
        for p in [4.0, 8.0, 12.5] {
            let b = building(n, 3.3, 1.6, 1.0, 2.0, 1);
            worst = worst.max(check(&b, p, u64::from(n)).abs());
        }
    }
    // The agreement is not merely inside the band by luck of one case.
    assert!(worst > 0.0);
}

#[test]
fn grid_with_faster_cars_whose_one_floor_trips_miss_rated_speed() {
    for n in [8, 14, 20] {
        for p in [6.0, 12.0] {
            let b = building(n, 3.6, 2.5, 0.9, 1.2, 2);
            check(&b, p, 99 + u64::from(n));
        }
    }
}
