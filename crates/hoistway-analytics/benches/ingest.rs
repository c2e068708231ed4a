//! Ingest throughput in events/s on a realistic generated event mix:
//! (a) `serde_json::Value` parsing as the yardstick, (b) our decoder,
//! (c) decode + dedupe + state + analytics + rollups, (d) NDJSON batches.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use hoistway_analytics::synth::Fleet;
use hoistway_analytics::{decode_event, decode_ndjson, encode_event, Engine};
use std::hint::black_box;

const EVENTS: usize = 20_000;
const UNITS: usize = 200;

fn lines() -> Vec<Vec<u8>> {
    Fleet::new(42, UNITS, 1_714_557_600_000, 2_000)
        .take(EVENTS)
        .map(|e| encode_event(&e).into_bytes())
        .collect()
}

fn bench(c: &mut Criterion) {
    let lines = lines();
    let bytes: usize = lines.iter().map(Vec::len).sum();
    eprintln!(
        "{EVENTS} events, {:.0} bytes/event on average",
        bytes as f64 / EVENTS as f64
    );
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(EVENTS as u64));

    g.bench_function("a_serde_json_value", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(serde_json::from_slice::<serde_json::Value>(l).unwrap());
            }
        })
    });
    g.bench_function("b_decode", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(decode_event(l).unwrap());
            }
        })
    });
    g.bench_function("c_pipeline", |b| {
        b.iter_batched(
            || (Engine::default(), Vec::with_capacity(64)),
            |(mut engine, mut findings)| {
                for l in &lines {
                    let ev = decode_event(l).unwrap();
                    engine.ingest_into(&ev, &mut findings);
                }
                black_box(engine.rollups_drain(i64::MAX));
                (engine, findings)
            },
            BatchSize::LargeInput,
        )
    });
    let mut ndjson = Vec::with_capacity(bytes + EVENTS);
    for l in &lines {
        ndjson.extend_from_slice(l);
        ndjson.push(b'\n');
    }
    g.bench_function("d_decode_ndjson", |b| {
        b.iter(|| black_box(decode_ndjson(&ndjson)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
