//! Live unit state: the last known mode, availability, floor and counters
//! of each connected unit, written by the ingest pipeline after every batch
//! and read by `GET /units/{id}/status`.
//!
//! Connectivity is not stored: it follows from `last_seen` and the clock
//! at read time, so it never goes stale without a timer.

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{units, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;

/// One unit's stored state.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveState {
    pub unit_id: i64,
    pub customer_id: i64,
    /// Last reported mode (`normal`, `out_of_service`, …), if any.
    pub mode: Option<String>,
    pub available: bool,
    pub last_seen: Option<DateTime<Utc>>,
    pub current_floor: Option<i64>,
    pub passengers: Option<i64>,
    pub starts: Option<i64>,
    pub run_hours: Option<f64>,
    /// Active alarms (`entrapment`, `emergency_phone`).
    pub alarms: Vec<String>,
    /// Active faults as JSON (`[{"code","severity","ts_ms"}]`).
    pub faults: serde_json::Value,
    /// Orders writes: a row is only replaced by a newer version.
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// Writes states, keeping a stored row whose version is newer.
pub async fn upsert(tx: &mut Tx<'_>, states: &[LiveState]) -> Result<()> {
    let backend = crate::Backend::of(tx);
    let rows = backend.rows_per_statement(13);
    // Unit order: concurrent ingest transactions lock rows in one order.
    let mut states: Vec<&LiveState> = states.iter().collect();
    states.sort_by_key(|s| s.unit_id);
    for chunk in states.chunks(rows) {
        let mut sql = Sql::for_backend(
            backend,
            "INSERT INTO unit_state (unit_id, customer_id, mode, available, last_seen, current_floor, passengers, starts, run_hours, alarms, faults, version, updated_at) VALUES ",
        );
        for (i, s) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(s.unit_id)
                .push(", ")
                .bind(s.customer_id)
                .push(", ")
                .bind(s.mode.clone())
                .push(", ")
                .bind(i64::from(s.available))
                .push(", ")
                .bind(s.last_seen.map(|t| t.timestamp_millis()))
                .push(", ")
                .bind(s.current_floor)
                .push(", ")
                .bind(s.passengers)
                .push(", ")
                .bind(s.starts)
                .push(", ")
                .bind_opt_f64(s.run_hours)
                .push(", ")
                .bind(serde_json::to_string(&s.alarms).unwrap_or_else(|_| "[]".into()))
                .push(", ")
                .bind(s.faults.to_string())
                .push(", ")
                .bind(s.version)
                .push(", ")
                .bind(s.updated_at.timestamp_millis())
                .push(")");
        }
        sql.push(" ON CONFLICT (unit_id) DO UPDATE SET ");
        let cols = [
            "mode",
            "available",
            "last_seen",
            "current_floor",
            "passengers",
            "starts",
            "run_hours",
            "alarms",
            "faults",
            "version",
            "updated_at",
        ];
        // A node that restarted knows only what it heard since: fields it
        // has not heard about yet keep their stored values.
        let keep = [
            "mode",
            "last_seen",
            "current_floor",
            "passengers",
            "starts",
            "run_hours",
        ];
        let sets: Vec<String> = cols
            .iter()
            .map(|c| match *c {
                "available" => "available = CASE WHEN excluded.mode IS NULL THEN unit_state.available ELSE excluded.available END".to_string(),
                c if keep.contains(&c) => format!("{c} = COALESCE(excluded.{c}, unit_state.{c})"),
                c => format!("{c} = excluded.{c}"),
            })
            .collect();
        sql.push(&sets.join(", "));
        sql.push(" WHERE unit_state.version <= excluded.version");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The stored state of a unit the caller can see; `None` if it never sent
/// anything. A unit outside the scope is `NotFound`.
pub async fn get(db: &Db, scope: &Scope, unit_id: i64) -> Result<Option<LiveState>> {
    let unit = units::get(db, scope, unit_id).await?;
    let mut sql = Sql::new("SELECT * FROM unit_state WHERE unit_id = ");
    sql.bind(unit.id);
    let Some(r) = sql.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    from_row(&r).map(Some)
}

/// The stored states of every unit the caller can see (units that never
/// sent anything have none), in one query: for pages listing many units.
pub async fn list_visible(db: &Db, scope: &Scope) -> Result<Vec<LiveState>> {
    let mut sql =
        Sql::new("SELECT s.* FROM unit_state s JOIN units u ON u.id = s.unit_id WHERE 1=1");
    crate::scope::restrict(&mut sql, scope, "u", crate::scope::Shape::InBuilding);
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<LiveState> {
    let parse = |s: String| serde_json::from_str(&s).unwrap_or(serde_json::Value::Null);
    Ok(LiveState {
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        mode: r.opt_text("mode")?,
        available: r.int("available")? != 0,
        last_seen: r.opt_int("last_seen")?.map(crate::row::from_millis),
        current_floor: r.opt_int("current_floor")?,
        passengers: r.opt_int("passengers")?,
        starts: r.opt_int("starts")?,
        run_hours: r.opt_float("run_hours")?,
        alarms: serde_json::from_str(&r.text("alarms")?).unwrap_or_default(),
        faults: parse(r.text("faults")?),
        version: r.int("version")?,
        updated_at: r.instant("updated_at")?,
    })
}
