//! `hoistway evaluate`: the analytics scored against labelled data.
//!
//! `twin` runs lift groups of the twin with faults injected on some lifts
//! (their onset and failure are the labels) through the engine the server
//! runs, turns findings into pre-emptive cases the way the desk does (one
//! per unit and fault family episode, a recurrence within 7 days reopening
//! it) and reports per fault kind how often a case opened between onset and
//! failure and how early, plus the cases opened on healthy lifts (and on
//! faulty ones before onset) per unit-year.
//!
//! `skab` runs `hoistway analyze`'s exact path (default detector
//! configuration, every sensor column, no per-file settings) over each
//! faulty experiment of the SKAB pump test bed and scores it as SKAB's
//! leaderboard does: per-row F1, false-alarm and missed-alarm rates on each
//! file's test part (after the first 400 rows, which the published methods
//! train on), and the NAB standard score with a 60 s window to the right of
//! each true changepoint, a detection being each row where `score` rises
//! to 0.5 or above (an onset). `label` is what a finding would be: it is
//! what the per-row metrics judge. For calibration it also prints the NAB
//! score of a blind detector that fires every 60 s whatever the data: the
//! standard profile's false positives are cheap (−0.11 against +1 for an
//! early hit and −1 for a miss), so that detector scores well too, and a
//! NAB figure means little without its false-detection count.

use super::train::{office_fleet, OfficeFleet, PRECURSOR_FAULTS};
use anyhow::Context;
use chrono::NaiveDateTime;
use hoistway_analytics::eval::{Nab, RowCounts};
use hoistway_analytics::{
    analyze_csv, decode_event, AnalyzeOptions, DetectorConfig, Engine, EngineConfig, Finding,
    FindingStatus,
};
use hoistway_domain::findings::family;
use hoistway_twin::FaultKind;
use std::collections::HashMap;
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
    score: Vec<f32>,
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
    let text = String::from_utf8(out)?;
    let label: Vec<bool> = text.lines().skip(1).map(|l| l.ends_with(",1")).collect();
    let score: Vec<f32> = text
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(',')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0)
        })
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
        score,
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

/// Outlier counts on the test part, NAB parts of one file, and the NAB
/// parts of a blind detector firing every 60 s.
fn evaluate(s: &Scored) -> (RowCounts, Nab, Nab) {
    let mut rows = RowCounts::default();
    for i in TRAIN_ROWS.min(s.label.len())..s.label.len() {
        rows.add(s.anomaly[i], s.label[i]);
    }
    let changepoints: Vec<i64> = (0..s.changepoint.len())
        .filter(|&i| s.changepoint[i])
        .map(|i| s.ts_ms[i])
        .collect();
    let onsets: Vec<i64> = (0..s.score.len())
        .filter(|&i| s.score[i] >= 0.5 && (i == 0 || s.score[i - 1] < 0.5))
        .map(|i| s.ts_ms[i])
        .collect();
    let nab = Nab::score(&changepoints, &onsets, NAB_WINDOW_MS);
    let blind: Vec<i64> = match (s.ts_ms.first(), s.ts_ms.last()) {
        (Some(&a), Some(&b)) => (1..)
            .map(|k| a + k * NAB_WINDOW_MS)
            .take_while(|&t| t <= b)
            .collect(),
        _ => Vec::new(),
    };
    let blind = Nab::score(&changepoints, &blind, NAB_WINDOW_MS);
    (rows, nab, blind)
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
    let mut blind_total = Nab::default();
    for group in ["valve1", "valve2", "other"] {
        let mut sub = (RowCounts::default(), Nab::default(), 0usize);
        for f in csv_files(&dir.join(group))? {
            let (rows, nab, blind) = evaluate(&score_file(&f)?);
            sub.0.merge(&rows);
            sub.1.merge(&nab);
            sub.2 += 1;
            blind_total.merge(&blind);
        }
        print_line(group, &sub);
        total.0.merge(&sub.0);
        total.1.merge(&sub.1);
        total.2 += sub.2;
    }
    print_line("all", &total);
    println!(
        "calibration: a blind detector firing every 60 s scores NAB standard {:.2} ({} of {} changepoints, {} false detections)",
        blind_total.normalised(),
        blind_total.detected,
        blind_total.windows,
        blind_total.false_positives
    );
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

const DAY_S: f64 = 86_400.0;
const COOLDOWN_MS: i64 = 7 * 86_400_000;
/// Kinds a case is about, not a precursor: the alarm at failure and lost
/// telemetry are not predictions.
const NOT_PREDICTIVE: [&str; 3] = ["entrapment", "emergency_phone", "offline"];

/// Per (unit, family): the kinds open now and when the episode last closed.
type Episodes = HashMap<(String, &'static str), (Vec<String>, Option<i64>)>;

/// Pre-emptive cases as the desk keeps them: one per (unit, family)
/// episode, reopened by a recurrence within the cooldown.
#[derive(Default)]
struct CaseBook {
    /// (unit, family) → open kinds and when the episode last closed.
    episodes: Episodes,
    /// Every case opened: (unit, family, at ms).
    opened: Vec<(String, &'static str, i64)>,
}

impl CaseBook {
    fn apply(&mut self, f: &Finding) {
        let kind = f.kind.as_str();
        if NOT_PREDICTIVE.contains(&kind) {
            return;
        }
        let fam = family(kind);
        let e = self
            .episodes
            .entry((f.unit.as_str().to_owned(), fam))
            .or_default();
        match f.status {
            FindingStatus::Raised => {
                let new_case =
                    e.0.is_empty() && e.1.is_none_or(|closed| f.ts_ms - closed > COOLDOWN_MS);
                if new_case {
                    self.opened.push((f.unit.as_str().to_owned(), fam, f.ts_ms));
                }
                if !e.0.iter().any(|k| k == kind) {
                    e.0.push(kind.to_owned());
                }
            }
            FindingStatus::Updated => {}
            FindingStatus::Cleared => {
                e.0.retain(|k| k != kind);
                if e.0.is_empty() {
                    e.1 = Some(f.ts_ms);
                }
            }
        }
    }
}

/// One injected fault and what the cases said about it.
struct Injected {
    kind: FaultKind,
    onset_ms: i64,
    failure_ms: i64,
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    Some(sorted[i])
}

pub fn twin(groups: usize, days: u32, seed: u64) -> anyhow::Result<()> {
    anyhow::ensure!((1..=200).contains(&groups), "--groups must be 1 to 200");
    anyhow::ensure!((7..=3650).contains(&days), "--days must be 7 to 3650");
    let OfficeFleet {
        mut twin,
        start,
        groups: ids_of,
    } = office_fleet(groups, seed)?;
    let lifts = ids_of.first().map_or(0, Vec::len);
    let start_ms = start.timestamp_millis();
    let kinds = PRECURSOR_FAULTS;
    let mut injected: HashMap<String, Injected> = HashMap::new();
    for (g, ids) in ids_of.iter().enumerate() {
        // One faulty lift per group, failing somewhere after the first two
        // weeks (the baselines' learning) with a 5-day precursor.
        let kind = kinds[g % kinds.len()];
        let span = f64::from(days) - 15.0;
        let fail_day = 15.0 + (span * ((g * 37 % 100) as f64 / 100.0)).max(1.0);
        let label = twin.inject_fault(
            &ids[g % lifts],
            kind,
            (fail_day - 5.0) * DAY_S,
            fail_day * DAY_S,
        )?;
        injected.insert(
            label.unit.clone(),
            Injected {
                kind,
                onset_ms: start_ms + (label.onset_s * 1000.0) as i64,
                failure_ms: start_ms + (label.failure_s * 1000.0) as i64,
            },
        );
    }
    let mut engine = Engine::new(EngineConfig::default());
    let mut book = CaseBook::default();
    for _ in 0..(days as usize * 24) {
        for e in twin.advance(3600.0) {
            if let Ok(ev) = decode_event(e.to_json().as_bytes()) {
                for f in engine.ingest(&ev).findings {
                    book.apply(&f);
                }
            }
        }
        let now_ms = twin.now().timestamp_millis();
        for f in engine.tick(now_ms) {
            book.apply(&f);
        }
        let closed = engine.rollups_drain(now_ms);
        let mut risk = Vec::new();
        for day in closed
            .iter()
            .filter(|r| r.period == hoistway_analytics::Period::Day)
        {
            engine.assess_day(day, &mut risk);
        }
        for f in &risk {
            book.apply(f);
        }
    }
    let end_ms = twin.now().timestamp_millis();
    // Healthy time: every lift's whole run, except a faulty lift's time
    // from onset on (its cases there are about its fault).
    let units = groups * lifts;
    let mut healthy_ms = (end_ms - start_ms) as f64 * units as f64;
    for i in injected.values() {
        healthy_ms -= (end_ms - i.onset_ms.min(end_ms)) as f64;
    }
    let false_list: Vec<&(String, &'static str, i64)> = book
        .opened
        .iter()
        .filter(|(u, _, at)| injected.get(u).is_none_or(|i| *at < i.onset_ms))
        .collect();
    let false_cases = false_list.len();
    let mut by_family: Vec<(&str, usize)> = Vec::new();
    for (_, fam, _) in &false_list {
        match by_family.iter_mut().find(|(f, _)| f == fam) {
            Some(e) => e.1 += 1,
            None => by_family.push((fam, 1)),
        }
    }
    by_family.sort();
    let unit_years = (end_ms - start_ms) as f64 * units as f64 / (365.0 * 86_400_000.0);
    let healthy_years = healthy_ms / (365.0 * 86_400_000.0);
    println!(
        "twin: {groups} groups × {lifts} lifts for {days} days = {unit_years:.1} unit-years, {} injected faults (5-day precursor)",
        injected.len()
    );
    for kind in kinds {
        let mut leads: Vec<f64> = Vec::new();
        let mut n = 0;
        for (unit, i) in injected.iter().filter(|(_, i)| i.kind == kind) {
            n += 1;
            let first = book
                .opened
                .iter()
                .filter(|(u, _, at)| u == unit && *at >= i.onset_ms && *at < i.failure_ms)
                .map(|(_, _, at)| *at)
                .min();
            if let Some(at) = first {
                leads.push((i.failure_ms - at) as f64 / 3_600_000.0);
            }
        }
        leads.sort_by(f64::total_cmp);
        let fmt = |v: Option<f64>| v.map_or("-".to_owned(), |h| format!("{h:.1} h"));
        println!(
            "  {:<20} detected before failure {} of {n} ({:.0} %), lead time median {}, p10 {}",
            kind.as_str(),
            leads.len(),
            if n == 0 {
                0.0
            } else {
                100.0 * leads.len() as f64 / f64::from(n)
            },
            fmt(percentile(&leads, 0.5)),
            fmt(percentile(&leads, 0.1)),
        );
    }
    println!(
        "  false pre-emptive cases: {false_cases} over {healthy_years:.1} healthy unit-years = {:.2} per unit-year",
        false_cases as f64 / healthy_years.max(1e-9)
    );
    if !by_family.is_empty() {
        let list: Vec<String> = by_family.iter().map(|(f, n)| format!("{f} {n}")).collect();
        println!("  false pre-emptive cases by family: {}", list.join(", "));
    }
    Ok(())
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
            score: vec![0.0; n],
        };
        for i in 402..410 {
            s.anomaly[i] = true;
            s.label[i] = i >= 404;
            s.score[i] = if i == 404 { 0.9 } else { 0.3 };
        }
        s.changepoint[402] = true;
        // A labelled row inside the training part is not scored.
        s.label[10] = true;
        s.score[10] = 0.6;
        let (rows, nab, blind) = evaluate(&s);
        assert_eq!((rows.tp, rows.fn_, rows.fp, rows.tn), (6, 2, 0, 2));
        // Two onsets: row 10 (a false detection) and row 404 (2 s late).
        assert_eq!((nab.detected, nab.false_positives), (1, 1));
        // The blind detector fires at 60 s, ..., 360 s: all false, window missed.
        assert_eq!((blind.detected, blind.false_positives), (0, 6));
    }

    fn finding(
        kind: hoistway_analytics::FindingKind,
        status: FindingStatus,
        ts_ms: i64,
    ) -> Finding {
        Finding {
            unit: hoistway_analytics::UnitKey::parse("ken:1").unwrap(),
            kind,
            status,
            severity: hoistway_analytics::Severity::Minor,
            explanation: String::new(),
            likely_fault: String::new(),
            suggested_spares: vec![],
            evidence: None,
            ts_ms,
        }
    }

    #[test]
    fn cases_follow_the_desk_rules() {
        use hoistway_analytics::FindingKind as K;
        use FindingStatus::*;
        let mut b = CaseBook::default();
        let day = 86_400_000;
        for f in [
            finding(K::DoorReopens, Raised, 0),
            finding(K::DoorWear, Raised, 10),
            finding(K::DoorReopens, Cleared, 20),
            finding(K::DoorWear, Cleared, 30),
            // Back within the cooldown: the same case.
            finding(K::DoorFaults, Raised, 2 * day),
            finding(K::DoorFaults, Cleared, 3 * day),
            // Another family, and an alarm that is no prediction.
            finding(K::LevellingDrift, Raised, 3 * day),
            finding(K::Entrapment, Raised, 3 * day),
            // After the cooldown: a new case.
            finding(K::DoorWear, Raised, 11 * day),
        ] {
            b.apply(&f);
        }
        let fams: Vec<&str> = b.opened.iter().map(|(_, f, _)| *f).collect();
        assert_eq!(fams, vec!["door", "levelling", "door"]);
    }
}
