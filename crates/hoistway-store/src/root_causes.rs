//! Root-cause analyses and their corrective action plans (issue #21, seed
//! 000: "for persistent issues on the same unit, ask your account manager
//! to schedule a root-cause analysis and provide a corrective action plan
//! with dates, parts, and cost"). The provider opens an analysis on a unit
//! for one cause family (usually one the recurring-fault rule flagged),
//! writes findings and plans actions; the customer reads it and follows the
//! actions as they are done.
//!
//! `open → in_progress → closed`; a closed analysis is not changed any more
//! (a new one is opened if the fault comes back). Every change is audited;
//! opening and each action done tell the unit's customer admins and
//! property managers (event `root_cause_updated`).

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::notifications::{self, Audience, Notice};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::{from_millis, RowExt};
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{patch, units, Db, Tx};
use chrono::NaiveDate;
use hoistway_desk::Event;
use hoistway_domain::text::{optional_text, parse_date, required_text};
use hoistway_domain::{Invalid, Role, Scope};
use hoistway_maintenance::recurring::CauseFamily;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// The statuses of an analysis, in order.
pub const STATUSES: [&str; 3] = ["open", "in_progress", "closed"];
/// Most case numbers one analysis links.
const MAX_CASES: usize = 50;

/// One corrective action of the plan.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectiveAction {
    pub id: i64,
    pub root_cause_id: i64,
    pub description: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    /// The parts it needs, as text (part numbers and names).
    pub parts: Option<String>,
    /// Its cost in minor units of `currency`.
    pub cost_minor: Option<i64>,
    pub currency: Option<String>,
    /// `planned` or `done`.
    pub status: String,
    /// YYYY-MM-DD, when done.
    pub done_on: Option<String>,
}

/// One analysis as the API shows it, with its plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RootCause {
    pub id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub unit_id: i64,
    pub family: CauseFamily,
    pub summary: String,
    pub findings: Option<String>,
    /// `open`, `in_progress` or `closed`.
    pub status: String,
    pub opened_by: Option<i64>,
    /// The cases it looks at.
    pub case_numbers: Vec<String>,
    pub actions: Vec<CorrectiveAction>,
    /// Actions done, of all actions.
    pub actions_done: usize,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// What the provider sends to open an analysis.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCauseInput {
    pub unit_id: i64,
    /// `door`, `drive`, `controller`, `safety_chain`, `ride_comfort` or `other`.
    pub family: String,
    /// What is being looked into, in a line.
    pub summary: String,
    #[serde(default)]
    pub findings: Option<String>,
    /// Case numbers of that unit the analysis covers.
    #[serde(default)]
    pub case_numbers: Vec<String>,
}

/// The editable fields of an analysis (a JSON merge patch of these).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCauseFields {
    pub summary: String,
    #[serde(default)]
    pub findings: Option<String>,
    /// `open`, `in_progress` or `closed`; never back to an earlier one.
    pub status: String,
    #[serde(default)]
    pub case_numbers: Vec<String>,
}

/// A corrective action as sent (also the merge-patch form).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub description: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    #[serde(default)]
    pub parts: Option<String>,
    /// Cost in minor units (cents), zero or more; `currency` is then required.
    #[serde(default)]
    pub cost_minor: Option<i64>,
    /// ISO 4217, e.g. `EUR`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// Marks an action done; `done_on` defaults to today.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    #[serde(default)]
    pub done_on: Option<String>,
}

struct ActionValues {
    description: String,
    due_on: NaiveDate,
    parts: Option<String>,
    cost_minor: Option<i64>,
    currency: Option<String>,
}

impl ActionInput {
    fn validated(&self) -> Result<ActionValues> {
        let description = required_text("description", &self.description, 2000)?;
        let due_on = parse_date("due_on", &self.due_on)?;
        let parts = optional_text("parts", self.parts.as_deref(), 2000)?;
        if self.cost_minor.is_some_and(|c| c < 0) {
            return Err(Invalid::new("cost_minor", "must be zero or more").into());
        }
        let currency = match self.currency.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => {
                let c = c.to_uppercase();
                if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
                    return Err(Invalid::new("currency", "an ISO 4217 code such as EUR").into());
                }
                Some(c)
            }
        };
        if self.cost_minor.is_some() && currency.is_none() {
            return Err(Invalid::new("currency", "required with cost_minor").into());
        }
        Ok(ActionValues {
            description,
            due_on,
            parts,
            cost_minor: self.cost_minor,
            currency,
        })
    }
}

fn action_from_row(r: &AnyRow) -> Result<CorrectiveAction> {
    Ok(CorrectiveAction {
        id: r.int("id")?,
        root_cause_id: r.int("root_cause_id")?,
        description: r.text("description")?,
        due_on: r.text("due_on")?,
        parts: r.opt_text("parts")?,
        cost_minor: r.opt_int("cost_minor")?,
        currency: r.opt_text("currency")?,
        status: r.text("status")?,
        done_on: r.opt_text("done_on")?,
    })
}

fn from_row(r: &AnyRow, actions: Vec<CorrectiveAction>) -> Result<RootCause> {
    let family = r.text("family")?;
    Ok(RootCause {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        unit_id: r.int("unit_id")?,
        family: CauseFamily::parse("family", &family)?,
        summary: r.text("summary")?,
        findings: r.opt_text("findings")?,
        status: r.text("status")?,
        opened_by: r.opt_int("opened_by")?,
        case_numbers: serde_json::from_str(&r.text("case_numbers")?).unwrap_or_default(),
        actions_done: actions.iter().filter(|a| a.status == "done").count(),
        actions,
        closed_at: r.opt_int("closed_at")?.map(from_millis),
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn actions_of<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    ids: &[i64],
) -> Result<Vec<CorrectiveAction>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT * FROM root_cause_actions WHERE root_cause_id IN ");
    sql.bind_list(ids).push(" ORDER BY due_on, id");
    sql.fetch_all(ex)
        .await?
        .iter()
        .map(action_from_row)
        .collect()
}

async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<RootCause> {
    let mut sql = Sql::new("SELECT * FROM root_causes r WHERE r.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "r", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("root cause analysis"))?;
    let actions = actions_of(&mut **tx, &[id]).await?;
    from_row(&row, actions)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<RootCause> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

/// Analyses the caller can see, in id order; `customer_id`, `building_id`,
/// `unit_id` and `status` filter.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<RootCause>> {
    f.only(
        "root causes",
        &["customer_id", "building_id", "unit_id", "status"],
    )?;
    let mut sql = Sql::new("SELECT * FROM root_causes o WHERE 1=1");
    restrict(&mut sql, scope, "o", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND o.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND o.building_id = ").bind(b);
    }
    if let Some(u) = f.unit_id {
        sql.push(" AND o.unit_id = ").bind(u);
    }
    if let Some(s) = &f.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(Invalid::new("status", "must be open, in_progress or closed").into());
        }
        sql.push(" AND o.status = ").bind(s.clone());
    }
    let limit = finish(&mut sql, "o", f)?;
    let rows = sql.fetch_all(&db.pool).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.int("id")).collect::<Result<_, _>>()?;
    let mut actions = actions_of(&db.pool, &ids).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.int("id")?;
        let (mine, rest): (Vec<_>, Vec<_>) =
            actions.into_iter().partition(|a| a.root_cause_id == id);
        actions = rest;
        items.push(from_row(r, mine)?);
    }
    Ok(paginate(items, limit, |o| o.id))
}

/// Checks that each number is a case of the unit; refusals name
/// `case_numbers`.
async fn check_cases(tx: &mut Tx<'_>, unit_id: i64, numbers: &[String]) -> Result<Vec<String>> {
    if numbers.len() > MAX_CASES {
        return Err(Invalid::new("case_numbers", format!("at most {MAX_CASES}")).into());
    }
    let mut out: Vec<String> = Vec::new();
    for n in numbers {
        let n = n.trim().to_uppercase();
        if out.contains(&n) {
            continue;
        }
        let mut sql = Sql::new("SELECT id FROM cases WHERE number = ");
        sql.bind(n.clone()).push(" AND unit_id = ").bind(unit_id);
        if sql.fetch_optional(&mut **tx).await?.is_none() {
            return Err(
                Invalid::new("case_numbers", format!("{n} is not a case of this unit")).into(),
            );
        }
        out.push(n);
    }
    Ok(out)
}

const OWNERS: &[Role] = &[Role::CustomerAdmin, Role::PropertyManager];

/// Tells the unit's customer admins and property managers.
async fn tell(
    tx: &mut Tx<'_>,
    actor: Actor,
    rca: &RootCause,
    key: String,
    subject: String,
    body: String,
) -> Result<()> {
    notifications::enqueue(
        tx,
        actor.at,
        Notice {
            event: Event::RootCauseUpdated,
            key,
            case_id: None,
            invoice_id: None,
            customer_id: Some(rca.customer_id),
            subject,
            body,
            audience: Audience::Roles {
                roles: OWNERS,
                customer_id: rca.customer_id,
                building_id: rca.building_id,
            },
        },
    )
    .await?;
    Ok(())
}

fn family_words(f: CauseFamily) -> String {
    f.as_str().replace('_', " ")
}

/// The provider opens an analysis on a unit.
pub async fn open(db: &Db, actor: Actor, input: RootCauseInput) -> Result<RootCause> {
    let family = CauseFamily::parse("family", &input.family)?;
    let summary = required_text("summary", &input.summary, 500)?;
    let findings = optional_text("findings", input.findings.as_deref(), 8000)?;
    let unit = units::get(db, &Scope::All, input.unit_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Invalid::new("unit_id", "no such unit").into(),
            other => other,
        })?;
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let cases = check_cases(&mut tx, unit.id, &input.case_numbers).await?;
    let mut sql = Sql::new("INSERT INTO root_causes (customer_id, building_id, unit_id, family, summary, findings, status, opened_by, case_numbers, created_at, updated_at) VALUES (");
    sql.bind(unit.customer_id)
        .push(", ")
        .bind(unit.building_id)
        .push(", ")
        .bind(unit.id)
        .push(", ")
        .bind_static(family.as_str())
        .push(", ")
        .bind(summary)
        .push(", ")
        .bind(findings)
        .push(", 'open', ")
        .bind(actor.user_id)
        .push(", ")
        .bind(serde_json::to_string(&cases).unwrap_or_else(|_| "[]".into()))
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let rca = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(rca.customer_id),
        "root_cause",
        id,
        "open",
        None::<&()>,
        Some(&rca),
    )
    .await?;
    let unit_name = unit.name.clone().unwrap_or(unit.equipment_number.clone());
    tell(
        &mut tx,
        actor,
        &rca,
        format!("root_cause:{id}:open"),
        format!(
            "Root-cause analysis opened: {} faults on {unit_name}",
            family_words(family)
        ),
        format!(
            "We are analysing the recurring {} faults on {unit_name} ({}).\n\n{}",
            family_words(family),
            unit.equipment_number,
            rca.summary
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(rca)
}

fn refuse_closed(rca: &RootCause) -> Result<()> {
    if rca.status == "closed" {
        return Err(StoreError::Conflict(format!(
            "root cause analysis {} is closed",
            rca.id
        )));
    }
    Ok(())
}

/// The provider edits summary, findings, linked cases or moves the status
/// forward.
pub async fn update(
    db: &Db,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<RootCause> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, &Scope::All, id).await?;
    refuse_closed(&before)?;
    let current = RootCauseFields {
        summary: before.summary.clone(),
        findings: before.findings.clone(),
        status: before.status.clone(),
        case_numbers: before.case_numbers.clone(),
    };
    let p: RootCauseFields = patch::apply(&current, changes)?;
    let summary = required_text("summary", &p.summary, 500)?;
    let findings = optional_text("findings", p.findings.as_deref(), 8000)?;
    let rank = |s: &str| STATUSES.iter().position(|x| *x == s);
    let Some(to) = rank(&p.status) else {
        return Err(Invalid::new("status", "must be open, in_progress or closed").into());
    };
    if to < rank(&before.status).unwrap_or(0) {
        return Err(Invalid::new(
            "status",
            format!("cannot go back from {} to {}", before.status, p.status),
        )
        .into());
    }
    let cases = check_cases(&mut tx, before.unit_id, &p.case_numbers).await?;
    let at = actor.at.timestamp_millis();
    let mut sql = Sql::new("UPDATE root_causes SET summary = ");
    sql.bind(summary)
        .push(", findings = ")
        .bind(findings)
        .push(", status = ")
        .bind(p.status.clone())
        .push(", case_numbers = ")
        .bind(serde_json::to_string(&cases).unwrap_or_else(|_| "[]".into()))
        .push(", closed_at = ")
        .bind((p.status == "closed").then_some(at))
        .push(", updated_at = ")
        .bind(at)
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "root_cause",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Adds a corrective action to an analysis that is not closed; an open
/// analysis with a plan is in progress.
pub async fn add_action(db: &Db, actor: Actor, id: i64, input: ActionInput) -> Result<RootCause> {
    let v = input.validated()?;
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, &Scope::All, id).await?;
    refuse_closed(&before)?;
    let at = actor.at.timestamp_millis();
    let mut sql = Sql::new("INSERT INTO root_cause_actions (root_cause_id, description, due_on, parts, cost_minor, currency, status, created_at, updated_at) VALUES (");
    sql.bind(id)
        .push(", ")
        .bind(v.description)
        .push(", ")
        .bind(v.due_on.to_string())
        .push(", ")
        .bind(v.parts)
        .push(", ")
        .bind(v.cost_minor)
        .push(", ")
        .bind(v.currency)
        .push(", 'planned', ")
        .bind(at)
        .push(", ")
        .bind(at)
        .push(") RETURNING id");
    let action_id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let mut sql = Sql::new("UPDATE root_causes SET status = CASE WHEN status = 'open' THEN 'in_progress' ELSE status END, updated_at = ");
    sql.bind(at).push(" WHERE id = ").bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    let action = after.actions.iter().find(|a| a.id == action_id);
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "root_cause_action",
        action_id,
        "create",
        None::<&()>,
        action,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn action(rca: &RootCause, action_id: i64) -> Result<CorrectiveAction> {
    rca.actions
        .iter()
        .find(|a| a.id == action_id)
        .cloned()
        .ok_or(StoreError::NotFound("corrective action"))
}

/// Changes a planned action (a merge patch of [`ActionInput`]).
pub async fn update_action(
    db: &Db,
    actor: Actor,
    id: i64,
    action_id: i64,
    changes: serde_json::Value,
) -> Result<RootCause> {
    let mut tx = db.begin().await?;
    let rca = fetch(&mut tx, &Scope::All, id).await?;
    refuse_closed(&rca)?;
    let before = action(&rca, action_id)?;
    if before.status == "done" {
        return Err(StoreError::Conflict(format!("action {action_id} is done")));
    }
    let current = ActionInput {
        description: before.description.clone(),
        due_on: before.due_on.clone(),
        parts: before.parts.clone(),
        cost_minor: before.cost_minor,
        currency: before.currency.clone(),
    };
    let v = patch::apply(&current, changes)?.validated()?;
    let mut sql = Sql::new("UPDATE root_cause_actions SET description = ");
    sql.bind(v.description)
        .push(", due_on = ")
        .bind(v.due_on.to_string())
        .push(", parts = ")
        .bind(v.parts)
        .push(", cost_minor = ")
        .bind(v.cost_minor)
        .push(", currency = ")
        .bind(v.currency)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(action_id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    let changed = after.actions.iter().find(|a| a.id == action_id);
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "root_cause_action",
        action_id,
        "update",
        Some(&before),
        changed,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Marks an action done and tells the customer.
pub async fn complete_action(
    db: &Db,
    actor: Actor,
    id: i64,
    action_id: i64,
    input: CompleteInput,
) -> Result<RootCause> {
    let done_on = match input.done_on.as_deref() {
        Some(d) => parse_date("done_on", d)?,
        None => actor.at.date_naive(),
    };
    if done_on > actor.at.date_naive() {
        return Err(Invalid::new("done_on", "cannot be in the future").into());
    }
    let mut tx = db.begin().await?;
    let rca = fetch(&mut tx, &Scope::All, id).await?;
    refuse_closed(&rca)?;
    let before = action(&rca, action_id)?;
    if before.status == "done" {
        return Err(StoreError::Conflict(format!(
            "action {action_id} is already done"
        )));
    }
    let mut sql = Sql::new("UPDATE root_cause_actions SET status = 'done', done_on = ");
    sql.bind(done_on.to_string())
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(action_id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    let done = after.actions.iter().find(|a| a.id == action_id);
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "root_cause_action",
        action_id,
        "complete",
        Some(&before),
        done,
    )
    .await?;
    tell(
        &mut tx,
        actor,
        &after,
        format!("root_cause:{id}:action:{action_id}:done"),
        format!(
            "Corrective action done ({} of {}): {}",
            after.actions_done,
            after.actions.len(),
            before.description
        ),
        format!(
            "An action of the root-cause analysis of the {} faults is done on {done_on}:\n\n{}",
            family_words(after.family),
            before.description
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
