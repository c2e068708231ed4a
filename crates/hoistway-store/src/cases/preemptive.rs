//! Pre-emptive cases from connected equipment: a finding opens a case
//! (channel `connected`), its updates go on that case's timeline, and its
//! recovery cancels the case if no work has started yet. At most one open
//! case exists per (unit, finding kind): the case carries the key
//! `unit:kind` under a unique index until it is resolved, closed or
//! cancelled.

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
use hoistway_domain::Scope;

fn key(f: &FindingRecord) -> String {
    format!("{}:{}", f.unit_id, f.kind)
}

async fn open_case(tx: &mut Tx<'_>, f: &FindingRecord) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM cases WHERE finding_key = ");
    sql.bind(key(f));
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => Some(r.int("id")?),
        None => None,
    })
}

fn describe(f: &FindingRecord) -> String {
    let spares = if f.spares.is_empty() {
        String::new()
    } else {
        format!(" Suggested spares: {}.", f.spares.join(", "))
    };
    format!(
        "Connected equipment ({}, {}): {} Likely fault: {}.{spares}",
        f.kind, f.severity, f.explanation, f.likely_fault
    )
}

/// A finding was raised: open its case (or note it on the open one).
pub async fn finding_opened(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    f: &FindingRecord,
) -> Result<Case> {
    if let Some(id) = open_case(tx, f).await? {
        timeline::add(tx, id, actor, Entry::new("finding", describe(f))).await?;
        return super::fetch_by_id(tx, id).await;
    }
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
        finding_key: Some(key(f)),
    };
    open_in(tx, &Scope::All, actor, rules, input, opening).await
}

/// The finding changed (severity, explanation): the case hears of it.
pub async fn finding_updated(tx: &mut Tx<'_>, actor: Actor, f: &FindingRecord) -> Result<()> {
    if let Some(id) = open_case(tx, f).await? {
        timeline::add(tx, id, actor, Entry::new("finding", describe(f))).await?;
    }
    Ok(())
}

/// The signal recovered: a case nobody has started on is cancelled; one in
/// progress is told and left to the technician.
pub async fn finding_cleared(
    tx: &mut Tx<'_>,
    actor: Actor,
    rules: &Rules,
    f: &FindingRecord,
) -> Result<()> {
    let Some(id) = open_case(tx, f).await? else {
        return Ok(());
    };
    let before = super::fetch_by_id(tx, id).await?;
    if before.status == "new" {
        let mut up =
            Sql::new("UPDATE cases SET status = 'cancelled', finding_key = NULL, updated_at = ");
        up.bind(actor.at.timestamp_millis())
            .push(" WHERE id = ")
            .bind(id);
        up.execute(&mut **tx).await?;
        let message = format!("Cancelled: the {} signal recovered", f.kind);
        timeline::add(tx, id, actor, Entry::new("status", message)).await?;
        let after = sla::refresh(tx, rules, id, actor.at).await?;
        audit::record(
            tx,
            actor,
            Some(after.customer_id),
            "case",
            id,
            "status",
            Some(&before),
            Some(&after),
        )
        .await?;
    } else {
        let message = format!("The {} signal recovered", f.kind);
        timeline::add(tx, id, actor, Entry::new("finding", message)).await?;
    }
    Ok(())
}
