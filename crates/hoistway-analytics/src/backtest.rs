//! `hoistway analyze`: score a recorded series offline with the same
//! detector the engine runs, so users can back-test on exported history.
//!
//! Input: CSV, `,` or `;` separated (sniffed from the header), with a
//! header naming a timestamp column (`timestamp`, else `datetime` or `time`)
//! and the value columns ([`AnalyzeOptions::columns`], default `value`;
//! others are ignored). Timestamps are RFC 3339, ISO 8601 without an offset
//! (`2026-01-01T00:00:00`), `YYYY-MM-DD HH:MM:SS`, or epoch numbers (seconds
//! below 10^11, milliseconds above); times without an offset are local to
//! [`AnalyzeOptions::local_to_utc`] (UTC when unset). Output: CSV with
//! header exactly `timestamp,value,score,label` and one line per input row,
//! in order, `value` being the first value column. With several value
//! columns each gets its own detector and a row takes the highest score and
//! the union of the labels.
//!
//! - `score` (in [0, 1]) says how likely an anomaly *starts* at that row:
//!   the detectors' onset score, judged against a fast baseline that adopts
//!   a confirmed new level, so it peaks at a change (crossing 0.5 when a
//!   change is detected) and decays once the new level is the normal. While
//!   an alarm is up it stays at least [`UNDER_WAY`] (an anomaly is under
//!   way), below 0.5 so that only onsets cross 0.5.
//! - `label` is 1 while a finding would be open: an alarm against the
//!   signal's reference baseline, which does not adopt the new level, is
//!   up (or the row is a single-sample outlier). It stays up until the
//!   signal is back near its old normal (or most of the excess is gone),
//!   whatever the score does.
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
    #[error("input has no `{0}` column (the header must name `timestamp` and `value`, or the columns given)")]
    MissingColumn(String),
    #[error("line {line}: {message}")]
    Row { line: u64, message: String },
    #[error("reading CSV: {0}")]
    Read(String),
    #[error("writing output: {0}")]
    Write(String),
}

/// The floor of `score` while an alarm is up.
pub const UNDER_WAY: f32 = 0.3;

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

/// Converts a wall-clock time without offset, given as epoch milliseconds
/// read as if it were UTC, to real UTC milliseconds (`None`: the local time
/// does not exist, e.g. inside a DST gap).
pub type LocalToUtc<'a> = &'a dyn Fn(i64) -> Option<i64>;

/// What to read and how.
#[derive(Default)]
pub struct AnalyzeOptions<'a> {
    /// Value columns, scored together; empty means `value`.
    pub columns: Vec<String>,
    /// Time zone of timestamps without an offset; `None` is UTC.
    pub local_to_utc: Option<LocalToUtc<'a>>,
}

/// Parses a timestamp cell to epoch milliseconds.
fn parse_ts(s: &str, local: Option<LocalToUtc<'_>>) -> Result<i64, String> {
    if let Ok(ms) = parse_rfc3339(s) {
        return Ok(ms);
    }
    // ISO 8601 without an offset, with `T` or a space between date and time.
    let b = s.as_bytes();
    if b.len() >= 16 && b[4] == b'-' && b[7] == b'-' && matches!(b[10], b'T' | b't' | b' ') {
        let time = &s[11..];
        let time = if time.len() == 5 {
            format!("{time}:00")
        } else {
            time.to_owned()
        };
        if let Ok(naive) = parse_rfc3339(&format!("{}T{time}Z", &s[..10])) {
            return match local {
                None => Ok(naive),
                Some(f) => f(naive).ok_or_else(|| {
                    format!("timestamp {s:?} does not exist in the given time zone")
                }),
            };
        }
    }
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n.abs() < 1e11 => Ok((n * 1000.0).round() as i64),
        Ok(n) if n.is_finite() && n.abs() < 1e17 => Ok(n.round() as i64),
        _ => Err(format!(
            "timestamp {s:?} is not RFC 3339, YYYY-MM-DD[T ]HH:MM:SS or epoch seconds/milliseconds"
        )),
    }
}

fn write_err(e: impl std::fmt::Display) -> AnalyzeError {
    AnalyzeError::Write(e.to_string())
}

/// `;` when the header line has more of them than commas.
fn sniff_delimiter(input: &[u8]) -> u8 {
    let header = input.split(|&c| c == b'\n').next().unwrap_or_default();
    let count = |d: u8| header.iter().filter(|&&c| c == d).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// Scores every row of `input` and writes the scored CSV to `output`.
pub fn analyze_csv<R: Read, W: Write>(
    mut input: R,
    output: W,
    cfg: &DetectorConfig,
    opts: &AnalyzeOptions<'_>,
) -> Result<Summary, AnalyzeError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| AnalyzeError::Read(e.to_string()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(sniff_delimiter(&bytes))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = rdr
        .headers()
        .map_err(|e| AnalyzeError::Read(e.to_string()))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let ts_col = ["timestamp", "datetime", "time"]
        .into_iter()
        .find_map(find)
        .ok_or_else(|| AnalyzeError::MissingColumn("timestamp".into()))?;
    let names: Vec<String> = if opts.columns.is_empty() {
        vec!["value".to_owned()]
    } else {
        opts.columns.clone()
    };
    let val_cols = names
        .iter()
        .map(|n| find(n).ok_or_else(|| AnalyzeError::MissingColumn(n.clone())))
        .collect::<Result<Vec<usize>, _>>()?;

    let mut wtr = csv::Writer::from_writer(output);
    wtr.write_record(["timestamp", "value", "score", "label"])
        .map_err(write_err)?;
    let mut dets: Vec<SignalDetector> = val_cols.iter().map(|_| SignalDetector::new(cfg)).collect();
    let mut sum = Summary::default();
    let mut alarmed = false;
    let mut record = csv::StringRecord::new();
    let result = loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break Ok(()),
            Ok(true) => {}
            Err(e) => break Err(AnalyzeError::Read(e.to_string())),
        }
        let line = record.position().map_or(0, |p| p.line());
        match score_row(
            &record, line, ts_col, &val_cols, &names, &mut dets, cfg, opts,
        ) {
            Ok(row) => {
                sum.rows += 1;
                sum.anomalies += u64::from(row.label);
                let now_alarmed = dets.iter().any(SignalDetector::is_alarmed);
                sum.raised += u64::from(now_alarmed && !alarmed);
                alarmed = now_alarmed;
                sum.warmup_rows += u64::from(row.warming_up);
                let score = format!("{:.4}", row.score.clamp(0.0, 1.0));
                let label = if row.label { "1" } else { "0" };
                let ts_s = record.get(ts_col).unwrap_or_default();
                let val_s = record.get(val_cols[0]).unwrap_or_default();
                if let Err(e) = wtr.write_record([ts_s, val_s, score.as_str(), label]) {
                    break Err(write_err(e));
                }
            }
            Err(e) => break Err(e),
        }
    };
    wtr.flush().map_err(write_err)?;
    result.map(|()| sum)
}

/// One row's verdict over all its value columns.
struct RowVerdict {
    score: f32,
    label: bool,
    warming_up: bool,
}

#[allow(clippy::too_many_arguments)]
fn score_row(
    record: &csv::StringRecord,
    line: u64,
    ts_col: usize,
    val_cols: &[usize],
    names: &[String],
    dets: &mut [SignalDetector],
    cfg: &DetectorConfig,
    opts: &AnalyzeOptions<'_>,
) -> Result<RowVerdict, AnalyzeError> {
    let row_err = |message: String| AnalyzeError::Row { line, message };
    let ts_s = record
        .get(ts_col)
        .ok_or_else(|| row_err("missing timestamp cell".into()))?;
    let ts = parse_ts(ts_s, opts.local_to_utc).map_err(row_err)?;
    let mut v = RowVerdict {
        score: 0.0,
        label: false,
        warming_up: false,
    };
    for ((&col, name), det) in val_cols.iter().zip(names).zip(dets.iter_mut()) {
        let cell = record
            .get(col)
            .ok_or_else(|| row_err(format!("missing {name} cell")))?;
        let value = match cell.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => return Err(row_err(format!("{name} {cell:?} is not a finite number"))),
        };
        let o = det.observe(value as f32, ts, cfg);
        let under_way = if o.label { UNDER_WAY } else { 0.0 };
        v.score = v.score.max(o.onset).max(under_way);
        v.label |= o.label;
        v.warming_up |= o.phase == Phase::WarmingUp || !det.is_watching(cfg);
    }
    Ok(v)
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
        let r = analyze_csv(
            input.as_bytes(),
            &mut out,
            &DetectorConfig::default(),
            &AnalyzeOptions::default(),
        );
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
            // An open finding is an anomaly under way.
            if row[3] == "1" {
                assert!(score >= UNDER_WAY, "{row:?}");
            }
        }
        let score = |i: usize| rows[i][2].parse::<f32>().unwrap();
        // The shift at row 1000 is found, the stationary part is quiet.
        assert_eq!(sum.raised, 1);
        let before = rows[600..1000].iter().filter(|r| r[3] == "1").count();
        let after = rows[1100..].iter().filter(|r| r[3] == "1").count();
        assert!(before <= 2, "{before} labels before the shift");
        assert!(after > 350, "{after} labels after the shift");
        // The score is high at the onset, not stuck there.
        assert!((600..1000).all(|i| score(i) < 0.5));
        assert!((1000..1010).any(|i| score(i) >= 0.5));
        assert!((1100..1500).all(|i| score(i) < 0.5));
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
        let (r, _) = run("when,value\n");
        assert!(matches!(r, Err(AnalyzeError::MissingColumn(c)) if c == "timestamp"));
    }

    #[test]
    fn ordinary_timestamps_semicolons_and_time_zones() {
        let mut input = String::from("datetime;value;other\n");
        for i in 0..3 {
            input.push_str(&format!("2026-01-01 00:0{i}:00;{i}.5;x\n"));
        }
        input.push_str("2026-01-01T00:03:00;4;x\n2026-01-01T00:04;5;x\n");
        let (sum, out) = run(&input);
        assert_eq!(sum.unwrap().rows, 5, "{out}");
        assert_eq!(
            out.lines().nth(1).unwrap(),
            "2026-01-01 00:00:00,0.5,0.0000,0"
        );
        // The zone applies to times without an offset, not to RFC 3339.
        let plus2 = |naive: i64| Some(naive - 2 * 3_600_000);
        assert_eq!(
            parse_ts("2026-01-01 02:00:00", Some(&plus2)),
            parse_ts("2026-01-01T00:00:00Z", None)
        );
        assert_eq!(
            parse_ts("2026-01-01T00:00:00Z", Some(&plus2)),
            parse_ts("2026-01-01T00:00:00", None)
        );
        let gap = |_: i64| None;
        assert!(parse_ts("2026-03-29 02:30:00", Some(&gap))
            .unwrap_err()
            .contains("does not exist"));
    }

    #[test]
    fn several_columns_score_together_and_value_is_the_first() {
        let mut r = Rng::new(5);
        let mut input = String::from("timestamp,a,b\n");
        for i in 0..1500 {
            let ts = format_rfc3339_ms(1_700_000_000_000 + i as i64 * 60_000);
            // Only column b shifts.
            let b = 20.0 + r.gauss() + if i >= 1000 { 5.0 } else { 0.0 };
            input.push_str(&format!("{ts},{:.3},{b:.3}\n", 10.0 + r.gauss()));
        }
        let mut out = Vec::new();
        let opts = AnalyzeOptions {
            columns: vec!["a".into(), "b".into()],
            local_to_utc: None,
        };
        let sum = analyze_csv(
            input.as_bytes(),
            &mut out,
            &DetectorConfig::default(),
            &opts,
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        let first = input.lines().nth(1).unwrap();
        let a_cell = first.split(',').nth(1).unwrap();
        assert!(out.lines().nth(1).unwrap().contains(&format!(",{a_cell},")));
        assert_eq!(sum.raised, 1, "the shift in b is one episode");
        let missing = AnalyzeOptions {
            columns: vec!["a".into(), "c".into()],
            local_to_utc: None,
        };
        let err = analyze_csv(
            input.as_bytes(),
            Vec::new(),
            &DetectorConfig::default(),
            &missing,
        )
        .unwrap_err();
        assert!(err.to_string().contains("`c`"), "{err}");
    }
}
