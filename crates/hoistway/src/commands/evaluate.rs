//! `hoistway evaluate`: the analytics scored against labelled data.
//!
//! `skab` runs `hoistway analyze`'s exact path (default detector
//! configuration, every sensor column, no per-file settings) over each
//! faulty experiment of the SKAB pump test bed and scores it as SKAB's
//! leaderboard does: per-row F1, false-alarm and missed-alarm rates on each
//! file's test part (after the first 400 rows, which the published methods
//! train on), and the NAB standard score with a 60 s window to the right of
//! each true changepoint, a detection being the first row of each labelled
//! stretch.

use anyhow::Context;
use chrono::NaiveDateTime;
use hoistway_analytics::eval::{Nab, RowCounts};
use hoistway_analytics::{analyze_csv, AnalyzeOptions, DetectorConfig};
use std::path::{Path, PathBuf};

const SENSORS: [&str; 8] = [
    "Accelerometer1RMS",
    "Accelerometer2RMS",
    "Current",
    "Pressure",
    "Temperature",
    "Thermocouple",
    "Voltage",
    "Volume Flow RateRMS",
];
const TRAIN_ROWS: usize = 400;
const NAB_WINDOW_MS: i64 = 60_000;

/// The labels of one file and what the detector said, row by row.
struct Scored {
    ts_ms: Vec<i64>,
    anomaly: Vec<bool>,
    changepoint: Vec<bool>,
    label: Vec<bool>,
}

fn score_file(path: &Path) -> anyhow::Result<Scored> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    let opts = AnalyzeOptions {
        columns: SENSORS.iter().map(|s| (*s).to_owned()).collect(),
        local_to_utc: None,
    };
    analyze_csv(
        bytes.as_slice(),
        &mut out,
        &DetectorConfig::default(),
        &opts,
    )
    .with_context(|| format!("analysing {}", path.display()))?;
    let label: Vec<bool> = String::from_utf8(out)?
        .lines()
        .skip(1)
        .map(|l| l.ends_with(",1"))
        .collect();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(bytes.as_slice());
    let headers = rdr.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no {name} column", path.display()))
    };
    let (t, a, c) = (col("datetime")?, col("anomaly")?, col("changepoint")?);
    let mut s = Scored {
        ts_ms: Vec::new(),
        anomaly: Vec::new(),
        changepoint: Vec::new(),
        label,
    };
    for r in rdr.records() {
        let r = r?;
        let ts = NaiveDateTime::parse_from_str(&r[t], "%Y-%m-%d %H:%M:%S")
            .with_context(|| format!("{}: datetime {:?}", path.display(), &r[t]))?;
        s.ts_ms.push(ts.and_utc().timestamp_millis());
        s.anomaly.push(r[a].parse::<f64>()? >= 0.5);
        s.changepoint.push(r[c].parse::<f64>()? >= 0.5);
    }
    anyhow::ensure!(
        s.label.len() == s.ts_ms.len(),
        "{}: {} scored rows for {} input rows",
        path.display(),
        s.label.len(),
        s.ts_ms.len()
    );
    Ok(s)
}

/// Outlier counts on the test part and NAB parts of one file.
fn evaluate(s: &Scored) -> (RowCounts, Nab) {
    let mut rows = RowCounts::default();
    for i in TRAIN_ROWS.min(s.label.len())..s.label.len() {
        rows.add(s.anomaly[i], s.label[i]);
    }
    let at = |flags: &[bool], onsets: bool| -> Vec<i64> {
        (0..flags.len())
            .filter(|&i| flags[i] && (!onsets || i == 0 || !flags[i - 1]))
            .map(|i| s.ts_ms[i])
            .collect()
    };
    let nab = Nab::score(
        &at(&s.changepoint, false),
        &at(&s.label, true),
        NAB_WINDOW_MS,
    );
    (rows, nab)
}

fn csv_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    Ok(files)
}

pub fn skab(dir: &Path) -> anyhow::Result<()> {
    let mut total = (RowCounts::default(), Nab::default(), 0usize);
    for group in ["valve1", "valve2", "other"] {
        let mut sub = (RowCounts::default(), Nab::default(), 0usize);
        for f in csv_files(&dir.join(group))? {
            let (rows, nab) = evaluate(&score_file(&f)?);
            sub.0.merge(&rows);
            sub.1.merge(&nab);
            sub.2 += 1;
        }
        print_line(group, &sub);
        total.0.merge(&sub.0);
        total.1.merge(&sub.1);
        total.2 += sub.2;
    }
    print_line("all", &total);
    println!(
        "published (SKAB leaderboard): outlier F1 Conv-AE 0.78 (FAR 13.55 %, MAR 28.02 %), MSET 0.78, T-squared+Q 0.76; NAB standard MSCRED 32.42, Isolation forest 26.16"
    );
    Ok(())
}

fn print_line(name: &str, (rows, nab, files): &(RowCounts, Nab, usize)) {
    println!(
        "{name:<7} {files:>2} files  outlier F1 {:.2} (FAR {:.2} %, MAR {:.2} %)  NAB standard {:.2} ({} of {} changepoints within 60 s, {} false detections)",
        rows.f1(),
        rows.far(),
        rows.mar(),
        nab.normalised(),
        nab.detected,
        nab.windows,
        nab.false_positives
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onsets_and_test_part() {
        let n = 410;
        let mut s = Scored {
            ts_ms: (0..n as i64).map(|i| i * 1000).collect(),
            anomaly: vec![false; n],
            changepoint: vec![false; n],
            label: vec![false; n],
        };
        for i in 402..410 {
            s.anomaly[i] = true;
            s.label[i] = i >= 404;
        }
        s.changepoint[402] = true;
        // A labelled row inside the training part is not scored.
        s.label[10] = true;
        let (rows, nab) = evaluate(&s);
        assert_eq!((rows.tp, rows.fn_, rows.fp, rows.tn), (6, 2, 0, 2));
        // Two onsets: row 10 (a false detection) and row 404 (2 s late).
        assert_eq!((nab.detected, nab.false_positives), (1, 1));
    }
}
