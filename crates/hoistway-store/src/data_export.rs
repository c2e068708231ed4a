//! Reading a unit's equipment data for export in pages (issue #20, the EU
//! Data Act's access right): raw telemetry events and rollup buckets, each
//! page keyed on where the last one ended, so a year of raw events is
//! streamed out and never held in memory. Service history is the
//! maintenance export's rows ([`crate::maintenance::export`]).

use crate::error::Result;
use crate::rollups::{self, RollupRow};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One raw event as the device sent it, with when it was sent and stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RawEvent {
    pub unit_id: i64,
    /// The device's sequence number (unique per unit).
    pub seq: i64,
    /// When the device says it happened.
    pub ts: DateTime<Utc>,
    /// When Hoistway stored it.
    pub received_at: DateTime<Utc>,
    pub kind: String,
    /// The event line exactly as received (JSON).
    pub payload: String,
}

/// Up to `limit` raw events of `unit_id` with `from <= ts < to` and a
/// sequence number above `after_seq`, in sequence order. The caller has
/// checked the unit against its scope.
pub async fn raw_page(
    db: &Db,
    unit_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<RawEvent>> {
    let mut sql = Sql::new("SELECT unit_id, seq, ts, received_at, kind, payload FROM telemetry_events WHERE unit_id = ");
    sql.bind(unit_id)
        .push(" AND seq > ")
        .bind(after_seq)
        .push(" AND ts >= ")
        .bind(from.timestamp_millis())
        .push(" AND ts < ")
        .bind(to.timestamp_millis())
        .push(" ORDER BY seq LIMIT ")
        .bind(limit);
    let mut out = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        out.push(RawEvent {
            unit_id: r.int("unit_id")?,
            seq: r.int("seq")?,
            ts: r.instant("ts")?,
            received_at: r.instant("received_at")?,
            kind: r.text("kind")?,
            payload: r.text("payload")?,
        });
    }
    Ok(out)
}

/// Up to `limit` rollup buckets of `unit_id` and `period` (`hour` or
/// `day`) starting in `[from, to)` after `after_ms`, in time order.
pub async fn rollup_page(
    db: &Db,
    unit_id: i64,
    period: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    after_ms: i64,
    limit: i64,
) -> Result<Vec<RollupRow>> {
    let mut sql = Sql::new("SELECT * FROM telemetry_rollups WHERE unit_id = ");
    sql.bind(unit_id)
        .push(" AND period = ")
        .bind(period.to_string())
        .push(" AND start_ms > ")
        .bind(after_ms)
        .push(" AND start_ms >= ")
        .bind(from.timestamp_millis())
        .push(" AND start_ms < ")
        .bind(to.timestamp_millis())
        .push(" ORDER BY start_ms LIMIT ")
        .bind(limit);
    let rows = sql.fetch_all(&db.pool).await?;
    rows.iter().map(rollups::from_row).collect()
}
