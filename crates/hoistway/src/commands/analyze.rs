//! `hoistway analyze`: the offline back-test over a CSV series, with the
//! time zone of offset-less timestamps resolved here (the analytics core
//! carries no time-zone data).

use anyhow::Context;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use hoistway_analytics::{analyze_csv, AnalyzeOptions, DetectorConfig};
use std::path::Path;

/// Local wall time (epoch ms read as UTC) to UTC in `tz`; an ambiguous
/// time (the repeated hour when clocks go back) takes the earlier instant.
fn local_to_utc(tz: Tz, naive_ms: i64) -> Option<i64> {
    let naive: NaiveDateTime = chrono::DateTime::from_timestamp_millis(naive_ms)?.naive_utc();
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp_millis())
}

pub fn run(input: &Path, columns: Vec<String>, timezone: &str) -> anyhow::Result<()> {
    let tz: Tz = timezone
        .parse()
        .map_err(|_| anyhow::anyhow!("--timezone {timezone:?} is not an IANA time zone"))?;
    let file =
        std::fs::File::open(input).with_context(|| format!("reading {}", input.display()))?;
    let convert = move |ms: i64| local_to_utc(tz, ms);
    let opts = AnalyzeOptions {
        columns,
        local_to_utc: (tz != Tz::UTC).then_some(&convert as &dyn Fn(i64) -> Option<i64>),
    };
    let stdout = std::io::stdout().lock();
    let summary = analyze_csv(
        std::io::BufReader::new(file),
        std::io::BufWriter::new(stdout),
        &DetectorConfig::default(),
        &opts,
    )?;
    eprintln!(
        "{} rows ({} warm-up), {} labelled anomalous, {} alarm episodes raised",
        summary.rows, summary.warmup_rows, summary.anomalies, summary.raised
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_follow_the_zone_and_its_dst() {
        let helsinki: Tz = "Europe/Helsinki".parse().unwrap();
        let naive = |s: &str| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .and_utc()
                .timestamp_millis()
        };
        // Winter: UTC+2; summer: UTC+3.
        assert_eq!(
            local_to_utc(helsinki, naive("2026-01-15 12:00:00")),
            Some(naive("2026-01-15 10:00:00"))
        );
        assert_eq!(
            local_to_utc(helsinki, naive("2026-07-15 12:00:00")),
            Some(naive("2026-07-15 09:00:00"))
        );
        // 03:30 does not exist on the morning clocks go forward.
        assert_eq!(local_to_utc(helsinki, naive("2026-03-29 03:30:00")), None);
    }
}
