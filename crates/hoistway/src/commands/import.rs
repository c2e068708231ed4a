//! `hoistway import units FILE.csv --customer C`: load an asset register.
//! Every row is validated and written on its own, so a bad row is reported
//! (line number and reason) and skipped while the good rows are kept.

use crate::config::Config;
use anyhow::Context;
use hoistway_domain::{Clock, Scope, SystemClock};
use hoistway_store::units::UnitInput;
use hoistway_store::{buildings, units, Actor, Db, ListFilter};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::Path;

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    pub failed: Vec<(u64, String)>,
}

pub async fn units(config: &Config, file: &Path, customer: i64) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let report = import_units(&db, &text, customer).await?;
    for (line, reason) in &report.failed {
        eprintln!("line {line}: {reason}");
    }
    println!(
        "imported {} units, {} rows refused",
        report.imported,
        report.failed.len()
    );
    Ok(())
}

/// Imports CSV `text` into `customer`'s buildings.
pub async fn import_units(db: &Db, text: &[u8], customer: i64) -> anyhow::Result<ImportReport> {
    let scope = Scope::Customer {
        customer_id: customer,
        portfolios: None,
    };
    hoistway_store::customers::get(db, &Scope::All, customer)
        .await
        .map_err(|_| anyhow::anyhow!("customer {customer} not found"))?;
    let by_name = building_names(db, &scope).await?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text);
    let headers = reader.headers().context("reading the CSV header")?.clone();
    let rows = text
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1) as u64;
    let bar = ProgressBar::new(rows);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut report = ImportReport::default();
    for record in reader.records() {
        bar.inc(1);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.failed.push((line, e.to_string()));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match row_to_input(&headers, &record, &by_name) {
            Ok(input) => {
                let actor = Actor {
                    user_id: None,
                    at: SystemClock.now(),
                };
                match units::create(db, &scope, actor, input).await {
                    Ok(_) => report.imported += 1,
                    Err(e) => report.failed.push((line, e.to_string())),
                }
            }
            Err(reason) => report.failed.push((line, reason)),
        }
    }
    bar.finish_and_clear();
    Ok(report)
}

async fn building_names(db: &Db, scope: &Scope) -> anyhow::Result<HashMap<String, i64>> {
    let mut names = HashMap::new();
    let mut filter = ListFilter {
        limit: Some(500),
        ..Default::default()
    };
    loop {
        let page = buildings::list(db, scope, &filter).await?;
        for b in &page.items {
            names.insert(b.name.to_lowercase(), b.id);
        }
        match page.next_cursor {
            Some(c) => filter.cursor = Some(c),
            None => return Ok(names),
        }
    }
}

/// Turns a CSV row into a unit input: empty cells are absent values; a
/// `building` column names the building instead of `building_id`.
fn row_to_input(
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    by_name: &HashMap<String, i64>,
) -> Result<UnitInput, String> {
    let mut object = serde_json::Map::new();
    for (h, v) in headers.iter().zip(record.iter()) {
        if v.is_empty() {
            continue;
        }
        let value = match h {
            "building" => {
                let id = by_name
                    .get(&v.to_lowercase())
                    .ok_or_else(|| format!("building '{v}' not found for this customer"))?;
                object.insert("building_id".into(), (*id).into());
                continue;
            }
            "building_id" | "floors_served" => serde_json::Value::from(
                v.parse::<i64>()
                    .map_err(|_| format!("{h}: '{v}' is not a whole number"))?,
            ),
            "rise_m" => serde_json::Value::from(
                v.parse::<f64>()
                    .map_err(|_| format!("{h}: '{v}' is not a number"))?,
            ),
            "connected" => serde_json::Value::from(match v.to_lowercase().as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                _ => return Err(format!("connected: '{v}' is not yes/no")),
            }),
            _ => serde_json::Value::from(v),
        };
        object.insert(h.to_string(), value);
    }
    if !object.contains_key("building_id") {
        return Err("building_id or building is required".into());
    }
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| e.to_string())
}

/// Fuzz target of the CSV import (see `hoistway_app::fuzz`): any bytes
/// parse into rows that are each a unit input or a reason, never a panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn csv_like() -> impl Strategy<Value = Vec<u8>> {
        let header = prop::sample::subsequence(
            vec![
                "building",
                "building_id",
                "kind",
                "equipment_number",
                "name",
                "floors_served",
                "rise_m",
                "connected",
                "install_date",
                "takeover_date",
                "x",
            ],
            0..8,
        );
        let cell = prop_oneof![
            "[0-9.-]{0,6}",
            "\\PC{0,10}",
            Just("\"a,\"\"b\"\"\"".to_string()),
            Just("Tower".to_string()),
            Just("yes".to_string()),
            Just("elevator".to_string()),
        ];
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            (
                header,
                prop::collection::vec(prop::collection::vec(cell, 0..9), 0..6)
            )
                .prop_map(|(h, rows)| {
                    let mut text = h.join(",");
                    for r in rows {
                        text.push('\n');
                        text.push_str(&r.join(","));
                    }
                    text.into_bytes()
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(hoistway_app::fuzz::cases(3_000)))]

        #[test]
        fn rows_become_inputs_or_reasons(bytes in csv_like()) {
            let by_name = HashMap::from([("tower".to_string(), 1_i64)]);
            let mut reader = csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .flexible(false)
                .from_reader(bytes.as_slice());
            let Ok(headers) = reader.headers().cloned() else { return Ok(()) };
            for record in reader.records() {
                let Ok(record) = record else { continue };
                match row_to_input(&headers, &record, &by_name) {
                    Ok(input) => prop_assert!(input.building_id == 1 || headers.iter().any(|h| h == "building_id")),
                    Err(reason) => prop_assert!(!reason.is_empty()),
                }
            }
        }
    }
}
