//! The plan defaults table: built-in intervals per tier × unit kind, with
//! the rows a provider admin overrode stored in `maintenance_defaults`.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use hoistway_domain::fleet::{Tier, UnitKind};
use hoistway_maintenance::plan::DefaultInterval;
use hoistway_maintenance::PlanDefaults;

/// The effective defaults (built-ins with the stored overrides).
pub async fn load(tx: &mut Tx<'_>) -> Result<PlanDefaults> {
    let rows = Sql::new("SELECT * FROM maintenance_defaults ORDER BY unit_kind, tier")
        .fetch_all(&mut **tx)
        .await?;
    let mut over = Vec::with_capacity(rows.len());
    for r in &rows {
        over.push(DefaultInterval {
            tier: Tier::parse(&r.text("tier")?)?,
            kind: UnitKind::parse(&r.text("unit_kind")?)?,
            interval_weeks: r.int("interval_weeks")? as u32,
            interval_starts: r.opt_int("interval_starts")?.map(|s| s as u64),
        });
    }
    Ok(PlanDefaults::default().with_overrides(&over)?)
}

pub async fn get(db: &Db) -> Result<PlanDefaults> {
    let mut tx = db.begin().await?;
    load(&mut tx).await
}

/// Stores overrides (validated) and returns the effective table. Existing
/// plans keep their intervals until their contract's tier changes or they
/// are re-synced: a defaults change is a policy for new plans.
pub async fn set(db: &Db, actor: Actor, rows: Vec<DefaultInterval>) -> Result<PlanDefaults> {
    let mut tx = db.begin().await?;
    let before = load(&mut tx).await?;
    let after = before.clone().with_overrides(&rows)?;
    for r in &rows {
        let mut del = Sql::new("DELETE FROM maintenance_defaults WHERE tier = ");
        del.bind(r.tier.as_str().to_string())
            .push(" AND unit_kind = ")
            .bind(r.kind.as_str().to_string());
        del.execute(&mut *tx).await?;
        let mut ins = Sql::new("INSERT INTO maintenance_defaults (tier, unit_kind, interval_weeks, interval_starts, updated_at) VALUES (");
        ins.bind(r.tier.as_str().to_string())
            .push(", ")
            .bind(r.kind.as_str().to_string())
            .push(", ")
            .bind(i64::from(r.interval_weeks));
        ins.push(", ")
            .bind(r.interval_starts.map(|s| s as i64))
            .push(", ")
            .bind(actor.at.timestamp_millis())
            .push(")");
        ins.execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        actor,
        None,
        "maintenance_defaults",
        0,
        "update",
        Some(&before.entries),
        Some(&after.entries),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
