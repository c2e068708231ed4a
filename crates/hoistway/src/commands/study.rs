//! `hoistway twin study`: a traffic study of a building file, as text or
//! JSON, with an optional per-passenger CSV.

use anyhow::Context;
use hoistway_twin::{csv_rows, run_study, Building, Pattern, CSV_HEADER};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;

pub struct StudyArgs {
    pub building: PathBuf,
    pub pattern: String,
    pub minutes: f64,
    pub seed: u64,
    pub json: bool,
    pub csv: Option<PathBuf>,
}

pub fn run(a: StudyArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.building)
        .with_context(|| format!("reading {}", a.building.display()))?;
    let building =
        Building::from_toml_str(&text).with_context(|| format!("in {}", a.building.display()))?;
    let pattern: Pattern = a
        .pattern
        .parse()
        .map_err(|e| anyhow::anyhow!("--pattern: {e}"))?;
    anyhow::ensure!(
        a.minutes.is_finite() && a.minutes > 0.0 && a.minutes <= 24.0 * 60.0,
        "--minutes must be between 0 and 1440"
    );
    // Long studies show progress on a terminal; indicatif hides it otherwise.
    let bar = ProgressBar::new(1000);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {percent}% simulated")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = run_study(&building, pattern, a.minutes, a.seed, &mut |done| {
        bar.set_position((done * 1000.0) as u64)
    });
    bar.finish_and_clear();
    if let Some(path) = &a.csv {
        let mut out = String::from(CSV_HEADER);
        out.push('\n');
        for row in csv_rows(&report) {
            out.push_str(&row);
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(())
}
