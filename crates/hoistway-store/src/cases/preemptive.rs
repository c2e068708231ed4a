//! Pre-emptive cases from connected equipment: one case per (unit, fault
//! family) episode.
//!
//! - A finding opens its family's case (channel `connected`), or joins the
//!   open one: door wear, door reopens and door faults on one lift are one
//!   door problem. The open case carries `finding_key = unit:family` under a
//!   unique index until it ends; `episode_key` keeps that value for good.
//! - A finding that comes back within [`COOLDOWN`] of its episode's case
//!   being cancelled reopens that case instead of opening a new number; one
//!   that comes back after the case was resolved opens a new case that
//!   names the earlier one (a recurring fault).
//! - A high learned failure risk joins any open pre-emptive case of the
//!   unit instead of opening one of its own.
//! - A finding whose severity becomes critical raises a routine case to
//!   urgent: a critical overheat must not wait in the routine queue.
//! - When every finding of the family has recovered (the analytics clear a
//!   finding only after sustained recovery), a case nobody started is
//!   cancelled; one in progress is told and left to the technician.
//!
//! Every change goes on the timeline in plain words and on the audit trail.

use super::intake::{open_in, CaseInput, Opening, Trapped};
use super::model::Case;
use super::sla::{self, Rules};
use super::timeline::{self, Entry};
use super::Tx;
use crate::audit::{self, Actor};
use crate::error::Result;
use crate::findings::FindingRecord;
use crate::row::RowExt;
use crate::sql::Sql;
use hoistway_domain::findings::{family, plain_name};
use hoistway_domain::Scope;

/// How long after a case ends a recurrence still belongs to its episode.
pub const COOLDOWN: chrono::Duration = chrono::Duration::days(7);

fn key(f: &FindingRecord) -> String {
    format!("{}:{}", f.unit_id, family(&f.kind))
}

async fn case_id_where(tx: &mut Tx<'_>, sql: Sql) -> Result<Option<i64>> {
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => Some(r.int("id")?),
        None => None,
    })
}

async fn open_case(tx: &mut Tx<'_>, key: &str) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM cases WHERE finding_key = ");
    sql.bind(key.to_string());
    case_id_where(tx, sql).await
}

/// The oldest open pre-emptive case of a unit, whatever its family.
async fn any_open_case(tx: &mut Tx<'_>, unit_id: i64) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM cases WHERE finding_key LIKE ");
    sql.bind(format!("{unit_id}:%"))
        .push(" ORDER BY id LIMIT 1");
    case_id_where(tx, sql).await
}

/// The newest case of this episode in `statuses` that changed since `since`.
async fn recent_episode(
    tx: &mut Tx<'_>,
    key: &str,
    statuses: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM cases WHERE episode_key = ");
    sql.bind(key.to_string())
        .push(&format!(" AND status IN ({statuses}) AND updated_at >= "))
        .bind(since.timestamp_millis())
        .push(" ORDER BY updated_at DESC, id DESC LIMIT 1");
    case_id_where(tx, sql).await
}

fn describe(f: &FindingRecord) -> String {
    let spares = if f.spares.is_empty() {
        String::new()
    } else {
        format!(" Suggested spares: {}.", f.spares.join(", "))
    };
    format!(
        "Connected equipment ({}, {}): {} Likely fault: {}.{spares}",
        plain_name(&f.kind),
        f.severity,
        f.explanation,
        f.likely_fault
    )
}

/// After a change the equipment caused: the SLA state follows and the
/// audit trail records before and after.
async fn refresh_and_audit(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    before: &Case,
    action: &str,
) -> Result<()> {
    let after = sla::refresh(tx, rules, before.id, actor.at).await?;
    audit::record(
        tx,
        actor,
        Some(after.customer_id),
        "case",
        before.id,
        action,
        Some(before),
        Some(&after),
    )
    .await
}

/// Writes a status change the equipment caused, with SLA refresh and audit.
async fn set_status(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    id: i64,
    status: &str,
    finding_key: Option<&str>,
    message: String,
) -> Result<()> {
    let before = super::fetch_by_id(tx, id).await?;
    let mut up = Sql::new("UPDATE cases SET status = ");
    up.bind(status.to_string())
        .push(", finding_key = ")
        .bind(finding_key.map(str::to_string))
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    up.execute(&mut **tx).await?;
    let detail = serde_json::json!({"from": before.status, "to": status});
    timeline::add(tx, id, actor, Entry::new("status", message).detail(detail)).await?;
    refresh_and_audit(tx, actor, rules, &before, "status").await
}

/// A critical finding raises a routine case to urgent.
async fn raise_priority(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    id: i64,
    f: &FindingRecord,
) -> Result<()> {
    if f.severity != "critical" {
        return Ok(());
    }
    let before = super::fetch_by_id(tx, id).await?;
    if before.priority != "routine" {
        return Ok(());
    }
    let mut up = Sql::new("UPDATE cases SET priority = 'urgent', updated_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    up.execute(&mut **tx).await?;
    let message = format!(
        "Priority raised from routine to urgent: the {} reading is now critical",
        plain_name(&f.kind)
    );
    let detail = serde_json::json!({"from": "routine", "to": "urgent", "finding": f.kind});
    timeline::add(
        tx,
        id,
        actor,
        Entry::new("priority", message).detail(detail),
    )
    .await?;
    refresh_and_audit(tx, actor, rules, &before, "priority").await
}

/// A finding was raised: open its family's case, join the open one, or
/// reopen the case of a recent episode.
pub async fn finding_opened(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    f: &FindingRecord,
) -> Result<Case> {
    let key = key(f);
    let joined = match open_case(tx, &key).await? {
        Some(id) => Some(id),
        // A high learned risk says "something on this unit": when a case is
        // already open for it, that is where the technician will look.
        None if f.kind == "failure_risk" => any_open_case(tx, f.unit_id).await?,
        None => None,
    };
    if let Some(id) = joined {
        timeline::add(tx, id, actor, Entry::new("finding", describe(f))).await?;
        raise_priority(tx, actor, rules, id, f).await?;
        return super::fetch_by_id(tx, id).await;
    }
    let since = actor.at - COOLDOWN;
    if let Some(id) = recent_episode(tx, &key, "'cancelled'", since).await? {
        let message = format!(
            "Reopened: the {} signal came back within {} days of recovering. {}",
            plain_name(&f.kind),
            COOLDOWN.num_days(),
            describe(f)
        );
        set_status(tx, actor, rules, id, "new", Some(&key), message).await?;
        raise_priority(tx, actor, rules, id, f).await?;
        return super::fetch_by_id(tx, id).await;
    }
    let earlier = recent_episode(tx, &key, "'resolved', 'closed'", since).await?;
    let entrapment = f.kind == "entrapment";
    let input = CaseInput {
        unit_id: Some(f.unit_id),
        symptoms: Some(describe(f)),
        passengers_trapped: entrapment.then_some(Trapped::Flag(true)),
        unit_out_of_service: f.severity == "critical" && !entrapment,
        ..Default::default()
    };
    let opening = Opening {
        channel: "connected",
        finding_key: Some(key.clone()),
    };
    let case = open_in(tx, &Scope::All, actor, rules, input, opening).await?;
    let mut up = Sql::new("UPDATE cases SET episode_key = ");
    up.bind(key).push(" WHERE id = ").bind(case.id);
    up.execute(&mut **tx).await?;
    if let Some(prev) = earlier {
        let prev = super::fetch_by_id(tx, prev).await?;
        let message = format!(
            "Recurring fault: the same {} problem was fixed in case {} less than {} days ago",
            family(&f.kind).replace('_', " "),
            prev.number,
            COOLDOWN.num_days()
        );
        let detail = serde_json::json!({"previous_case": prev.number});
        timeline::add(
            tx,
            case.id,
            actor,
            Entry::new("finding", message).detail(detail),
        )
        .await?;
    }
    raise_priority(tx, actor, rules, case.id, f).await?;
    super::fetch_by_id(tx, case.id).await
}

/// The finding changed (severity, explanation): the case hears of it, and a
/// finding that became critical raises the case's priority.
pub async fn finding_updated(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    f: &FindingRecord,
) -> Result<()> {
    if let Some(id) = open_case(tx, &key(f)).await? {
        timeline::add(tx, id, actor, Entry::new("finding", describe(f))).await?;
        raise_priority(tx, actor, rules, id, f).await?;
    }
    Ok(())
}

/// Open findings of the same unit and family other than `f`.
async fn others_open(tx: &mut Tx<'_>, f: &FindingRecord) -> Result<Vec<String>> {
    let mut sql = Sql::new("SELECT kind FROM findings WHERE unit_id = ");
    sql.bind(f.unit_id)
        .push(" AND status = 'open' AND id <> ")
        .bind(f.id);
    let rows = sql.fetch_all(&mut **tx).await?;
    let mut kinds = Vec::new();
    for r in rows {
        let k = r.text("kind")?;
        if family(&k) == family(&f.kind) {
            kinds.push(k);
        }
    }
    Ok(kinds)
}

/// A finding recovered (after sustained normal behaviour). When its whole
/// family has, a case nobody has started on is cancelled; one in progress
/// is told and left to the technician.
pub async fn finding_cleared(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    f: &FindingRecord,
) -> Result<()> {
    let key = key(f);
    let Some(id) = open_case(tx, &key).await? else {
        return Ok(());
    };
    let name = plain_name(&f.kind);
    let still = others_open(tx, f).await?;
    if !still.is_empty() {
        let names: Vec<String> = still.iter().map(|k| plain_name(k)).collect();
        let message = format!(
            "The {name} signal recovered; still open: {}",
            names.join(", ")
        );
        timeline::add(tx, id, actor, Entry::new("finding", message)).await?;
        return Ok(());
    }
    let status = super::fetch_by_id(tx, id).await?.status;
    let why = f
        .explanation
        .strip_prefix("recovered: ")
        .unwrap_or(&f.explanation);
    if status == "new" {
        let message =
            format!("Cancelled, no work had started: the {name} signal recovered ({why})");
        set_status(tx, actor, rules, id, "cancelled", None, message).await?;
    } else {
        let message = format!("The {name} signal recovered ({why})");
        timeline::add(tx, id, actor, Entry::new("finding", message)).await?;
    }
    Ok(())
}
