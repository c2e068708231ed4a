//! SLA state and the persisted timers that raise escalations.
//!
//! Each open case stores when it next needs looking at (`timer_due`). A
//! runner on any node claims due cases with a short lease, evaluates them with
//! `hoistway_desk::evaluate` and records what fired. The unique key on
//! `(case, kind, due_at)` is what makes each escalation occurrence fire once:
//! after a restart, or when two nodes race past an expired lease, the second
//! insert changes nothing and notifies nobody.

use super::model::Case;
use super::timeline::{self, Entry};
use crate::audit::Actor;
use crate::business_hours::BusinessHours;
use crate::error::Result;
use crate::notifications::{self, Audience, Notice};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_desk::{
    BusinessCalendar, ContractTier, Country, EscalationAck, EscalationKind, EscalationPolicy,
    Event, HoldInterval, HoldKind, SentEscalation, SlaCase, SlaPolicies, SlaState,
};
use hoistway_domain::Role;
use serde::{Deserialize, Serialize};

/// The configurable service-desk rules (the configuration file's `[sla]`,
/// `[escalation]` and `[warranty]` sections).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    pub sla: SlaPolicies,
    pub escalation: EscalationPolicy,
    /// Warranty from takeover where a contract sets none.
    pub warranty: hoistway_domain::coverage::WarrantyDefaults,
}

/// What one timer run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimerRun {
    /// Cases evaluated.
    pub evaluated: usize,
    /// (case number, escalation kind) of every escalation sent.
    pub fired: Vec<(String, String)>,
}

pub(crate) fn tier(s: &str) -> ContractTier {
    serde_json::from_value(serde_json::Value::String(s.into())).unwrap_or(ContractTier::Basic)
}

fn state_name(s: SlaState) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{s:?}").to_lowercase())
}

fn kind_from(s: &str) -> Option<EscalationKind> {
    serde_json::from_value(serde_json::Value::String(s.into())).ok()
}

/// The business calendar of a building: its own business hours, or
/// Mon–Fri 08:00–17:00; always in its time zone with its country's holidays.
pub(crate) async fn calendar(tx: &mut Tx<'_>, building_id: i64) -> Result<BusinessCalendar> {
    let mut sql =
        Sql::new("SELECT timezone, country, business_calendar FROM buildings WHERE id = ");
    sql.bind(building_id);
    let r = sql.fetch_one(&mut **tx).await?;
    let tz = r.text("timezone")?.parse().unwrap_or(chrono_tz::UTC);
    let country = Country::parse(&r.text("country")?).ok();
    let own = r
        .opt_text("business_calendar")?
        .and_then(|t| serde_json::from_str::<BusinessHours>(&t).ok())
        .and_then(|h| h.calendar(tz, country).ok());
    Ok(own.unwrap_or_else(|| BusinessCalendar::standard(tz, country)))
}

async fn holds(tx: &mut Tx<'_>, case_id: i64) -> Result<Vec<HoldInterval>> {
    let mut sql = Sql::new("SELECT kind, from_at, until_at FROM case_holds WHERE case_id = ");
    sql.bind(case_id).push(" ORDER BY id");
    let mut out = Vec::new();
    for r in sql.fetch_all(&mut **tx).await? {
        let kind = match r.text("kind")?.as_str() {
            "waiting_for_customer" => HoldKind::WaitingForCustomer,
            _ => HoldKind::WaitingForParts,
        };
        out.push(HoldInterval {
            kind,
            from: r.instant("from_at")?,
            until: r.opt_int("until_at")?.map(crate::row::from_millis),
        });
    }
    Ok(out)
}

async fn history(
    tx: &mut Tx<'_>,
    case_id: i64,
) -> Result<(Vec<SentEscalation>, Vec<EscalationAck>)> {
    let mut sql =
        Sql::new("SELECT kind, due_at, acknowledged_at FROM case_escalations WHERE case_id = ");
    sql.bind(case_id);
    let (mut sent, mut acks) = (Vec::new(), Vec::new());
    for r in sql.fetch_all(&mut **tx).await? {
        let Some(kind) = kind_from(&r.text("kind")?) else {
            continue;
        };
        sent.push(SentEscalation {
            kind,
            due_at: r.instant("due_at")?,
        });
        if let Some(at) = r.opt_int("acknowledged_at")? {
            acks.push(EscalationAck {
                kind,
                at: crate::row::from_millis(at),
            });
        }
    }
    Ok((sent, acks))
}

fn sla_case(case: &Case, holds: Vec<HoldInterval>) -> SlaCase {
    SlaCase {
        priority: case.priority(),
        opened_at: case.created_at,
        entrapment: case.safety.passengers_trapped,
        on_site_at: case.first_on_site_at,
        resolved_at: case.resolved_at,
        holds,
    }
}

/// Evaluates `case_id` at `now`: stores its SLA state and next timer, and
/// when `fire` is set sends the escalations that are due. Returns the kinds
/// sent.
pub(crate) async fn evaluate(
    tx: &mut Tx<'_>,
    rules: &Rules,
    case_id: i64,
    now: DateTime<Utc>,
    fire: bool,
) -> Result<Vec<EscalationKind>> {
    let case = super::fetch_by_id(tx, case_id).await?;
    let cal = calendar(tx, case.building_id).await?;
    let sc = sla_case(&case, holds(tx, case_id).await?);
    let (sent, acks) = history(tx, case_id).await?;
    let policy = rules.sla.for_tier(tier(&case.tier));
    let tick = hoistway_desk::evaluate(&sc, policy, &rules.escalation, &cal, &sent, &acks, now);
    let open = case.status().is_open();
    let mut fired = Vec::new();
    if open && fire {
        for e in &tick.escalations {
            let roles: Vec<String> = e
                .target_roles
                .iter()
                .map(|r| r.as_str().to_string())
                .collect();
            let mut ins = Sql::new(
                "INSERT INTO case_escalations (case_id, kind, due_at, repeat_no, sent_at, reason, target_roles) VALUES (",
            );
            ins.bind(case_id)
                .push(", ")
                .bind(e.kind.to_string())
                .push(", ")
                .bind(e.due_at.timestamp_millis());
            ins.push(", ")
                .bind(i64::from(e.repeat))
                .push(", ")
                .bind(now.timestamp_millis())
                .push(", ")
                .bind(e.reason.clone());
            ins.push(", ")
                .bind(roles.join(","))
                .push(") ON CONFLICT (case_id, kind, due_at) DO NOTHING");
            if ins.execute(&mut **tx).await?.rows_affected() == 0 {
                continue;
            }
            fired.push(e.kind);
            let actor = Actor {
                user_id: None,
                at: now,
            };
            let message = if e.repeat == 0 {
                format!("Escalated ({}): {}", e.kind, e.reason)
            } else {
                format!(
                    "Escalation repeated ({}, #{}): {}",
                    e.kind,
                    e.repeat + 1,
                    e.reason
                )
            };
            timeline::add(
                tx,
                case_id,
                actor,
                Entry::new("escalation", message.clone()).detail(serde_json::json!({
                    "kind": e.kind.to_string(),
                    "due_at": e.due_at,
                    "repeat": e.repeat,
                    "target_roles": roles,
                })),
            )
            .await?;
            let targets: Vec<Role> = roles.iter().filter_map(|r| Role::parse(r).ok()).collect();
            // The technicians on call for the building's territory hear it
            // too (issue #21): at night they are the ones who can go.
            let on_call = crate::on_call::on_call_for_building(tx, case.building_id, now).await?;
            let place = super::place(tx, &case).await?;
            notifications::enqueue(
                tx,
                now,
                Notice {
                    event: Event::Escalation,
                    key: format!(
                        "{}:escalation:{}:{}",
                        case.number,
                        e.kind,
                        e.due_at.timestamp()
                    ),
                    case_id: Some(case_id),
                    invoice_id: None,
                    customer_id: Some(case.customer_id),
                    subject: format!(
                        "Escalation: {} · {} · {}",
                        super::escalation_words(&e.kind.to_string()),
                        case.number,
                        place
                    ),
                    body: message,
                    audience: Audience::RolesAnd {
                        roles: &targets,
                        users: &on_call,
                        customer_id: case.customer_id,
                        building_id: case.building_id,
                    },
                },
            )
            .await?;
        }
    }
    // A case with escalations still unsent (evaluated without firing) is
    // due now; otherwise it sleeps until the desk says to look again.
    let timer_due = if !open {
        None
    } else if !fire && !tick.escalations.is_empty() {
        Some(now)
    } else {
        tick.next_wake
    };
    let mut up = Sql::new("UPDATE cases SET response_due = ");
    up.bind(tick.sla.response_due.timestamp_millis())
        .push(", resolution_due = ")
        .bind(tick.sla.resolution_due.timestamp_millis());
    up.push(", sla_response = ")
        .bind(state_name(tick.sla.response_state))
        .push(", sla_resolution = ")
        .bind(state_name(tick.sla.resolution_state));
    up.push(", timer_due = ")
        .bind(timer_due.map(|t| t.timestamp_millis()))
        .push(", timer_lease_until = NULL, timer_holder = NULL WHERE id = ")
        .bind(case_id);
    up.execute(&mut **tx).await?;
    Ok(fired)
}

/// Runs every timer due at `now`, at most `batch` cases; safe to call from
/// several nodes at once.
pub async fn run_due(
    db: &Db,
    rules: &Rules,
    now: DateTime<Utc>,
    holder: &str,
    batch: i64,
) -> Result<TimerRun> {
    let now_ms = now.timestamp_millis();
    let mut pick = Sql::new("SELECT id FROM cases WHERE timer_due <= ");
    pick.bind(now_ms)
        .push(" AND (timer_lease_until IS NULL OR timer_lease_until < ")
        .bind(now_ms)
        .push(") ORDER BY timer_due, id LIMIT ")
        .bind(batch);
    let ids: Vec<i64> = pick
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_, _>>()?;
    let mut run = TimerRun::default();
    for id in ids {
        let mut claim = Sql::new("UPDATE cases SET timer_lease_until = ");
        claim
            .bind(now_ms + 60_000)
            .push(", timer_holder = ")
            .bind(holder.to_string())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND timer_due <= ")
            .bind(now_ms)
            .push(" AND (timer_lease_until IS NULL OR timer_lease_until < ")
            .bind(now_ms)
            .push(")");
        if claim.execute(&db.pool).await?.rows_affected() != 1 {
            continue;
        }
        let mut tx = db.begin().await?;
        let fired = evaluate(&mut tx, rules, id, now, true).await?;
        let number = super::fetch_by_id(&mut tx, id).await?.number;
        tx.commit().await?;
        run.evaluated += 1;
        run.fired
            .extend(fired.into_iter().map(|k| (number.clone(), k.to_string())));
    }
    Ok(run)
}

/// Someone acknowledged the escalations of `kind` on a case: repeats stop
/// until the condition starts over.
pub(crate) async fn acknowledge(
    tx: &mut Tx<'_>,
    case: &Case,
    actor: Actor,
    kind: &str,
) -> Result<u64> {
    let Some(k) = kind_from(kind) else {
        return Err(hoistway_domain::Invalid::new(
            "kind",
            format!(
                "unknown escalation kind {kind:?}; one of entrapment, response_at_risk, resolution_at_risk, response_breached, resolution_breached"
            ),
        )
        .into());
    };
    let mut up = Sql::new("UPDATE case_escalations SET acknowledged_by = ");
    up.bind(actor.user_id)
        .push(", acknowledged_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE case_id = ")
        .bind(case.id)
        .push(" AND kind = ")
        .bind(k.to_string())
        .push(" AND acknowledged_at IS NULL");
    Ok(up.execute(&mut **tx).await?.rows_affected())
}

/// Escalations of a case, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EscalationRow {
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub repeat: i64,
    pub sent_at: DateTime<Utc>,
    pub reason: String,
    pub target_roles: Vec<String>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

pub async fn escalations(db: &Db, case_id: i64) -> Result<Vec<EscalationRow>> {
    let mut sql = Sql::new("SELECT * FROM case_escalations WHERE case_id = ");
    sql.bind(case_id).push(" ORDER BY sent_at DESC, id DESC");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(escalation_of)
        .collect()
}

fn escalation_of(r: &sqlx::any::AnyRow) -> Result<EscalationRow> {
    Ok(EscalationRow {
        kind: r.text("kind")?,
        due_at: r.instant("due_at")?,
        repeat: r.int("repeat_no")?,
        sent_at: r.instant("sent_at")?,
        reason: r.text("reason")?,
        target_roles: r
            .text("target_roles")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        acknowledged_by: r.opt_int("acknowledged_by")?,
        acknowledged_at: r.opt_int("acknowledged_at")?.map(crate::row::from_millis),
    })
}

/// An escalation still waiting for acknowledgement, with its open case.
#[derive(Debug, Clone, Serialize)]
pub struct OpenEscalation {
    pub case_number: String,
    pub priority: String,
    pub status: String,
    pub building_id: i64,
    pub unit_id: Option<i64>,
    pub escalation: EscalationRow,
}

/// The duty manager's board: unacknowledged escalations of open cases the
/// scope may see, the latest of each case and kind only (a repeat replaces
/// the one before), oldest first, at most `limit`.
pub async fn open_escalations(
    db: &Db,
    scope: &hoistway_domain::Scope,
    limit: i64,
) -> Result<Vec<OpenEscalation>> {
    let mut sql = Sql::new(
        "SELECT e.*, c.number, c.priority, c.status, c.building_id, c.unit_id \
         FROM case_escalations e JOIN cases c ON c.id = e.case_id \
         WHERE e.acknowledged_at IS NULL \
         AND c.status NOT IN ('resolved', 'closed', 'cancelled') \
         AND e.id = (SELECT MAX(e2.id) FROM case_escalations e2 \
                     WHERE e2.case_id = e.case_id AND e2.kind = e.kind)",
    );
    crate::scope::restrict(&mut sql, scope, "c", crate::scope::Shape::InBuilding);
    sql.push(" ORDER BY e.sent_at, e.id LIMIT ")
        .bind(limit.clamp(1, 500));
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OpenEscalation {
                case_number: r.text("number")?,
                priority: r.text("priority")?,
                status: r.text("status")?,
                building_id: r.int("building_id")?,
                unit_id: r.opt_int("unit_id")?,
                escalation: escalation_of(r)?,
            })
        })
        .collect()
}

/// Re-reads a case after a change and stores its SLA state (no firing: the
/// timer does that, right away if something is due).
pub(crate) async fn refresh(
    tx: &mut Tx<'_>,
    rules: &Rules,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<Case> {
    evaluate(tx, rules, case_id, now, false).await?;
    super::fetch_by_id(tx, case_id).await
}

/// The earliest timer of any case (whether or not it is due yet): what a
/// replay of past days, such as the demo's history, runs `run_due` at.
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>> {
    let sql = Sql::new("SELECT MIN(timer_due) AS t FROM cases WHERE timer_due IS NOT NULL");
    Ok(sql
        .fetch_one(&db.pool)
        .await?
        .opt_int("t")?
        .map(crate::row::from_millis))
}

/// The SLA states (response, resolution) of a case recomputed from its
/// stored facts at `at`, written nowhere: what a check of stored outcomes
/// (the demo history's tests) compares against.
pub async fn recompute(
    db: &Db,
    rules: &Rules,
    case_id: i64,
    at: DateTime<Utc>,
) -> Result<(String, String)> {
    let mut tx = db.begin().await?;
    let case = super::fetch_by_id(&mut tx, case_id).await?;
    let cal = calendar(&mut tx, case.building_id).await?;
    let sc = sla_case(&case, holds(&mut tx, case_id).await?);
    let (sent, acks) = history(&mut tx, case_id).await?;
    tx.rollback().await?;
    let policy = rules.sla.for_tier(tier(&case.tier));
    let tick = hoistway_desk::evaluate(&sc, policy, &rules.escalation, &cal, &sent, &acks, at);
    Ok((
        state_name(tick.sla.response_state),
        state_name(tick.sla.resolution_state),
    ))
}
