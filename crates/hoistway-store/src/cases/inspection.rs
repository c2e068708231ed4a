//! Return to service after a controller or safety-component replacement:
//! a case whose service report says `inspection_required` closes only once
//! an inspection certificate of its unit, issued on or after the day the
//! case opened, is recorded; until then the unit counts as out of service.

use super::model::Case;
use super::Tx;
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::Db;
use hoistway_domain::Scope;

/// Refuses (409) to close `case` while its unit awaits the inspection.
pub(crate) async fn refuse_close_before_inspection(tx: &mut Tx<'_>, case: &Case) -> Result<()> {
    let required = case
        .report
        .as_ref()
        .is_some_and(|r| r["inspection_required"] == true);
    let Some(unit_id) = case.unit_id.filter(|_| required) else {
        return Ok(());
    };
    let mut sql = Sql::new("SELECT 1 AS found FROM inspection_certificates WHERE unit_id = ");
    sql.bind(unit_id)
        .push(" AND issued_on >= ")
        .bind(case.created_at.date_naive().to_string());
    if sql.fetch_optional(&mut **tx).await?.is_some() {
        return Ok(());
    }
    Err(StoreError::Conflict(format!(
        "{} replaced the controller or a safety component: record the authority's inspection \
         certificate of the unit (POST /api/v1/certificates) before closing",
        case.number
    )))
}

/// Units in `scope` waiting for the authority's inspection: a resolved
/// case whose report requires one and no certificate since it opened.
pub async fn units_awaiting(db: &Db, scope: &Scope) -> Result<Vec<i64>> {
    awaiting(db, scope, None).await
}

/// Whether one unit waits for the authority's inspection (the unit's
/// status and the KONE-compatible status report it out of service).
pub async fn unit_awaits(db: &Db, unit_id: i64) -> Result<bool> {
    Ok(!awaiting(db, &Scope::All, Some(unit_id)).await?.is_empty())
}

async fn awaiting(db: &Db, scope: &Scope, unit_id: Option<i64>) -> Result<Vec<i64>> {
    // The report is JSON text written by serde (no spaces); the LIKE only
    // narrows, the parsed report decides.
    let mut sql = Sql::new(
        "SELECT c.unit_id, c.report, c.created_at FROM cases c WHERE c.status = 'resolved' AND c.unit_id IS NOT NULL AND c.report LIKE '%\"inspection_required\":true%'",
    );
    if let Some(u) = unit_id {
        sql.push(" AND c.unit_id = ").bind(u);
    }
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    let mut out = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        let report: serde_json::Value =
            serde_json::from_str(&r.text("report")?).unwrap_or_default();
        if report["inspection_required"] != true {
            continue;
        }
        let unit_id = r.int("unit_id")?;
        let opened = r.instant("created_at")?.date_naive().to_string();
        let mut seen = Sql::new("SELECT 1 AS found FROM inspection_certificates WHERE unit_id = ");
        seen.bind(unit_id).push(" AND issued_on >= ").bind(opened);
        if seen.fetch_optional(&db.pool).await?.is_none() {
            out.push(unit_id);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
