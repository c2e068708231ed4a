//! Service cases: intake, lifecycle, timeline, SLA timers.
//!
//! The rules (triage, the status machine, SLA arithmetic, escalations) are
//! `hoistway-desk`'s; this module stores their outcomes. Every change runs in
//! one transaction that also writes the timeline, the audit row and the
//! notification outbox, so a case is never half-changed and nobody is told
//! about a change that did not happen.
//!
//! Files: [`intake`] opens cases, [`lifecycle`] moves them, [`asks`]
//! keeps what a customer asks of the care center on an open case
//! (escalation, a callback) until an operator answers, [`timeline`]
//! records what happened, [`sla`] keeps SLA state and runs the persisted
//! timers, [`kpi`] gathers KPI inputs, [`preemptive`] turns connected
//! findings into cases, [`inspection`] holds a case open and its unit out
//! of service until a required inspection is recorded, [`parts_eta`] dates
//! a parts hold from the parts catalogue, [`model`] is the row shape.

pub mod asks;
pub mod inspection;
pub mod intake;
pub mod kpi;
pub mod lifecycle;
pub mod model;
pub mod parts_eta;
pub mod preemptive;
pub mod sla;
pub mod timeline;

pub use intake::{create, CaseInput, Trapped};
pub use model::{
    CallbackRequest, CallbackWindow, Case, CaseFilter, EscalationRequest, Repeatable, Safety,
    SlaView,
};
pub use sla::{Rules, TimerRun};

use crate::error::{Result, StoreError};
use crate::page::{paginate, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, Tx};
use hoistway_domain::{Invalid, Scope};

/// A case by number, inside `scope`.
pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, number: &str) -> Result<Case> {
    let mut sql = Sql::new("SELECT * FROM cases c WHERE c.number = ");
    sql.bind(number.to_string());
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
    model::from_row(&row)
}

/// A case by id (system paths: timers, connected findings).
pub(crate) async fn fetch_by_id(tx: &mut Tx<'_>, id: i64) -> Result<Case> {
    let mut sql = Sql::new("SELECT * FROM cases WHERE id = ");
    sql.bind(id);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
    model::from_row(&row)
}

pub async fn get(db: &Db, scope: &Scope, number: &str) -> Result<Case> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, number).await
}

/// How a notification names where a case is, in plain words: "Lift C ·
/// Keilaniemi Campus" (the unit's name, else its equipment number, then
/// the building's name). Notices reach customers by e-mail, SMS and push,
/// so they carry no internal codes.
pub(crate) async fn place(tx: &mut Tx<'_>, case: &Case) -> Result<String> {
    let mut sql = Sql::new(
        "SELECT b.name AS building_name, u.name AS unit_name, u.equipment_number AS equipment_number \
         FROM cases c JOIN buildings b ON b.id = c.building_id LEFT JOIN units u ON u.id = c.unit_id WHERE c.id = ",
    );
    sql.bind(case.id);
    let Some(row) = sql.fetch_optional(&mut **tx).await? else {
        return Ok(String::new());
    };
    let building = row.text("building_name")?;
    let unit = row
        .opt_text("unit_name")?
        .filter(|n| !n.trim().is_empty())
        .or(row.opt_text("equipment_number")?);
    Ok(match unit {
        Some(u) => format!("{u} · {building}"),
        None => building,
    })
}

/// A case's priority as the first words of a notice ("Urgent request").
pub(crate) fn request_words(priority: &str) -> &'static str {
    match priority {
        "emergency" => "Emergency request",
        "urgent" => "Urgent request",
        _ => "Service request",
    }
}

/// An escalation's kind in plain words.
pub(crate) fn escalation_words(kind: &str) -> &'static str {
    match kind {
        "entrapment" => "someone is trapped",
        "response_at_risk" => "the technician may arrive late",
        "resolution_at_risk" => "the repair may take longer than agreed",
        "response_breached" => "the technician is late",
        "resolution_breached" => "the repair is taking longer than agreed",
        _ => "needs attention",
    }
}

/// The name of the technician assigned to a case, for whoever may read
/// the case (the customer's service report names them, as the case's
/// timeline does). `NotFound` outside `scope`, `None` when unassigned.
pub async fn technician_name(db: &Db, scope: &Scope, number: &str) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT u.name AS technician_name FROM cases c LEFT JOIN users u ON u.id = c.technician_id WHERE c.number = ",
    );
    sql.bind(number.to_string());
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    let row = sql
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound("case"))?;
    Ok(row.opt_text("technician_name")?)
}

/// Lists cases in id order (newest last), or with `sort=sla` the open ones
/// most urgent first (the care-center queue).
pub async fn list(db: &Db, scope: &Scope, f: &CaseFilter) -> Result<Page<Case>> {
    let mut sql = Sql::new("SELECT * FROM cases c WHERE 1=1");
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    if let Some(v) = f.customer_id {
        sql.push(" AND c.customer_id = ").bind(v);
    }
    if let Some(v) = f.building_id {
        sql.push(" AND c.building_id = ").bind(v);
    }
    if let Some(v) = f.unit_id {
        sql.push(" AND c.unit_id = ").bind(v);
    }
    if let Some(v) = f.technician_id {
        sql.push(" AND c.technician_id = ").bind(v);
    }
    if let Some(status) = f.status.as_deref() {
        match status {
            "open" => {
                sql.push(" AND c.status NOT IN ('resolved', 'closed', 'cancelled')");
            }
            other => {
                let s = model::parse_status("status", other)?;
                sql.push(" AND c.status = ").bind(s.as_str().to_string());
            }
        }
    }
    if let Some(p) = f.priority.as_deref() {
        let p = model::parse_priority("priority", p)?;
        sql.push(" AND c.priority = ").bind(p.as_str().to_string());
    }
    if let Some(ch) = f.channel.as_deref() {
        sql.push(" AND c.channel = ")
            .bind(model::parse_channel(ch)?.to_string());
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let like = crate::page::like_pattern(q);
        sql.push(" AND (LOWER(c.number) LIKE ")
            .bind_like(like.clone())
            .push(" OR LOWER(c.symptoms) LIKE ")
            .bind_like(like)
            .push(")");
    }
    let by_sla = match f.sort.as_deref() {
        None | Some("id") => false,
        Some("sla") => true,
        Some(other) => {
            return Err(Invalid::new("sort", format!("unknown sort {other:?} (id or sla)")).into())
        }
    };
    let page = crate::page::ListFilter {
        cursor: f.cursor.clone(),
        limit: f.limit,
        ..Default::default()
    };
    let limit = if by_sla {
        // The queue: the next promise to fall due first. A cursor is not
        // meaningful in this order, so the queue is one page.
        if f.cursor.is_some() {
            return Err(Invalid::new("cursor", "the SLA-ordered queue has no cursor").into());
        }
        let limit = page.limit()?;
        sql.push(" ORDER BY CASE WHEN c.first_on_site_at IS NULL THEN c.response_due ELSE c.resolution_due END, c.id LIMIT ")
            .bind(limit);
        limit
    } else {
        crate::page::finish(&mut sql, "c", &page)?
    };
    let rows = sql.fetch_all(&db.pool).await?;
    let items = rows
        .iter()
        .map(model::from_row)
        .collect::<Result<Vec<_>>>()?;
    if by_sla {
        return Ok(Page {
            items,
            next_cursor: None,
        });
    }
    Ok(paginate(items, limit, |c| c.id))
}

/// Reads one integer column of the first row, if any.
async fn scalar(tx: &mut Tx<'_>, sql: Sql, col: &str) -> Result<Option<i64>> {
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => r.opt_int(col)?,
        None => None,
    })
}
