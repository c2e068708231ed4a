//! Hourly and daily telemetry rollups per unit: what reports and KPIs read.
//!
//! Rows are only ever added to (`INSERT … ON CONFLICT DO UPDATE SET x =
//! x + excluded.x`), so partial counts from several batches, nodes or
//! restarts merge into one row per `(unit, period, start)`. Maxima use
//! `CASE` instead of `MAX`/`GREATEST`, which differ between the backends.

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{units, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::{Invalid, Scope};
use serde::Serialize;

/// Counts to add into one bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RollupDelta {
    pub unit_id: i64,
    pub customer_id: i64,
    /// `hour` or `day`.
    pub period: &'static str,
    pub start_ms: i64,
    pub events: i64,
    pub starts: i64,
    pub run_ms: i64,
    pub door_cycles: i64,
    pub door_reopens: i64,
    pub door_obstructions: i64,
    pub levelling_count: i64,
    pub levelling_sum_mm: f64,
    pub levelling_sum_sq_mm2: f64,
    pub levelling_max_abs_mm: f64,
    pub levelling_over_10mm: i64,
    pub faults: i64,
    pub counter_starts: i64,
    pub counter_run_hours: f64,
    pub available_ms: i64,
    pub observed_ms: i64,
}

impl RollupDelta {
    /// Adds `other` (a delta for the same bucket) into this one.
    fn absorb(&mut self, other: &RollupDelta) {
        self.events += other.events;
        self.starts += other.starts;
        self.run_ms += other.run_ms;
        self.door_cycles += other.door_cycles;
        self.door_reopens += other.door_reopens;
        self.door_obstructions += other.door_obstructions;
        self.levelling_count += other.levelling_count;
        self.levelling_sum_mm += other.levelling_sum_mm;
        self.levelling_sum_sq_mm2 += other.levelling_sum_sq_mm2;
        self.levelling_max_abs_mm = self.levelling_max_abs_mm.max(other.levelling_max_abs_mm);
        self.levelling_over_10mm += other.levelling_over_10mm;
        self.faults += other.faults;
        self.counter_starts += other.counter_starts;
        self.counter_run_hours += other.counter_run_hours;
        self.available_ms += other.available_ms;
        self.observed_ms += other.observed_ms;
    }
}

/// One delta per bucket, in key order: PostgreSQL refuses an upsert that
/// touches one row twice ("ON CONFLICT DO UPDATE command cannot affect row
/// a second time"), and a tick can close the same bucket twice when late
/// events reopened it. Key order means concurrent transactions (an ingest
/// batch, the tick) lock rows in the same order and cannot deadlock.
fn merged(deltas: &[RollupDelta]) -> Vec<RollupDelta> {
    let mut at: std::collections::HashMap<(i64, &str, i64), usize> =
        std::collections::HashMap::with_capacity(deltas.len());
    let mut out: Vec<RollupDelta> = Vec::with_capacity(deltas.len());
    for d in deltas {
        match at.entry((d.unit_id, d.period, d.start_ms)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].absorb(d),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(d.clone());
            }
        }
    }
    out.sort_by(|a, b| (a.unit_id, a.period, a.start_ms).cmp(&(b.unit_id, b.period, b.start_ms)));
    out
}

/// Additive integer columns, in bind order after the key.
const INT_COLUMNS: [&str; 9] = [
    "events",
    "starts",
    "run_ms",
    "door_cycles",
    "door_reopens",
    "door_obstructions",
    "levelling_count",
    "levelling_over_10mm",
    "faults",
];

/// Adds `deltas` into the stored buckets.
pub async fn add(tx: &mut Tx<'_>, deltas: &[RollupDelta]) -> Result<()> {
    let backend = crate::Backend::of(tx);
    let rows = backend.rows_per_statement(20);
    let deltas = merged(deltas);
    for chunk in deltas.chunks(rows) {
        let mut sql = Sql::for_backend(
            backend,
            "INSERT INTO telemetry_rollups (unit_id, customer_id, period, start_ms, ",
        );
        sql.push(&INT_COLUMNS.join(", "));
        sql.push(", levelling_sum_mm, levelling_sum_sq_mm2, levelling_max_abs_mm, counter_starts, counter_run_hours, available_ms, observed_ms) VALUES ");
        for (i, d) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(d.unit_id)
                .push(", ")
                .bind(d.customer_id)
                .push(", ")
                .bind(d.period.to_string())
                .push(", ")
                .bind(d.start_ms);
            for v in [
                d.events,
                d.starts,
                d.run_ms,
                d.door_cycles,
                d.door_reopens,
                d.door_obstructions,
                d.levelling_count,
                d.levelling_over_10mm,
                d.faults,
            ] {
                sql.push(", ").bind(v);
            }
            sql.push(", ")
                .bind(d.levelling_sum_mm)
                .push(", ")
                .bind(d.levelling_sum_sq_mm2)
                .push(", ")
                .bind(d.levelling_max_abs_mm)
                .push(", ")
                .bind(d.counter_starts)
                .push(", ")
                .bind(d.counter_run_hours)
                .push(", ")
                .bind(d.available_ms)
                .push(", ")
                .bind(d.observed_ms)
                .push(")");
        }
        sql.push(" ON CONFLICT (unit_id, period, start_ms) DO UPDATE SET ");
        let mut sets: Vec<String> = INT_COLUMNS
            .iter()
            .chain(&[
                "levelling_sum_mm",
                "levelling_sum_sq_mm2",
                "counter_starts",
                "counter_run_hours",
                "available_ms",
                "observed_ms",
            ])
            .map(|c| format!("{c} = telemetry_rollups.{c} + excluded.{c}"))
            .collect();
        sets.push(
            "levelling_max_abs_mm = CASE WHEN excluded.levelling_max_abs_mm > telemetry_rollups.levelling_max_abs_mm \
             THEN excluded.levelling_max_abs_mm ELSE telemetry_rollups.levelling_max_abs_mm END"
                .into(),
        );
        sql.push(&sets.join(", "));
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One stored bucket as the API shows it, with derived figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RollupRow {
    pub unit_id: i64,
    pub customer_id: i64,
    /// `hour` or `day`.
    pub period: String,
    pub start: DateTime<Utc>,
    pub events: i64,
    /// Trips counted from trip events.
    pub starts: i64,
    /// Running time from trip durations, hours.
    pub run_hours: f64,
    pub door_cycles: i64,
    pub door_reopens: i64,
    pub door_obstructions: i64,
    pub faults: i64,
    /// Increase of the unit's absolute start counter in the bucket.
    pub counter_starts: i64,
    pub counter_run_hours: f64,
    pub levelling_count: i64,
    pub levelling_mean_mm: Option<f64>,
    pub levelling_rms_mm: Option<f64>,
    pub levelling_max_abs_mm: f64,
    /// Stops 10 mm or more off the landing (re-levelling territory).
    pub levelling_over_10mm: i64,
    /// Milliseconds with a known status, and of those available.
    pub observed_ms: i64,
    pub available_ms: i64,
    /// `available_ms / observed_ms` in percent; null without a known status.
    pub availability_pct: Option<f64>,
}

/// Longest range one request may span, in buckets.
pub const MAX_BUCKETS: i64 = 2000;

/// Buckets of a unit the caller can see, `period` `hour` or `day`, with
/// `from <= start < to`.
pub async fn list(
    db: &Db,
    scope: &Scope,
    unit_id: i64,
    period: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<RollupRow>> {
    let len_ms = match period {
        "hour" => 3_600_000,
        "day" => 86_400_000,
        other => {
            return Err(Invalid::new("period", format!("'{other}' must be hour or day")).into())
        }
    };
    if to <= from {
        return Err(Invalid::new("to", "must be after from").into());
    }
    let span = (to - from).num_milliseconds() / len_ms;
    if span > MAX_BUCKETS {
        return Err(Invalid::new(
            "to",
            format!("the range spans {span} {period}s; at most {MAX_BUCKETS} per request"),
        )
        .into());
    }
    let unit = units::get(db, scope, unit_id).await?;
    let mut sql = Sql::new("SELECT * FROM telemetry_rollups WHERE unit_id = ");
    sql.bind(unit.id)
        .push(" AND period = ")
        .bind(period.to_string())
        .push(" AND start_ms >= ")
        .bind(from.timestamp_millis())
        .push(" AND start_ms < ")
        .bind(to.timestamp_millis())
        .push(" ORDER BY start_ms");
    let rows = sql.fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// One stored bucket with its derived figures.
pub(crate) fn from_row(r: &sqlx::any::AnyRow) -> Result<RollupRow> {
    let n = r.int("levelling_count")?;
    let sum: f64 = float(r, "levelling_sum_mm")?;
    let sq: f64 = float(r, "levelling_sum_sq_mm2")?;
    let observed = r.int("observed_ms")?;
    let available = r.int("available_ms")?;
    Ok(RollupRow {
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        period: r.text("period")?,
        start: r.instant("start_ms")?,
        events: r.int("events")?,
        starts: r.int("starts")?,
        run_hours: r.int("run_ms")? as f64 / 3_600_000.0,
        door_cycles: r.int("door_cycles")?,
        door_reopens: r.int("door_reopens")?,
        door_obstructions: r.int("door_obstructions")?,
        faults: r.int("faults")?,
        counter_starts: r.int("counter_starts")?,
        counter_run_hours: float(r, "counter_run_hours")?,
        levelling_count: n,
        levelling_mean_mm: (n > 0).then(|| sum / n as f64),
        levelling_rms_mm: (n > 0).then(|| (sq / n as f64).sqrt()),
        levelling_max_abs_mm: float(r, "levelling_max_abs_mm")?,
        levelling_over_10mm: r.int("levelling_over_10mm")?,
        observed_ms: observed,
        available_ms: available,
        availability_pct: (observed > 0).then(|| 100.0 * available as f64 / observed as f64),
    })
}

fn float(r: &sqlx::any::AnyRow, col: &str) -> Result<f64, sqlx::Error> {
    Ok(r.opt_float(col)?.unwrap_or(0.0))
}

/// Sum of `events` over a unit's buckets of one period (tests, checks).
pub async fn total_events(db: &Db, unit_id: Option<i64>, period: &str) -> Result<i64> {
    let mut sql = Sql::new("SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM telemetry_rollups WHERE period = ");
    sql.bind(period.to_string());
    if let Some(u) = unit_id {
        sql.push(" AND unit_id = ").bind(u);
    }
    Ok(sql.fetch_one(&db.pool).await?.int("n")?)
}
