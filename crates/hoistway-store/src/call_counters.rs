//! Per-building call counters: the only trace remote calls leave. Counter
//! names are fixed strings chosen by the server (`placed`, `served`,
//! `cancelled_<reason>`), never anything from a call's payload.

use crate::error::Result;
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, Db};
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;
use serde::Serialize;
use std::collections::BTreeMap;

/// The counters of one building.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CallCounters {
    pub building_id: i64,
    /// Calls asked for (including those refused at once).
    pub placed: i64,
    pub served: i64,
    /// Calls that ended without being served, by reason.
    pub cancelled: BTreeMap<String, i64>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Adds `deltas` (counter name, amount) to a building's counters.
pub async fn add(
    db: &Db,
    building_id: i64,
    customer_id: i64,
    deltas: &[(&str, i64)],
    at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    for (name, n) in deltas {
        let mut sql = Sql::new(
            "INSERT INTO call_counters (building_id, customer_id, counter, value, updated_at) VALUES (",
        );
        sql.bind(building_id)
            .push(", ")
            .bind(customer_id)
            .push(", ")
            .bind(name.to_string());
        sql.push(", ")
            .bind(*n)
            .push(", ")
            .bind(at.timestamp_millis())
            .push(") ON CONFLICT (building_id, counter) DO UPDATE SET value = call_counters.value + excluded.value, updated_at = excluded.updated_at");
        sql.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The counters of a building the caller can see.
pub async fn get(db: &Db, scope: &Scope, building_id: i64) -> Result<CallCounters> {
    buildings::get(db, scope, building_id).await?;
    let mut sql = Sql::new("SELECT * FROM call_counters c WHERE c.building_id = ");
    sql.bind(building_id);
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    let mut out = CallCounters {
        building_id,
        ..Default::default()
    };
    for r in sql.fetch_all(&db.pool).await? {
        let name = r.text("counter")?;
        let value = r.int("value")?;
        let at = r.instant("updated_at")?;
        out.updated_at = Some(out.updated_at.map_or(at, |u| u.max(at)));
        match name.strip_prefix("cancelled_") {
            Some(reason) => {
                out.cancelled.insert(reason.to_string(), value);
            }
            None if name == "placed" => out.placed = value,
            None if name == "served" => out.served = value,
            None => {}
        }
    }
    Ok(out)
}
