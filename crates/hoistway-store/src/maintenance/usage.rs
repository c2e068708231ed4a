//! Starts per unit per day: the ONE place the maintenance scheduler reads
//! usage. Today it reads `unit_starts_daily`, a stand-in written by tests
//! and the demo; when the telemetry rollups (issue 5) land, point the
//! SELECT in [`daily_starts`] at the daily rollups table (`unit_id`, day,
//! `starts`) and drop the stand-in. Nothing else needs to change: the
//! scheduler core takes only "starts since the last service" and "starts
//! per day", derived here from these rows.

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Daily starts of `units` on days in `[from, to)`, oldest first.
pub async fn daily_starts(
    tx: &mut Tx<'_>,
    units: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, Vec<(NaiveDate, u64)>>> {
    let mut out: HashMap<i64, Vec<(NaiveDate, u64)>> = HashMap::new();
    if units.is_empty() {
        return Ok(out);
    }
    let mut sql = Sql::new("SELECT unit_id, day, starts FROM unit_starts_daily WHERE day >= ");
    sql.bind(from.to_string())
        .push(" AND day < ")
        .bind(to.to_string())
        .push(" AND unit_id IN ")
        .bind_list(units)
        .push(" ORDER BY unit_id, day");
    for r in sql.fetch_all(&mut **tx).await? {
        let day = super::stored_date(&r.text("day")?)?;
        out.entry(r.int("unit_id")?)
            .or_default()
            .push((day, r.int("starts")?.max(0) as u64));
    }
    Ok(out)
}

/// Writes one day's starts for a unit (the stand-in's writer: tests and
/// the demo; telemetry ingest replaces it).
pub async fn record_daily_starts(db: &Db, unit_id: i64, day: NaiveDate, starts: u64) -> Result<()> {
    let mut tx = db.begin().await?;
    let mut del = Sql::new("DELETE FROM unit_starts_daily WHERE unit_id = ");
    del.bind(unit_id).push(" AND day = ").bind(day.to_string());
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new("INSERT INTO unit_starts_daily (unit_id, day, starts) VALUES (");
    ins.bind(unit_id)
        .push(", ")
        .bind(day.to_string())
        .push(", ")
        .bind(starts as i64)
        .push(")");
    ins.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
