//! Doing a visit: start it (its checklist is copied from the template),
//! record checklist items one by one, complete it with the report. A failed
//! safety item goes through [`on_failed_safety_item`], the ONE place that
//! hands a visit's safety failure to the service desk.

use super::{checklists, scheduler, visits};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::text::optional_text;
use hoistway_domain::{Invalid, Scope};
use hoistway_maintenance::checklist::{missing, opens_case, ChecklistItem, ItemOutcome};
use hoistway_maintenance::report::{PartUsed, VisitReportInput};
use hoistway_maintenance::{VisitKind, VisitStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChecklistEntry {
    pub code: String,
    pub title: String,
    pub safety: bool,
    pub outcome: Option<ItemOutcome>,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: Option<DateTime<Utc>>,
    /// The failure was handed to the service desk (at most once per item).
    pub case_opened: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// pass, fail or n_a.
    pub outcome: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitReport {
    pub visit_id: i64,
    pub findings: String,
    pub parts_used: Vec<PartUsed>,
    pub time_on_site_min: u32,
    pub posted_by: Option<i64>,
    pub posted_at: DateTime<Utc>,
}

/// A completed visit with everything the customer sees of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompletedVisit {
    pub visit: visits::Visit,
    pub checklist: Vec<ChecklistEntry>,
    pub report: VisitReport,
}

fn entry(r: &sqlx::any::AnyRow) -> Result<ChecklistEntry> {
    Ok(ChecklistEntry {
        code: r.text("code")?,
        title: r.text("title")?,
        safety: r.int("safety")? != 0,
        outcome: r
            .opt_text("outcome")?
            .map(|o| ItemOutcome::parse(&o))
            .transpose()?,
        note: r.opt_text("note")?,
        recorded_by: r.opt_int("recorded_by")?,
        recorded_at: r.opt_int("recorded_at")?.map(crate::row::from_millis),
        case_opened: r.opt_int("case_hook_at")?.is_some(),
    })
}

async fn items_of(tx: &mut Tx<'_>, visit_id: i64) -> Result<Vec<ChecklistEntry>> {
    let mut sql = Sql::new("SELECT * FROM visit_checklist_items WHERE visit_id = ");
    sql.bind(visit_id).push(" ORDER BY position");
    sql.fetch_all(&mut **tx).await?.iter().map(entry).collect()
}

async fn set_status(
    tx: &mut Tx<'_>,
    actor: Actor,
    v: &visits::Visit,
    to: VisitStatus,
) -> Result<()> {
    v.status.transition(to).map_err(super::rule)?;
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new("UPDATE visits SET status = ");
    sql.bind(to.as_str().to_string());
    match to {
        VisitStatus::InProgress => {
            sql.push(", started_at = ").bind(now);
        }
        VisitStatus::Completed => {
            let tz: chrono_tz::Tz = v.timezone.parse().unwrap_or(chrono_tz::UTC);
            let local = actor.at.with_timezone(&tz).date_naive().to_string();
            sql.push(", completed_at = ")
                .bind(now)
                .push(", completed_on = ")
                .bind(local);
        }
        _ => {}
    }
    sql.push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(v.id)
        .push(" AND status = ")
        .bind(v.status.as_str().to_string());
    if sql.execute(&mut **tx).await?.rows_affected() != 1 {
        return Err(StoreError::Conflict(
            "the visit changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        tx,
        actor,
        Some(v.customer_id),
        "visit",
        v.id,
        to.as_str(),
        Some(&serde_json::json!({"status": v.status})),
        Some(&serde_json::json!({"status": to})),
    )
    .await
}

/// Starts a planned visit; its checklist is the unit kind's template now
/// (inspections have none: the authority's certificate is their record).
pub async fn start(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<visits::Visit> {
    let mut tx = db.begin().await?;
    let after = start_in(&mut tx, scope, actor, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`start`] inside the caller's transaction.
pub async fn start_in(
    tx: &mut Tx<'_>,
    scope: &Scope,
    actor: Actor,
    id: i64,
) -> Result<visits::Visit> {
    let v = visits::fetch(tx, scope, id).await?;
    set_status(tx, actor, &v, VisitStatus::InProgress).await?;
    if v.kind != VisitKind::Inspection {
        let mut kind = Sql::new("SELECT kind FROM units WHERE id = ");
        kind.bind(v.unit_id);
        let kind = UnitKind::parse(&kind.fetch_one(&mut **tx).await?.text("kind")?)?;
        // The template copied in one statement.
        let template = checklists::effective(tx, kind).await?;
        if !template.is_empty() {
            let mut ins = Sql::new(
                "INSERT INTO visit_checklist_items (visit_id, position, code, title, safety) VALUES ",
            );
            for (pos, item) in template.iter().enumerate() {
                ins.push(if pos == 0 { "(" } else { ", (" })
                    .bind(id)
                    .push(", ")
                    .bind(pos as i64)
                    .push(", ")
                    .bind(item.code.clone())
                    .push(", ")
                    .bind(item.title.clone())
                    .push(", ")
                    .bind(i64::from(item.safety))
                    .push(")");
            }
            ins.execute(&mut **tx).await?;
        }
    }
    visits::fetch(tx, &Scope::All, id).await
}

/// A visit's checklist inside the caller's transaction (no scope check:
/// the caller already read the visit).
pub async fn checklist_in(tx: &mut Tx<'_>, id: i64) -> Result<Vec<ChecklistEntry>> {
    items_of(tx, id).await
}

pub async fn checklist(db: &Db, scope: &Scope, id: i64) -> Result<Vec<ChecklistEntry>> {
    let mut tx = db.begin().await?;
    visits::fetch(&mut tx, scope, id).await?;
    items_of(&mut tx, id).await
}

/// Records (or corrects) one item's result on a visit in progress.
pub async fn record_item(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    code: &str,
    input: ItemInput,
) -> Result<ChecklistEntry> {
    let mut tx = db.begin().await?;
    let mut after =
        record_items_in(&mut tx, scope, actor, id, vec![(code.to_string(), input)]).await?;
    tx.commit().await?;
    after.pop().ok_or(StoreError::NotFound("checklist item"))
}

/// Records several items of one visit in one transaction, each exactly as
/// [`record_item`] does (audit row, safety hook); all or none.
pub async fn record_items(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    items: Vec<(String, ItemInput)>,
) -> Result<Vec<ChecklistEntry>> {
    let mut tx = db.begin().await?;
    let out = record_items_in(&mut tx, scope, actor, id, items).await?;
    tx.commit().await?;
    Ok(out)
}

/// [`record_items`] inside the caller's transaction: the visit and its
/// checklist are read once, then each item is written with its audit row.
pub async fn record_items_in(
    tx: &mut Tx<'_>,
    scope: &Scope,
    actor: Actor,
    id: i64,
    items: Vec<(String, ItemInput)>,
) -> Result<Vec<ChecklistEntry>> {
    let v = visits::fetch(tx, scope, id).await?;
    if v.status != VisitStatus::InProgress {
        return Err(StoreError::Conflict(format!(
            "checklist items are recorded on a visit in progress, not a {} one",
            v.status
        )));
    }
    let mut current: std::collections::HashMap<String, ChecklistEntry> = items_of(tx, id)
        .await?
        .into_iter()
        .map(|e| (e.code.clone(), e))
        .collect();
    // As stored: the database keeps milliseconds.
    let at = crate::row::from_millis(actor.at.timestamp_millis());
    let mut out = Vec::with_capacity(items.len());
    for (code, input) in items {
        let outcome = ItemOutcome::parse(&input.outcome)?;
        let note = optional_text("note", input.note.as_deref(), 2000)?;
        let before = current
            .get(&code)
            .cloned()
            .ok_or(StoreError::NotFound("checklist item"))?;
        let mut up = Sql::new("UPDATE visit_checklist_items SET outcome = ");
        up.bind(outcome.as_str().to_string())
            .push(", note = ")
            .bind(note.clone())
            .push(", recorded_by = ")
            .bind(actor.user_id)
            .push(", recorded_at = ")
            .bind(at.timestamp_millis());
        up.push(" WHERE visit_id = ")
            .bind(id)
            .push(" AND code = ")
            .bind(code.clone());
        up.execute(&mut **tx).await?;
        let item = ChecklistItem {
            code: before.code.clone(),
            title: before.title.clone(),
            safety: before.safety,
        };
        let mut after = ChecklistEntry {
            outcome: Some(outcome),
            note,
            recorded_by: actor.user_id,
            recorded_at: Some(at),
            ..before.clone()
        };
        if opens_case(&item, outcome, before.case_opened) {
            on_failed_safety_item(tx, actor, &v, &item).await?;
            after.case_opened = true;
        }
        audit::record(
            tx,
            actor,
            Some(v.customer_id),
            "visit_checklist_item",
            id,
            "record",
            Some(&before),
            Some(&after),
        )
        .await?;
        current.insert(code, after.clone());
        out.push(after);
    }
    Ok(out)
}

/// THE failed-safety hook, called once per failed safety item (the caller
/// checks [`opens_case`]): it records the failure on the visit and opens an
/// emergency case through the service desk in this same transaction, linked
/// to the visit on the case's timeline.
pub async fn on_failed_safety_item(
    tx: &mut Tx<'_>,
    actor: Actor,
    visit: &visits::Visit,
    item: &ChecklistItem,
) -> Result<()> {
    let now = actor.at.timestamp_millis();
    let mut up = Sql::new("UPDATE visit_checklist_items SET case_hook_at = ");
    up.bind(now)
        .push(" WHERE visit_id = ")
        .bind(visit.id)
        .push(" AND code = ")
        .bind(item.code.clone());
    up.execute(&mut **tx).await?;
    let mut up = Sql::new("UPDATE visits SET case_pending = 1, updated_at = ");
    up.bind(now).push(" WHERE id = ").bind(visit.id);
    up.execute(&mut **tx).await?;
    let input = crate::cases::CaseInput {
        unit_id: Some(visit.unit_id),
        symptoms: Some(format!(
            "Safety check failed during planned visit {}: {}",
            visit.id, item.title
        )),
        hazards: vec![format!("failed safety check: {}", item.title)],
        unit_removed_from_service: true,
        ..Default::default()
    };
    let opening = crate::cases::intake::Opening {
        channel: "mobile",
        finding_key: None,
    };
    let case = crate::cases::intake::open_in(
        tx,
        &Scope::All,
        actor,
        &crate::cases::Rules::default(),
        input,
        opening,
    )
    .await?;
    crate::cases::timeline::add(
        tx,
        case.id,
        actor,
        crate::cases::timeline::Entry::new(
            "linked",
            format!(
                "Opened from planned visit {} (checklist item {})",
                visit.id, item.code
            ),
        )
        .detail(serde_json::json!({"visit_id": visit.id, "item": item.code})),
    )
    .await?;
    audit::record(
        tx,
        actor,
        Some(visit.customer_id),
        "visit",
        visit.id,
        "safety_failure",
        None::<&()>,
        Some(&serde_json::json!({
            "unit_id": visit.unit_id,
            "item": item.code,
            "title": item.title,
            "case_number": case.number,
        })),
    )
    .await
}

async fn report_of(tx: &mut Tx<'_>, id: i64) -> Result<Option<VisitReport>> {
    let mut sql = Sql::new("SELECT * FROM visit_reports WHERE visit_id = ");
    sql.bind(id);
    let Some(r) = sql.fetch_optional(&mut **tx).await? else {
        return Ok(None);
    };
    Ok(Some(VisitReport {
        visit_id: id,
        findings: r.text("findings")?,
        parts_used: serde_json::from_str(&r.text("parts_json")?)
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        time_on_site_min: r.int("time_on_site_min")? as u32,
        posted_by: r.opt_int("posted_by")?,
        posted_at: r.instant("posted_at")?,
    }))
}

/// The report of a completed visit.
pub async fn report(db: &Db, scope: &Scope, id: i64) -> Result<CompletedVisit> {
    let mut tx = db.begin().await?;
    let visit = visits::fetch(&mut tx, scope, id).await?;
    let report = report_of(&mut tx, id)
        .await?
        .ok_or(StoreError::NotFound("visit report"))?;
    let checklist = items_of(&mut tx, id).await?;
    Ok(CompletedVisit {
        visit,
        checklist,
        report,
    })
}

/// Completes a visit in progress: every checklist item must have a result;
/// the report is posted and the unit's plan is rescheduled from today.
pub async fn complete(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    input: VisitReportInput,
) -> Result<CompletedVisit> {
    let mut tx = db.begin().await?;
    let done = complete_in(&mut tx, scope, actor, id, input, Replan::Unit).await?;
    tx.commit().await?;
    Ok(done)
}

/// Whether completing a visit reschedules its unit's plan at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replan {
    /// As live work does: the next visits follow from this completion.
    Unit,
    /// The caller runs the scheduler once after a batch of completions
    /// (a replay of past work done exactly as planned, where re-planning
    /// after each one would only cancel and re-create the same visits).
    Later,
}

/// [`complete`] inside the caller's transaction.
pub async fn complete_in(
    tx: &mut Tx<'_>,
    scope: &Scope,
    actor: Actor,
    id: i64,
    input: VisitReportInput,
    replan: Replan,
) -> Result<CompletedVisit> {
    let input = input.validated()?;
    let v = visits::fetch(tx, scope, id).await?;
    if v.status != VisitStatus::InProgress {
        v.status
            .transition(VisitStatus::Completed)
            .map_err(super::rule)?;
    }
    let checklist = items_of(tx, id).await?;
    let items: Vec<ChecklistItem> = checklist
        .iter()
        .map(|e| ChecklistItem {
            code: e.code.clone(),
            title: e.title.clone(),
            safety: e.safety,
        })
        .collect();
    let done: Vec<&str> = checklist
        .iter()
        .filter(|e| e.outcome.is_some())
        .map(|e| e.code.as_str())
        .collect();
    let open = missing(&items, &done);
    if !open.is_empty() {
        return Err(Invalid::new(
            "checklist",
            format!("items without a result: {}", open.join(", ")),
        )
        .into());
    }
    let parts = serde_json::to_string(&input.parts_used)
        .map_err(|e| Invalid::new("parts_used", e.to_string()))?;
    let mut ins = Sql::new("INSERT INTO visit_reports (visit_id, findings, parts_json, time_on_site_min, posted_by, posted_at) VALUES (");
    ins.bind(id)
        .push(", ")
        .bind(input.findings.clone())
        .push(", ")
        .bind(parts)
        .push(", ")
        .bind(i64::from(input.time_on_site_min));
    ins.push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(")");
    ins.execute(&mut **tx)
        .await
        .map_err(|e| StoreError::unique_as_conflict(e, "this visit already has a report"))?;
    set_status(tx, actor, &v, VisitStatus::Completed).await?;
    let report = report_of(tx, id)
        .await?
        .ok_or(StoreError::NotFound("visit report"))?;
    audit::record(
        tx,
        actor,
        Some(v.customer_id),
        "visit_report",
        id,
        "post",
        None::<&()>,
        Some(&report),
    )
    .await?;
    if replan == Replan::Unit {
        scheduler::schedule_units(tx, actor, &Default::default(), Some(&[v.unit_id])).await?;
    }
    let visit = visits::fetch(tx, &Scope::All, id).await?;
    Ok(CompletedVisit {
        visit,
        checklist,
        report,
    })
}
