//! Fuzz targets as proptest properties, run in CI for a bounded number of
//! cases (`HOISTWAY_FUZZ_CASES`, default below) and longer by hand:
//!
//! ```text
//! HOISTWAY_FUZZ_CASES=1000000 cargo test --release -p hoistway-connected --lib fuzz
//! HOISTWAY_FUZZ_CASES=1000000 cargo test --release -p hoistway-kone --lib fuzz
//! ```
//!
//! The telemetry decoder and the NDJSON batch splitter are in
//! `hoistway_connected::fuzz`; the `/stream-v2` frame handler is in
//! `hoistway_kone::ws::fuzz` (it needs the
//! connection's private state) and the CSV import in the binary's
//! `commands::import`.

/// Cases per target: `HOISTWAY_FUZZ_CASES`, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("HOISTWAY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
