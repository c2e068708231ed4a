//! Twin speed side by side with the `elevator-core` crate: simulated seconds
//! per wall-clock second for a 6-car, 20-floor group (examples/buildings/
//! office-20x6.toml) at up-peak, 130 persons per 5 minutes, one simulated
//! hour, the same seeded arrivals fed to both.
//!
//! elevator-core is tick-based: its cost grows with the tick rate, so it is
//! run at its default 60 ticks/s and at a coarse 10 ticks/s. Its car model
//! is given the same speed, acceleration, capacity (17 × 75 kg) and door
//! times; it has no jerk limit and its own boarding model, so the figures
//! compare engines on one workload, not identical physics. Delivered
//! passengers are printed so a run that did not carry the traffic shows.
//!
//! `cargo bench -p hoistway-lift --bench twin_speed`

use elevator_core::components::{Accel, Speed, Weight};
use elevator_core::dispatch::etd::EtdDispatch;
use elevator_core::prelude::*;
use elevator_core::stop::StopConfig;
use hoistway_twin::traffic::{Arrival, TrafficGen};
use hoistway_twin::{Building, DispatchMode, GroupSim, Parking, Pattern, SimOptions};
use std::time::Instant;

const OFFICE: &str = include_str!("../../../examples/buildings/office-20x6.toml");
const HOUR: f64 = 3600.0;
const RATE_P5: f64 = 130.0;
const SEED: u64 = 42;
const RUNS: usize = 5;

fn arrivals(b: &Building) -> Vec<Arrival> {
    let served: Vec<usize> = (0..b.floors().len()).collect();
    let main = b.floor_index(b.main_floor()).unwrap();
    let mut gen = TrafficGen::new(Pattern::UpPeak, RATE_P5, &served, main, SEED);
    let mut out = Vec::new();
    while let Some(a) = gen.next_arrival() {
        if a.t > HOUR {
            break;
        }
        out.push(a);
    }
    out
}

fn twin(b: &Building, dispatch: DispatchMode) -> usize {
    let opts = SimOptions {
        dispatch,
        parking: Parking::MainFloor,
        keep_records: true,
        ..Default::default()
    };
    let mut sim = GroupSim::new(b, "P", opts).unwrap();
    sim.set_traffic(Pattern::UpPeak, RATE_P5, SEED);
    sim.stop_traffic_at(HOUR);
    sim.run_until(HOUR);
    sim.records().len()
}

fn elevator_core(b: &Building, arrivals: &[Arrival], tps: f64, etd: bool) -> usize {
    let g = &b.groups()[0];
    let stops: Vec<StopConfig> = b
        .floors()
        .iter()
        .enumerate()
        .map(|(i, f)| StopConfig {
            id: StopId(i as u32),
            name: f.name.clone(),
            position: f.level_m,
        })
        .collect();
    let k = g.car.kinematics;
    let ticks = |s: f64| (s * tps).round() as u32;
    let cars: Vec<ElevatorConfig> = (0..g.lifts.len())
        .map(|i| ElevatorConfig {
            id: elevator_core::config::ElevatorConfigId(i as u32),
            name: g.lifts[i].id.clone(),
            max_speed: Speed::from(k.rated_speed()),
            acceleration: Accel::from(k.acceleration()),
            deceleration: Accel::from(k.acceleration()),
            weight_capacity: Weight::from(75.0 * f64::from(g.car.capacity_persons)),
            starting_stop: StopId(0),
            door_open_ticks: ticks(g.car.door_dwell_s + 2.0 * g.car.transfer_s),
            door_transition_ticks: ticks((g.car.door_open_s + g.car.door_close_s) / 2.0),
            ..ElevatorConfig::default()
        })
        .collect();
    let mut builder = SimulationBuilder::new()
        .stops(stops)
        .elevators(cars)
        .ticks_per_second(tps);
    if etd {
        builder = builder.dispatch(EtdDispatch::default());
    }
    let mut sim = builder.build().unwrap();
    let total = (HOUR * tps) as u64;
    let mut next = 0;
    let mut delivered = 0;
    for tick in 0..total {
        let now = tick as f64 / tps;
        while next < arrivals.len() && arrivals[next].t <= now {
            let a = &arrivals[next];
            let _ = sim.spawn_rider(StopId(a.origin as u32), StopId(a.dest as u32), 75.0);
            next += 1;
        }
        sim.step();
        delivered += sim
            .drain_events()
            .iter()
            .filter(|e| matches!(e, Event::RiderExited { .. }))
            .count();
    }
    delivered
}

fn time(label: &str, mut f: impl FnMut() -> usize) {
    let mut walls = Vec::new();
    let mut delivered = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        delivered = f();
        walls.push(t.elapsed().as_secs_f64());
    }
    walls.sort_by(f64::total_cmp);
    let median = walls[RUNS / 2];
    println!(
        "{label:<46} {:>9.2} ms  {:>12.0}x real time  delivered {delivered}",
        median * 1000.0,
        HOUR / median
    );
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let b = Building::from_toml_str(OFFICE).unwrap();
    let arr = arrivals(&b);
    println!("6 cars, 21 floors, up-peak {RATE_P5} p/5 min, one simulated hour, {} arrivals; median of {RUNS}", arr.len());
    time("hoistway-twin, collective control", || {
        twin(&b, DispatchMode::Collective)
    });
    time("hoistway-twin, destination dispatch (ETD)", || {
        twin(&b, DispatchMode::Destination)
    });
    for tps in [60.0, 10.0] {
        time(
            &format!("elevator-core, default dispatch, {tps} ticks/s"),
            || elevator_core(&b, &arr, tps, false),
        );
        time(
            &format!("elevator-core, ETD dispatch, {tps} ticks/s"),
            || elevator_core(&b, &arr, tps, true),
        );
    }
}
