//! `hoistway analyze`: score a recorded series offline with the same
//! detector the engine runs, so users can back-test on exported history.
//!
//! Input: CSV with a header naming `timestamp` and `value` columns (others
//! are ignored). Timestamps are RFC 3339, or epoch numbers (seconds below
//! 10^11, milliseconds above). Output: CSV with header exactly
//! `timestamp,value,score,label` and one line per input row, in order;
//! `score` is in [0, 1] and `label` is 1 exactly when `score >= 0.5`.
//!
//! Bad rows fail the run with their line number instead of being skipped:
//! "one output row per input row" is the contract, and silently dropping a
//! row would shift every later score against the user's own row numbers.
//! Output written before the error is flushed, so a caller can see how far
//! it got.

use std::io::{Read, Write};

use serde::Serialize;

use crate::detect::robust::{DetectorConfig, Phase, SignalDetector};
use crate::time::parse_rfc3339;

/// Why a back-test stopped.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("input has no `{0}` column (the header must name `timestamp` and `value`)")]
    MissingColumn(&'static str),
    #[error("line {line}: {message}")]
    Row { line: u64, message: String },
    #[error("reading CSV: {0}")]
    Read(String),
    #[error("writing output: {0}")]
    Write(String),
}

/// Totals of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Data rows read and scored.
    pub rows: u64,
    /// Rows labelled 1.
    pub anomalies: u64,
    /// Alarm episodes (the engine would have raised a finding this often).
    pub raised: u64,
    /// Rows spent building the baseline (always scored 0).
    pub warmup_rows: u64,
}

/// Parses a timestamp cell to epoch milliseconds.
fn parse_ts(s: &str) -> Result<i64, String> {
    if let Ok(ms) = parse_rfc3339(s) {
        return Ok(ms);
    }
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n.abs() < 1e11 => Ok((n * 1000.0).round() as i64),
        Ok(n) if n.is_finite() && n.abs() < 1e17 => Ok(n.round() as i64),
        _ => Err(format!(
            "timestamp {s:?} is neither RFC 3339 nor epoch seconds/milliseconds"
        )),
    }
}

fn write_err(e: impl std::fmt::Display) -> AnalyzeError {
    AnalyzeError::Write(e.to_string())
}

/// Scores every row of `input` and writes the scored CSV to `output`.
pub fn analyze_csv<R: Read, W: Write>(
    input: R,
    output: W,
    cfg: &DetectorConfig,
) -> Result<Summary, AnalyzeError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(input);
    let headers = rdr
        .headers()
        .map_err(|e| AnalyzeError::Read(e.to_string()))?
        .clone();
    let col = |name: &'static str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
            .ok_or(AnalyzeError::MissingColumn(name))
    };
    let (ts_col, val_col) = (col("timestamp")?, col("value")?);

    let mut wtr = csv::Writer::from_writer(output);
    wtr.write_record(["timestamp", "value", "score", "label"])
        .map_err(write_err)?;
    let mut det = SignalDetector::new(cfg);
    let mut sum = Summary::default();
    let mut record = csv::StringRecord::new();
    let result = loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break Ok(()),
            Ok(true) => {}
            Err(e) => break Err(AnalyzeError::Read(e.to_string())),
        }
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: usize, name: &str| {
            record.get(i).ok_or_else(|| AnalyzeError::Row {
                line,
                message: format!("missing {name} cell"),
            })
        };
        let (ts_s, val_s) = match (cell(ts_col, "timestamp"), cell(val_col, "value")) {
            (Ok(t), Ok(v)) => (t, v),
            (Err(e), _) | (_, Err(e)) => break Err(e),
        };
        let ts = match parse_ts(ts_s) {
            Ok(ts) => ts,
            Err(message) => break Err(AnalyzeError::Row { line, message }),
        };
        let value = match val_s.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                break Err(AnalyzeError::Row {
                    line,
                    message: format!("value {val_s:?} is not a finite number"),
                })
            }
        };
        let o = det.observe(value as f32, ts, cfg);
        sum.rows += 1;
        sum.anomalies += u64::from(o.label);
        sum.raised += u64::from(o.phase == Phase::Raised);
        sum.warmup_rows += u64::from(o.phase == Phase::WarmingUp || !det.is_watching(cfg));
        let score = format!("{:.4}", o.score.clamp(0.0, 1.0));
        let label = if o.label { "1" } else { "0" };
        if let Err(e) = wtr.write_record([ts_s, val_s, score.as_str(), label]) {
            break Err(write_err(e));
        }
    };
    wtr.flush().map_err(write_err)?;
    result.map(|()| sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Rng;
    use crate::time::format_rfc3339_ms;

    fn series(n: usize, shift_at: usize) -> String {
        let mut r = Rng::new(11);
        let mut s = String::from("timestamp,value\n");
        for i in 0..n {
            let level = if i >= shift_at { 4.0 } else { 0.0 };
            let ts = format_rfc3339_ms(1_700_000_000_000 + i as i64 * 60_000);
            s.push_str(&format!("{ts},{:.4}\n", 10.0 + level + r.gauss()));
        }
        s
    }

    fn run(input: &str) -> (Result<Summary, AnalyzeError>, String) {
        let mut out = Vec::new();
        let r = analyze_csv(input.as_bytes(), &mut out, &DetectorConfig::default());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn header_and_one_row_per_input_row() {
        let input = series(1500, 1000);
        let (sum, out) = run(&input);
        let sum = sum.unwrap();
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("timestamp,value,score,label"));
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        assert_eq!(rows.len(), 1500);
        assert_eq!(sum.rows, 1500);
        for (row, inp) in rows.iter().zip(input.lines().skip(1)) {
            assert_eq!(format!("{},{}", row[0], row[1]), inp);
            let score: f32 = row[2].parse().unwrap();
            assert!((0.0..=1.0).contains(&score));
            assert_eq!(row[3] == "1", score >= 0.5, "{row:?}");
        }
        // The shift at row 1000 is found, the stationary part is quiet.
        assert_eq!(sum.raised, 1);
        let before = rows[600..1000].iter().filter(|r| r[3] == "1").count();
        let after = rows[1100..].iter().filter(|r| r[3] == "1").count();
        assert!(before <= 2, "{before} labels before the shift");
        assert!(after > 350, "{after} labels after the shift");
    }

    #[test]
    fn epoch_timestamps_and_extra_columns() {
        let input = "value,timestamp,note\n1.0,1700000000,a\n2.0,1700000000123,b\n";
        let (sum, out) = run(input);
        assert_eq!(sum.unwrap().rows, 2);
        assert_eq!(out.lines().nth(2).unwrap(), "1700000000123,2.0,0.0000,0");
    }

    #[test]
    fn bad_rows_fail_with_their_line() {
        let input = "timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T00:01:00Z,abc\n";
        let (r, out) = run(input);
        let msg = r.unwrap_err().to_string();
        assert!(msg.starts_with("line 3:") && msg.contains("abc"), "{msg}");
        assert_eq!(out.lines().count(), 2, "rows before the error are flushed");
        let (r, _) = run("timestamp,value\nyesterday,1\n");
        assert!(r.unwrap_err().to_string().starts_with("line 2:"));
        let (r, _) = run("time,value\n");
        assert!(matches!(r, Err(AnalyzeError::MissingColumn("timestamp"))));
    }
}
