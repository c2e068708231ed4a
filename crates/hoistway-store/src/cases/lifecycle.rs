//! Moving a case: status, dispatch and ETA, priority override, notes, the
//! service report and the customer's answer to a quote, acknowledgements.
//!
//! Each operation reads the case in the caller's scope, checks the desk's
//! rules, writes the change with its timeline entry, audit row, fresh SLA
//! state and notifications, all in one transaction.

use super::model::{parse_priority, parse_status, Case};
use super::parts_eta::parts_eta;
use super::sla::{self, Rules};
use super::timeline::{self, Entry};
use super::Tx;
use crate::audit::{self, Actor};
use crate::contract_work::QuoteRoute;
use crate::error::{Result, StoreError};
use crate::notifications::{self, Audience, Notice};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};
use hoistway_desk::{transition, Event, ServiceReportDraft, Status};
use hoistway_domain::{Invalid, Scope};
use serde::Deserialize;

/// A status change.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: String,
    /// Why (kept on the timeline); required to cancel or reopen.
    pub reason: Option<String>,
    /// For on_hold: `waiting_for_parts` (default) or `waiting_for_customer`.
    pub hold: Option<String>,
    /// For on_hold waiting for parts: the part number.
    pub part: Option<String>,
    /// For on_hold waiting for parts: the lead time in days (0 to 365).
    /// May be left out for a part of the parts catalogue: its lead time is
    /// then the catalogue's (1 day when a depot has it in stock).
    pub lead_time_days: Option<i64>,
}

/// Dispatching a technician.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub technician_id: i64,
    pub eta: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EtaChange {
    pub eta: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityChange {
    pub priority: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub text: String,
    /// Hidden from the customer's users.
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteAnswer {
    /// accepted or declined.
    pub decision: String,
    /// The customer's purchase order for the quoted work; required to
    /// accept when the contract requires one and the case has none.
    #[serde(default)]
    pub po_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The escalation kind acknowledged, e.g. `entrapment`.
    pub kind: String,
}

/// What a change notifies, if anything.
pub(super) struct Tell {
    event: Event,
    key: String,
    subject: String,
}

/// Opens the transaction and reads the case in scope.
pub(super) async fn begin(db: &Db, scope: &Scope, number: &str) -> Result<(Tx<'static>, Case)> {
    let mut tx = db.begin().await?;
    let case = super::fetch(&mut tx, scope, number).await?;
    Ok((tx, case))
}

/// Timeline, SLA, audit, notification, commit.
pub(super) async fn finish(
    mut tx: Tx<'_>,
    rules: &Rules,
    actor: Actor,
    before: &Case,
    action: &str,
    entry: Entry<'_>,
    tell: Option<Tell>,
) -> Result<Case> {
    let mut touch = Sql::new("UPDATE cases SET updated_at = ");
    touch
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(before.id);
    touch.execute(&mut *tx).await?;
    timeline::add(&mut tx, before.id, actor, entry).await?;
    let after = sla::refresh(&mut tx, rules, before.id, actor.at).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "case",
        after.id,
        action,
        Some(before),
        Some(&after),
    )
    .await?;
    if let Some(t) = tell {
        notifications::enqueue(
            &mut tx,
            actor.at,
            Notice {
                event: t.event,
                key: t.key,
                case_id: Some(after.id),
                invoice_id: None,
                customer_id: Some(after.customer_id),
                subject: t.subject,
                body: format!("{}: {}", after.number, after.symptoms),
                audience: Audience::Case {
                    customer_id: after.customer_id,
                    building_id: after.building_id,
                    technician_id: after.technician_id,
                    reporter_user_id: after.reporter_user_id,
                },
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

fn illegal(e: hoistway_desk::IllegalTransition) -> StoreError {
    StoreError::Conflict(e.to_string())
}

/// Closes an open hold interval.
async fn end_hold(tx: &mut Tx<'_>, case_id: i64, at: i64) -> Result<()> {
    let mut sql = Sql::new("UPDATE case_holds SET until_at = ");
    sql.bind(at)
        .push(" WHERE until_at IS NULL AND case_id = ")
        .bind(case_id);
    sql.execute(&mut **tx).await?;
    Ok(())
}

pub async fn change_status(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    change: StatusChange,
) -> Result<Case> {
    let to = parse_status("status", &change.status)?;
    let reason = change
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let (mut tx, case) = begin(db, scope, number).await?;
    let from = case.status();
    transition(from, to).map_err(illegal)?;
    let now = actor.at.timestamp_millis();
    let reopen = from == Status::Resolved && to == Status::New;
    if (to == Status::Cancelled || reopen) && reason.is_none() {
        return Err(Invalid::new("reason", "say why the case is cancelled or reopened").into());
    }
    if matches!(to, Status::Dispatched | Status::EnRoute | Status::OnSite)
        && case.technician_id.is_none()
    {
        return Err(Invalid::new("status", "assign a technician first (POST …/assign)").into());
    }
    if from == Status::OnHold {
        end_hold(&mut tx, case.id, now).await?;
    }
    let mut up = Sql::new("UPDATE cases SET status = ");
    up.bind(to.as_str().to_string());
    let mut message = format!("Status {from} → {to}");
    let mut tell = None;
    match to {
        Status::OnSite => {
            up.push(", on_site_at = ").bind(now);
            up.push(", first_on_site_at = COALESCE(first_on_site_at, ")
                .bind(now)
                .push(")");
            up.push(", site_visits = site_visits + 1");
            tell = Some(Tell {
                event: Event::OnSite,
                key: format!("{}:on_site:{}", case.number, case.site_visits + 1),
                subject: format!(
                    "Technician on site for {} · {}",
                    case.number,
                    super::place(&mut tx, &case).await?
                ),
            });
        }
        Status::OnHold => {
            let kind = change.hold.as_deref().unwrap_or("waiting_for_parts");
            let mut hold_part: Option<String> = None;
            match kind {
                "waiting_for_parts" => {
                    let part = change
                        .part
                        .as_deref()
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| Invalid::new("part", "name the part waited for"))?;
                    let eta = parts_eta(&mut tx, part, change.lead_time_days, actor.at).await?;
                    up.push(", hold_part = ").bind(part.to_string());
                    up.push(", hold_lead_days = ").bind(eta.days);
                    up.push(", hold_parts_expected_on = ")
                        .bind(eta.expected_on.to_string());
                    hold_part = Some(part.to_string());
                    let expected = eta.expected_on.format("%-d %b %Y");
                    message = format!(
                        "On hold: waiting for part {part} ({} days{}), expected on {expected}",
                        eta.days,
                        eta.source.words()
                    );
                    tell = Some(Tell {
                        event: Event::EtaChanged,
                        key: format!("{}:parts:{now}", case.number),
                        subject: format!(
                            "{} on hold: part {part} expected on {expected} · {}",
                            case.number,
                            super::place(&mut tx, &case).await?
                        ),
                    });
                }
                "waiting_for_customer" => {
                    up.push(", hold_part = NULL, hold_lead_days = NULL");
                    up.push(", hold_parts_expected_on = NULL");
                    message = format!(
                        "On hold: waiting for the customer{}",
                        reason.map(|r| format!(" ({r})")).unwrap_or_default()
                    );
                }
                other => {
                    return Err(Invalid::new(
                        "hold",
                        format!(
                            "unknown hold {other:?}; waiting_for_parts or waiting_for_customer"
                        ),
                    )
                    .into())
                }
            }
            let mut hold =
                Sql::new("INSERT INTO case_holds (case_id, kind, from_at, part) VALUES (");
            hold.bind(case.id)
                .push(", ")
                .bind(kind.to_string())
                .push(", ")
                .bind(now)
                .push(", ")
                .bind(hold_part)
                .push(")");
            hold.execute(&mut *tx).await?;
        }
        Status::Resolved => {
            up.push(", resolved_at = ")
                .bind(now)
                .push(", finding_key = NULL");
            tell = Some(Tell {
                event: Event::Resolved,
                key: format!("{}:resolved:{now}", case.number),
                subject: format!(
                    "{} resolved · {}",
                    case.number,
                    super::place(&mut tx, &case).await?
                ),
            });
        }
        Status::Closed => {
            super::inspection::refuse_close_before_inspection(&mut tx, &case).await?;
            up.push(", closed_at = ")
                .bind(now)
                .push(", finding_key = NULL");
        }
        Status::Cancelled => {
            up.push(", finding_key = NULL");
        }
        Status::New if reopen => {
            up.push(", resolved_at = NULL, report = NULL, quote_decision = NULL");
            message = "Reopened".to_string();
        }
        _ => {}
    }
    if let Some(r) = reason {
        message = format!("{message}: {r}");
    }
    up.push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(case.id);
    up.execute(&mut *tx).await?;
    let entry = Entry::new("status", message)
        .detail(serde_json::json!({"from": from.as_str(), "to": to.as_str()}));
    finish(tx, rules, actor, &case, "status", entry, tell).await
}

fn check_eta(eta: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Invalid> {
    if eta <= now {
        return Err(Invalid::new("eta", format!("{eta} is in the past")));
    }
    if eta > now + chrono::Duration::days(60) {
        return Err(Invalid::new("eta", "is more than 60 days ahead"));
    }
    Ok(())
}

pub async fn assign(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    a: Assignment,
) -> Result<Case> {
    if let Some(eta) = a.eta {
        check_eta(eta, actor.at)?;
    }
    let (mut tx, case) = begin(db, scope, number).await?;
    if !case.status().is_open() {
        return Err(StoreError::Conflict(format!(
            "case {} is {}; reopen it first",
            case.number, case.status
        )));
    }
    let mut tech =
        Sql::new("SELECT name FROM users WHERE role = 'technician' AND disabled = 0 AND id = ");
    tech.bind(a.technician_id);
    let name = tech
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            Invalid::new(
                "technician_id",
                format!("{} is not an active technician", a.technician_id),
            )
        })?
        .text("name")?;
    let mut up = Sql::new("UPDATE cases SET technician_id = ");
    up.bind(a.technician_id);
    if let Some(eta) = a.eta {
        up.push(", eta = ").bind(eta.timestamp_millis());
    }
    if case.status() == Status::New {
        up.push(", status = 'dispatched'");
    }
    up.push(" WHERE id = ").bind(case.id);
    up.execute(&mut *tx).await?;
    let eta_text = a
        .eta
        .map(|e| format!(", ETA {}", e.format("%Y-%m-%d %H:%M UTC")))
        .unwrap_or_default();
    let expected = a
        .eta
        .map(|e| format!(", expected {}", e.format("%-d %b %Y %H:%M UTC")))
        .unwrap_or_default();
    let place = super::place(&mut tx, &case).await?;
    let entry = Entry::new("assigned", format!("Technician {name} assigned{eta_text}"))
        .detail(serde_json::json!({"technician_id": a.technician_id, "eta": a.eta}));
    let tell = Tell {
        event: Event::TechnicianAssigned,
        key: format!(
            "{}:assigned:{}:{}",
            case.number,
            a.technician_id,
            actor.at.timestamp_millis()
        ),
        subject: format!("{name} assigned to {} · {place}{expected}", case.number),
    };
    finish(tx, rules, actor, &case, "assign", entry, Some(tell)).await
}

pub async fn set_eta(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    e: EtaChange,
) -> Result<Case> {
    check_eta(e.eta, actor.at)?;
    let (mut tx, case) = begin(db, scope, number).await?;
    if case.technician_id.is_none() || !case.status().is_open() {
        return Err(StoreError::Conflict(format!(
            "case {} has no technician on the way",
            case.number
        )));
    }
    let mut up = Sql::new("UPDATE cases SET eta = ");
    up.bind(e.eta.timestamp_millis())
        .push(" WHERE id = ")
        .bind(case.id);
    up.execute(&mut *tx).await?;
    let text = e.eta.format("%Y-%m-%d %H:%M UTC").to_string();
    let entry = Entry::new("eta", format!("ETA {text}")).detail(serde_json::json!({"eta": e.eta}));
    let tell = Tell {
        event: Event::EtaChanged,
        key: format!("{}:eta:{}", case.number, e.eta.timestamp()),
        subject: format!(
            "Technician for {} now expected {} · {}",
            case.number,
            e.eta.format("%-d %b %Y %H:%M UTC"),
            super::place(&mut tx, &case).await?
        ),
    };
    finish(tx, rules, actor, &case, "eta", entry, Some(tell)).await
}

/// A duty manager's override. The caller's role was checked by the API.
pub async fn override_priority(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    change: PriorityChange,
) -> Result<Case> {
    let to = parse_priority("priority", &change.priority)?;
    let reason = change.reason.trim();
    if reason.is_empty() {
        return Err(Invalid::new("reason", "an override needs a reason").into());
    }
    let (mut tx, case) = begin(db, scope, number).await?;
    if case.priority() == to {
        return Err(StoreError::Conflict(format!("priority is already {to}")));
    }
    let mut up = Sql::new("UPDATE cases SET priority = ");
    up.bind(to.as_str().to_string())
        .push(" WHERE id = ")
        .bind(case.id);
    up.execute(&mut *tx).await?;
    let entry = Entry::new(
        "priority_override",
        format!("Priority {} → {to}: {reason}", case.priority),
    )
    .detail(serde_json::json!({"from": case.priority, "to": to.as_str(), "reason": reason}));
    finish(tx, rules, actor, &case, "priority_override", entry, None).await
}

pub async fn add_note(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    note: Note,
) -> Result<Case> {
    let text = hoistway_domain::text::required_text("text", &note.text, 4000)?;
    let (tx, case) = begin(db, scope, number).await?;
    let entry = Entry::new("note", text).internal(note.internal);
    finish(tx, rules, actor, &case, "note", entry, None).await
}

/// Posts the service report of a case on site or resolved (once).
pub async fn post_report(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    draft: ServiceReportDraft,
) -> Result<Case> {
    let report = draft
        .validate()
        .map_err(|e| StoreError::from(Invalid::new("report", e.to_string())))?;
    let (mut tx, case) = begin(db, scope, number).await?;
    // On site too: the technician writes the report before leaving.
    if !matches!(case.status(), Status::OnSite | Status::Resolved) {
        return Err(StoreError::Conflict(format!(
            "case {} is {}; a service report is posted on site or once it is resolved",
            case.number, case.status
        )));
    }
    if case.report.is_some() {
        return Err(StoreError::Conflict(format!(
            "case {} already has a report",
            case.number
        )));
    }
    let route =
        crate::contract_work::record_report(&mut tx, &rules.warranty, &case, &report, actor.at)
            .await?;
    let (decision, quote_note) = match &route {
        None => (None, String::new()),
        Some(QuoteRoute::Accepted) => (
            Some("accepted"),
            " Quote accepted: within the contract's spending limit.".to_string(),
        ),
        Some(QuoteRoute::Customer(reasons)) if reasons.is_empty() => (
            Some("pending"),
            " Quote waits for the customer.".to_string(),
        ),
        Some(QuoteRoute::Customer(reasons)) => (
            Some("pending"),
            format!(" Quote waits for the customer: {}.", reasons.join("; ")),
        ),
    };
    let json = serde_json::to_string(&report).unwrap_or_default();
    let mut up = Sql::new("UPDATE cases SET report = ");
    up.bind(json)
        .push(", quote_decision = ")
        .bind(decision.map(str::to_string))
        .push(" WHERE id = ")
        .bind(case.id);
    up.execute(&mut *tx).await?;
    let entry = Entry::new(
        "report",
        format!("Service report posted: {}{quote_note}", report.findings),
    );
    let tell = Tell {
        event: Event::ReportPosted,
        key: format!("{}:report", case.number),
        subject: format!(
            "Service report for {} · {}",
            case.number,
            super::place(&mut tx, &case).await?
        ),
    };
    finish(tx, rules, actor, &case, "report", entry, Some(tell)).await
}

pub async fn answer_quote(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    a: QuoteAnswer,
) -> Result<Case> {
    let decision = match a.decision.as_str() {
        "accepted" | "declined" => a.decision.clone(),
        other => {
            return Err(
                Invalid::new("decision", format!("{other:?} is not accepted or declined")).into(),
            )
        }
    };
    let (mut tx, case) = begin(db, scope, number).await?;
    if case.quote_decision.as_deref() != Some("pending") {
        return Err(StoreError::Conflict(format!(
            "case {} has no quote waiting for an answer",
            case.number
        )));
    }
    let po_number = hoistway_domain::text::optional_text("po_number", a.po_number.as_deref(), 60)?;
    crate::contract_work::answer_quote(&mut tx, &case, decision == "accepted", po_number.clone())
        .await?;
    let mut up = Sql::new("UPDATE cases SET quote_decision = ");
    up.bind(decision.clone()).push(" WHERE id = ").bind(case.id);
    up.execute(&mut *tx).await?;
    let entry = Entry::new(
        "quote",
        match &po_number {
            Some(po) => format!("Quote {decision} (purchase order {po})"),
            None => format!("Quote {decision}"),
        },
    );
    finish(tx, rules, actor, &case, "quote", entry, None).await
}

pub async fn acknowledge(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    a: Acknowledgement,
) -> Result<Case> {
    let (mut tx, case) = begin(db, scope, number).await?;
    let n = sla::acknowledge(&mut tx, &case, actor, &a.kind).await?;
    if n == 0 {
        return Err(StoreError::Conflict(format!(
            "no unacknowledged {} escalation on {}",
            a.kind, case.number
        )));
    }
    let entry = Entry::new(
        "escalation_acknowledged",
        format!("Escalation {} acknowledged", a.kind),
    )
    .internal(true);
    finish(tx, rules, actor, &case, "acknowledge", entry, None).await
}
