//! Starts per unit per day: the ONE place the maintenance scheduler reads
//! usage. Connected units count their starts in the daily telemetry rollups
//! (`telemetry_rollups`, period `day`); units without a connection get
//! their counts recorded by hand or import in `unit_starts_daily`. Where
//! both have a day, the larger count wins (never both, which would count a
//! day twice). The scheduler core takes only "starts since the last
//! service" and "starts per day", derived here from these rows.

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
    let mut days: HashMap<(i64, NaiveDate), u64> = HashMap::new();
    for r in sql.fetch_all(&mut **tx).await? {
        let day = super::stored_date(&r.text("day")?)?;
        let starts = r.int("starts")?.max(0) as u64;
        days.insert((r.int("unit_id")?, day), starts);
    }
    let ms = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_millis()
    };
    let mut rolled = Sql::new(
        "SELECT unit_id, start_ms, starts FROM telemetry_rollups WHERE period = 'day' AND start_ms >= ",
    );
    rolled
        .bind(ms(from))
        .push(" AND start_ms < ")
        .bind(ms(to))
        .push(" AND unit_id IN ")
        .bind_list(units);
    for r in rolled.fetch_all(&mut **tx).await? {
        let day = crate::row::from_millis(r.int("start_ms")?).date_naive();
        let starts = r.int("starts")?.max(0) as u64;
        let slot = days.entry((r.int("unit_id")?, day)).or_default();
        *slot = (*slot).max(starts);
    }
    for ((unit, day), starts) in days {
        out.entry(unit).or_default().push((day, starts));
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    Ok(out)
}

/// Records one day's starts for a unit that reports no telemetry (by hand,
/// by import; tests and the demo use it too).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use chrono::{TimeZone, Utc};

    #[tokio::test]
    async fn connected_units_count_from_the_daily_rollups() {
        for t in TestDb::all().await {
            for text in [
                "INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'C', 0, 0)",
                "INSERT INTO buildings (id, customer_id, name, address, country, timezone, created_at, updated_at) VALUES (1, 1, 'B', 'S 1', 'FI', 'Europe/Helsinki', 0, 0)",
                "INSERT INTO units (id, customer_id, building_id, kind, equipment_number, created_at, updated_at) VALUES (7, 1, 1, 'elevator', 'ken:7', 0, 0), (8, 1, 1, 'elevator', 'ken:8', 0, 0)",
            ] {
                Sql::new(text).execute(&t.db.pool).await.unwrap();
            }
            let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
            let ms = |d| {
                Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0)
                    .unwrap()
                    .timestamp_millis()
            };
            for (d, starts) in [(20, 900), (21, 1100)] {
                let mut sql = Sql::new(
                    "INSERT INTO telemetry_rollups (unit_id, customer_id, period, start_ms, starts) VALUES (7, 1, 'day', ",
                );
                sql.bind(ms(d)).push(", ").bind(starts as i64).push(")");
                sql.execute(&t.db.pool).await.unwrap();
            }
            // An hourly row is not a day's count.
            let mut hour = Sql::new(
                "INSERT INTO telemetry_rollups (unit_id, customer_id, period, start_ms, starts) VALUES (7, 1, 'hour', ",
            );
            hour.bind(ms(21)).push(", 50)");
            hour.execute(&t.db.pool).await.unwrap();
            // A hand-recorded day for the same unit: the larger count wins.
            record_daily_starts(&t.db, 7, day(21), 1000).await.unwrap();
            record_daily_starts(&t.db, 8, day(21), 30).await.unwrap();
            let mut tx = t.db.begin().await.unwrap();
            let got = daily_starts(&mut tx, &[7, 8], day(1), day(30))
                .await
                .unwrap();
            assert_eq!(
                got[&7],
                vec![(day(20), 900), (day(21), 1100)],
                "{}",
                t.label
            );
            assert_eq!(got[&8], vec![(day(21), 30)]);
            drop(tx);
            t.cleanup().await;
        }
    }
}
