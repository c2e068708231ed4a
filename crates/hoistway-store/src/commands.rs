//! Remote commands (diagnostics, reset) sent to units, and their fate.
//!
//! Life of a command: `pending` (stored, not yet on the broker) → `sent`
//! (published) → `acknowledged` or `failed` (the device answered), or
//! `timed_out` (no answer by the deadline), or `undeliverable` (could not be
//! published). A command refused by the safety gate is recorded as
//! `refused` with the reason. Every step is audited.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{units, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;
use serde::Serialize;
use sqlx::any::AnyRow;

/// One command as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitCommand {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    /// `diagnostics` or `reset`.
    pub command: String,
    /// `pending`, `sent`, `acknowledged`, `failed`, `timed_out` or `undeliverable`.
    pub status: String,
    pub requested_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Without an acknowledgement by then the command times out.
    pub deadline: DateTime<Utc>,
    pub acked_at: Option<DateTime<Utc>>,
    /// What the device reported back.
    pub result: Option<serde_json::Value>,
    pub updated_at: DateTime<Utc>,
}

fn from_row(r: &AnyRow) -> Result<UnitCommand, sqlx::Error> {
    Ok(UnitCommand {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        command: r.text("command")?,
        status: r.text("status")?,
        requested_by: r.opt_int("requested_by")?,
        created_at: r.instant("created_at")?,
        deadline: r.instant("deadline")?,
        acked_at: r.opt_int("acked_at")?.map(crate::row::from_millis),
        result: r
            .opt_text("result")?
            .and_then(|s| serde_json::from_str(&s).ok()),
        updated_at: r.instant("updated_at")?,
    })
}

async fn audit_change(
    tx: &mut Tx<'_>,
    actor: Actor,
    action: &str,
    before: Option<&UnitCommand>,
    after: &UnitCommand,
) -> Result<()> {
    audit::record(
        tx,
        actor,
        Some(after.customer_id),
        "unit_command",
        after.id,
        action,
        before,
        Some(after),
    )
    .await
}

/// A command to record.
#[derive(Debug, Clone)]
pub struct NewCommand {
    pub unit_id: i64,
    /// `diagnostics` or `reset`.
    pub command: String,
    /// `pending` normally; `refused` or `undeliverable` for attempts that
    /// never left, kept so every attempt is on record.
    pub status: String,
    pub result: Option<serde_json::Value>,
    pub deadline: DateTime<Utc>,
}

/// Records a command for a unit the caller can see, audited.
pub async fn create(db: &Db, scope: &Scope, actor: Actor, new: NewCommand) -> Result<UnitCommand> {
    let mut tx = db.begin().await?;
    let unit = units::fetch(&mut *tx, scope, new.unit_id).await?;
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new(
        "INSERT INTO unit_commands (unit_id, customer_id, command, status, requested_by, created_at, deadline, result, updated_at) VALUES (",
    );
    sql.bind(unit.id)
        .push(", ")
        .bind(unit.customer_id)
        .push(", ")
        .bind(new.command)
        .push(", ")
        .bind(new.status)
        .push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(new.deadline.timestamp_millis())
        .push(", ")
        .bind(new.result.map(|r| r.to_string()))
        .push(", ")
        .bind(now)
        .push(") RETURNING *");
    let created = from_row(&sql.fetch_one(&mut *tx).await?)?;
    audit_change(&mut tx, actor, "request", None, &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Moves command `id` of `unit_id` from one of `from` to `to`, audited.
/// Returns `None` when it is not in one of those states (already answered,
/// timed out, or not a command of that unit).
pub async fn transition(
    db: &Db,
    actor: Actor,
    unit_id: i64,
    id: i64,
    from: &[&str],
    to: &str,
    result: Option<serde_json::Value>,
) -> Result<Option<UnitCommand>> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("SELECT * FROM unit_commands WHERE id = ");
    sql.bind(id).push(" AND unit_id = ").bind(unit_id);
    let Some(row) = sql.fetch_optional(&mut *tx).await? else {
        return Ok(None);
    };
    let before = from_row(&row)?;
    if !from.contains(&before.status.as_str()) {
        return Ok(None);
    }
    let now = actor.at.timestamp_millis();
    let answered = matches!(to, "acknowledged" | "failed");
    let mut sql = Sql::new("UPDATE unit_commands SET status = ");
    sql.bind(to.to_string()).push(", updated_at = ").bind(now);
    if answered {
        sql.push(", acked_at = ").bind(now);
    }
    if let Some(r) = result {
        sql.push(", result = ").bind(r.to_string());
    }
    sql.push(" WHERE id = ").bind(id).push(" RETURNING *");
    let after = from_row(&sql.fetch_one(&mut *tx).await?)?;
    audit_change(&mut tx, actor, to, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Some(after))
}

/// Marks every `pending` or `sent` command past its deadline `timed_out`.
pub async fn expire(db: &Db, actor: Actor) -> Result<Vec<UnitCommand>> {
    let mut sql =
        Sql::new("SELECT id, unit_id FROM unit_commands WHERE status IN ('pending', 'sent') AND deadline <= ");
    sql.bind(actor.at.timestamp_millis());
    let due = sql.fetch_all(&db.pool).await?;
    let mut out = Vec::new();
    for r in due {
        let (id, unit) = (r.int("id")?, r.int("unit_id")?);
        if let Some(c) =
            transition(db, actor, unit, id, &["pending", "sent"], "timed_out", None).await?
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// A command of a unit the caller can see.
pub async fn get(db: &Db, scope: &Scope, unit_id: i64, id: i64) -> Result<UnitCommand> {
    let unit = units::get(db, scope, unit_id).await?;
    let mut sql = Sql::new("SELECT * FROM unit_commands WHERE id = ");
    sql.bind(id).push(" AND unit_id = ").bind(unit.id);
    let row = sql
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound("command"))?;
    Ok(from_row(&row)?)
}

/// The latest commands of a unit the caller can see, newest first.
pub async fn list(db: &Db, scope: &Scope, unit_id: i64, limit: i64) -> Result<Vec<UnitCommand>> {
    let unit = units::get(db, scope, unit_id).await?;
    let mut sql = Sql::new("SELECT * FROM unit_commands WHERE unit_id = ");
    sql.bind(unit.id)
        .push(" ORDER BY id DESC LIMIT ")
        .bind(limit);
    Ok(sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?)
}
