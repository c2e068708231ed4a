//! Analytics findings: what the streaming analytics concluded about a unit.
//!
//! At most one finding per `(unit, kind)` is open at a time; a partial
//! unique index enforces it, so a second "raise" (after a restart, or from
//! another node) becomes an update of the open row and never a second row.
//! That is what lets the service desk open one case per open finding.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::{Invalid, Scope};
use serde::Serialize;
use sqlx::any::AnyRow;

/// One finding as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FindingRecord {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    /// e.g. `door_wear`, `levelling_drift`, `entrapment`.
    pub kind: String,
    /// `open` or `cleared`.
    pub status: String,
    /// `minor`, `major` or `critical`.
    pub severity: String,
    pub explanation: String,
    pub likely_fault: String,
    pub spares: Vec<String>,
    pub evidence: Option<serde_json::Value>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
}

/// What the analytics said about a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Raised,
    Updated,
    Cleared,
}

/// A finding update to apply.
#[derive(Debug, Clone)]
pub struct FindingChange {
    pub unit_id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub transition: Transition,
    pub severity: String,
    pub explanation: String,
    pub likely_fault: String,
    pub spares: Vec<String>,
    pub evidence: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
}

/// What applying a change did to the stored findings.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// A new open finding: the desk should open a case.
    Opened(FindingRecord),
    /// The open finding changed: the desk should update its case.
    Updated(FindingRecord),
    /// The open finding cleared: the desk may close or downgrade its case.
    Cleared(FindingRecord),
    /// Nothing to do (a clear with no open finding).
    Ignored,
}

fn from_row(r: &AnyRow) -> Result<FindingRecord, sqlx::Error> {
    Ok(FindingRecord {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        kind: r.text("kind")?,
        status: r.text("status")?,
        severity: r.text("severity")?,
        explanation: r.text("explanation")?,
        likely_fault: r.text("likely_fault")?,
        spares: serde_json::from_str(&r.text("spares")?).unwrap_or_default(),
        evidence: r
            .opt_text("evidence")?
            .and_then(|e| serde_json::from_str(&e).ok()),
        opened_at: r.instant("opened_at")?,
        updated_at: r.instant("updated_at")?,
        cleared_at: r.opt_int("cleared_at")?.map(crate::row::from_millis),
    })
}

async fn open_row(tx: &mut Tx<'_>, unit_id: i64, kind: &str) -> Result<Option<FindingRecord>> {
    let mut sql = Sql::new("SELECT * FROM findings WHERE unit_id = ");
    sql.bind(unit_id)
        .push(" AND kind = ")
        .bind(kind.to_string())
        .push(" AND status = 'open'");
    Ok(sql
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| from_row(&r))
        .transpose()?)
}

/// Applies one change in `tx`, with its audit row.
pub async fn apply(tx: &mut Tx<'_>, actor: Actor, c: &FindingChange) -> Result<Applied> {
    let at = c.at.timestamp_millis();
    let spares = serde_json::to_string(&c.spares).unwrap_or_else(|_| "[]".into());
    let evidence = c.evidence.as_ref().map(|e| e.to_string());
    let applied = match c.transition {
        Transition::Raised | Transition::Updated => {
            let mut sql = Sql::new(
                "INSERT INTO findings (unit_id, customer_id, kind, status, severity, explanation, likely_fault, spares, evidence, opened_at, updated_at) VALUES (",
            );
            sql.bind(c.unit_id)
                .push(", ")
                .bind(c.customer_id)
                .push(", ")
                .bind(c.kind.clone())
                .push(", 'open', ")
                .bind(c.severity.clone())
                .push(", ")
                .bind(c.explanation.clone())
                .push(", ")
                .bind(c.likely_fault.clone());
            sql.push(", ")
                .bind(spares.clone())
                .push(", ")
                .bind(evidence.clone())
                .push(", ")
                .bind(at)
                .push(", ")
                .bind(at)
                .push(") ON CONFLICT DO NOTHING RETURNING *");
            match sql.fetch_optional(&mut **tx).await? {
                Some(r) => Applied::Opened(from_row(&r)?),
                None => {
                    // Already open: update it in place.
                    let mut sql = Sql::new("UPDATE findings SET severity = ");
                    sql.bind(c.severity.clone())
                        .push(", explanation = ")
                        .bind(c.explanation.clone())
                        .push(", likely_fault = ")
                        .bind(c.likely_fault.clone())
                        .push(", spares = ")
                        .bind(spares)
                        .push(", evidence = ")
                        .bind(evidence)
                        .push(", updated_at = ")
                        .bind(at)
                        .push(" WHERE unit_id = ")
                        .bind(c.unit_id)
                        .push(" AND kind = ")
                        .bind(c.kind.clone())
                        .push(" AND status = 'open' RETURNING *");
                    Applied::Updated(from_row(&sql.fetch_one(&mut **tx).await?)?)
                }
            }
        }
        Transition::Cleared => {
            if open_row(tx, c.unit_id, &c.kind).await?.is_none() {
                return Ok(Applied::Ignored);
            }
            let mut sql = Sql::new("UPDATE findings SET status = 'cleared', explanation = ");
            sql.bind(c.explanation.clone())
                .push(", updated_at = ")
                .bind(at)
                .push(", cleared_at = ")
                .bind(at)
                .push(" WHERE unit_id = ")
                .bind(c.unit_id)
                .push(" AND kind = ")
                .bind(c.kind.clone())
                .push(" AND status = 'open' RETURNING *");
            Applied::Cleared(from_row(&sql.fetch_one(&mut **tx).await?)?)
        }
    };
    let (action, record) = match &applied {
        Applied::Opened(f) => ("open", f),
        Applied::Updated(f) => ("update", f),
        Applied::Cleared(f) => ("clear", f),
        Applied::Ignored => return Ok(applied),
    };
    audit::record(
        tx,
        actor,
        Some(record.customer_id),
        "finding",
        record.id,
        action,
        None::<&()>,
        Some(record),
    )
    .await?;
    Ok(applied)
}

/// Findings the caller can see; filters `unit_id`, `status`, `customer_id`,
/// `building_id`.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<FindingRecord>> {
    f.only(
        "findings",
        &["unit_id", "status", "customer_id", "building_id"],
    )?;
    let mut sql = Sql::new("SELECT f.* FROM findings f JOIN units u ON u.id = f.unit_id WHERE 1=1");
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    if let Some(u) = f.unit_id {
        sql.push(" AND f.unit_id = ").bind(u);
    }
    if let Some(c) = f.customer_id {
        sql.push(" AND f.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND u.building_id = ").bind(b);
    }
    if let Some(s) = &f.status {
        if !matches!(s.as_str(), "open" | "cleared") {
            return Err(Invalid::new("status", format!("'{s}' must be open or cleared")).into());
        }
        sql.push(" AND f.status = ").bind(s.clone());
    }
    let limit = finish(&mut sql, "f", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |r| r.id))
}
