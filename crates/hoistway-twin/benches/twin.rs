//! Simulation speed: simulated seconds per wall-clock second.
//!
//! Criterion's throughput is set to the simulated seconds of one iteration,
//! so its "elem/s" figure is the speed-up over real time (target: at least
//! 100,000x for a 6-car, 20-floor group at up-peak).

use chrono::TimeZone;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hoistway_twin::{
    Building, DispatchMode, GroupSim, Parking, Pattern, SimOptions, TelemetryTwin,
};

const OFFICE_20: &str = include_str!("../../../examples/buildings/office-20x6.toml");
const HOUR: f64 = 3600.0;

fn group_hour(c: &mut Criterion) {
    let b = Building::from_toml_str(OFFICE_20).unwrap();
    let mut g = c.benchmark_group("office-20x6 up-peak, one simulated hour");
    g.throughput(Throughput::Elements(HOUR as u64));
    for dispatch in [DispatchMode::Collective, DispatchMode::Destination] {
        g.bench_function(dispatch.as_str(), |bench| {
            bench.iter(|| {
                let opts = SimOptions {
                    dispatch,
                    parking: Parking::MainFloor,
                    keep_records: true,
                    ..Default::default()
                };
                let mut sim = GroupSim::new(&b, "P", opts).unwrap();
                sim.set_traffic(Pattern::UpPeak, 130.0, 42);
                sim.run_until(HOUR);
                sim.records().len()
            })
        });
    }
    g.finish();
}

fn telemetry_hour(c: &mut Criterion) {
    let b = Building::from_toml_str(OFFICE_20).unwrap();
    let mut g = c.benchmark_group("telemetry fleet (6 lifts, escalator, door), one simulated hour");
    g.throughput(Throughput::Elements(HOUR as u64));
    g.bench_function("advance", |bench| {
        bench.iter(|| {
            let start = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
            let mut t = TelemetryTwin::new(start, 1);
            let ids: Vec<String> = (1..=6).map(|i| format!("L{i}")).collect();
            t.add_group(
                &b,
                "P",
                &ids,
                Pattern::Mixed,
                None,
                DispatchMode::Collective,
            )
            .unwrap();
            t.add_escalator("E1").unwrap();
            t.add_door("D1", 200.0).unwrap();
            t.advance(HOUR).len()
        })
    });
    g.finish();
}

criterion_group!(benches, group_hour, telemetry_hour);
criterion_main!(benches);
