//! Invoices of a contract. `overdue` is derived from the due date and the
//! clock at read time, never stored, so it can never be stale.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{contracts, patch, Db};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::fleet::{parse_currency, Cents, InvoiceStatus};
use hoistway_domain::text::{optional_text, ordered_dates, parse_date};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invoice {
    pub id: i64,
    pub customer_id: i64,
    pub contract_id: i64,
    pub number: String,
    pub period_start: String,
    pub period_end: String,
    pub amount: f64,
    pub currency: String,
    pub issued_on: String,
    pub due_on: String,
    pub paid_on: Option<String>,
    /// issued, paid, unpaid, or overdue (derived from `due_on` and today).
    pub status: InvoiceStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    pub contract_id: i64,
    /// Generated (`INV-000123`) when left out.
    #[serde(default)]
    pub number: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub amount: f64,
    #[serde(default)]
    pub currency: Option<String>,
    pub issued_on: String,
    pub due_on: String,
    #[serde(default)]
    pub paid_on: Option<String>,
    /// issued (default), paid or unpaid; overdue is derived.
    #[serde(default)]
    pub status: Option<String>,
}

struct Checked {
    number: Option<String>,
    period_start: NaiveDate,
    period_end: NaiveDate,
    amount: Cents,
    currency: Option<String>,
    issued_on: NaiveDate,
    due_on: NaiveDate,
    paid_on: Option<NaiveDate>,
    status: InvoiceStatus,
}

impl InvoiceInput {
    fn check(self) -> Result<Checked, Invalid> {
        let period_start = parse_date("period_start", &self.period_start)?;
        let period_end = parse_date("period_end", &self.period_end)?;
        ordered_dates("period_start", period_start, "period_end", Some(period_end))?;
        let issued_on = parse_date("issued_on", &self.issued_on)?;
        let due_on = parse_date("due_on", &self.due_on)?;
        ordered_dates("issued_on", issued_on, "due_on", Some(due_on))?;
        let paid_on = self
            .paid_on
            .as_deref()
            .map(|d| parse_date("paid_on", d))
            .transpose()?;
        let status = InvoiceStatus::parse_stored(self.status.as_deref().unwrap_or("issued"))?;
        match (status, paid_on) {
            (InvoiceStatus::Paid, None) => {
                return Err(Invalid::new("paid_on", "a paid invoice needs paid_on"))
            }
            (s, Some(_)) if s != InvoiceStatus::Paid => {
                return Err(Invalid::new("paid_on", "only a paid invoice has paid_on"))
            }
            _ => {}
        }
        Ok(Checked {
            number: optional_text("number", self.number.as_deref(), 60)?,
            period_start,
            period_end,
            amount: Cents::from_decimal("amount", self.amount)?,
            currency: self.currency.as_deref().map(parse_currency).transpose()?,
            issued_on,
            due_on,
            paid_on,
            status,
        })
    }
}

impl From<&Invoice> for InvoiceInput {
    fn from(i: &Invoice) -> Self {
        let stored = match i.status {
            InvoiceStatus::Overdue => "unpaid",
            s => s.as_str(),
        };
        Self {
            contract_id: i.contract_id,
            number: Some(i.number.clone()),
            period_start: i.period_start.clone(),
            period_end: i.period_end.clone(),
            amount: i.amount,
            currency: Some(i.currency.clone()),
            issued_on: i.issued_on.clone(),
            due_on: i.due_on.clone(),
            paid_on: i.paid_on.clone(),
            status: Some(stored.to_string()),
        }
    }
}

fn from_row(r: &AnyRow, today: NaiveDate) -> Result<Invoice> {
    let due_on = r.text("due_on")?;
    let stored = InvoiceStatus::parse(&r.text("status")?)?;
    let due = parse_date("due_on", &due_on)?;
    Ok(Invoice {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        contract_id: r.int("contract_id")?,
        number: r.text("number")?,
        period_start: r.text("period_start")?,
        period_end: r.text("period_end")?,
        amount: Cents(r.int("amount_cents")?).to_decimal(),
        currency: r.text("currency")?,
        issued_on: r.text("issued_on")?,
        due_on,
        paid_on: r.opt_text("paid_on")?,
        status: stored.effective(due, today),
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

fn today(actor_or_now: DateTime<Utc>) -> NaiveDate {
    actor_or_now.date_naive()
}

pub async fn create(db: &Db, scope: &Scope, actor: Actor, input: InvoiceInput) -> Result<Invoice> {
    insert(db, scope, actor, input, None).await
}

/// Issues a contract's invoice for a period with its lines: `charge_text`
/// describes the contract's own charge (the input's amount), and the
/// contract's billable work done before the issue date is added to it, in
/// the same transaction.
pub(crate) async fn issue(
    db: &Db,
    actor: Actor,
    input: InvoiceInput,
    charge_text: String,
) -> Result<Invoice> {
    insert(db, &Scope::All, actor, input, Some(charge_text)).await
}

async fn insert(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: InvoiceInput,
    charge_text: Option<String>,
) -> Result<Invoice> {
    let contract_id = input.contract_id;
    let c = input.check()?;
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let contract = contracts::fetch(&mut tx, scope, contract_id)
        .await
        .map_err(|_| Invalid::new("contract_id", format!("contract {contract_id} not found")))?;
    // One invoice per contract and period (a unique index): say so by
    // name rather than as a clash of invoice numbers.
    let mut taken = Sql::new("SELECT number FROM invoices WHERE contract_id = ");
    taken
        .bind(contract_id)
        .push(" AND period_start = ")
        .bind(c.period_start.to_string());
    if let Some(r) = taken.fetch_optional(&mut *tx).await? {
        return Err(StoreError::Conflict(format!(
            "contract {contract_id} already has invoice {} for the period starting {}",
            r.text("number")?,
            c.period_start
        )));
    }
    let provisional = c
        .number
        .clone()
        .unwrap_or_else(|| format!("pending-{now}-{contract_id}"));
    let currency = c.currency.clone().unwrap_or(contract.currency);
    let mut sql = Sql::new(
        "INSERT INTO invoices (customer_id, contract_id, number, period_start, period_end, amount_cents, currency, issued_on, due_on, paid_on, status, created_at, updated_at) VALUES (",
    );
    sql.bind(contract.customer_id)
        .push(", ")
        .bind(contract_id)
        .push(", ")
        .bind(provisional.clone());
    sql.push(", ")
        .bind(c.period_start.to_string())
        .push(", ")
        .bind(c.period_end.to_string());
    sql.push(", ")
        .bind(c.amount.0)
        .push(", ")
        .bind(currency.clone());
    sql.push(", ")
        .bind(c.issued_on.to_string())
        .push(", ")
        .bind(c.due_on.to_string());
    sql.push(", ")
        .bind(c.paid_on.map(|d| d.to_string()))
        .push(", ")
        .bind(c.status.as_str().to_string());
    sql.push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::unique_as_conflict(
                e,
                format!("invoice number {provisional} is already in use"),
            )
        })?
        .int("id")?;
    if c.number.is_none() {
        let mut sql = Sql::new("UPDATE invoices SET number = ");
        sql.bind(format!("INV-{id:06}"))
            .push(" WHERE id = ")
            .bind(id);
        sql.execute(&mut *tx).await?;
    }
    if let Some(text) = charge_text {
        let issued_on = c.issued_on.to_string();
        crate::contract_work::attach(
            &mut tx,
            id,
            contract_id,
            &currency,
            c.amount.0,
            text,
            &issued_on,
        )
        .await?;
    }
    let created = fetch(&mut *tx, &Scope::All, id, today(actor.at)).await?;
    audit::record(
        &mut tx,
        actor,
        Some(created.customer_id),
        "invoice",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn fetch<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    scope: &Scope,
    id: i64,
    today: NaiveDate,
) -> Result<Invoice> {
    let mut sql = Sql::new("SELECT * FROM invoices i WHERE i.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "i", Shape::OfContract);
    let row = sql
        .fetch_optional(ex)
        .await?
        .ok_or(StoreError::NotFound("invoice"))?;
    from_row(&row, today)
}

pub async fn get(db: &Db, scope: &Scope, id: i64, now: DateTime<Utc>) -> Result<Invoice> {
    fetch(&db.pool, scope, id, today(now)).await
}

pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &ListFilter,
    now: DateTime<Utc>,
) -> Result<Page<Invoice>> {
    f.only("invoices", &["customer_id", "contract_id", "status", "q"])?;
    let today = today(now);
    let mut sql = Sql::new("SELECT * FROM invoices i WHERE 1=1");
    restrict(&mut sql, scope, "i", Shape::OfContract);
    if let Some(c) = f.customer_id {
        sql.push(" AND i.customer_id = ").bind(c);
    }
    if let Some(c) = f.contract_id {
        sql.push(" AND i.contract_id = ").bind(c);
    }
    if let Some(status) = &f.status {
        let day = today.to_string();
        match InvoiceStatus::parse(status)? {
            InvoiceStatus::Paid => sql.push(" AND i.status = 'paid'"),
            InvoiceStatus::Overdue => sql
                .push(" AND i.status <> 'paid' AND i.due_on < ")
                .bind(day),
            s => sql
                .push(" AND i.status = ")
                .bind(s.as_str().to_string())
                .push(" AND i.due_on >= ")
                .bind(day),
        };
    }
    if let Some(like) = f.like() {
        sql.push(" AND LOWER(i.number) LIKE ").bind_like(like);
    }
    let limit = finish(&mut sql, "i", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| from_row(r, today))
        .collect::<Result<Vec<_>>>()?;
    Ok(paginate(items, limit, |i| i.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Invoice> {
    let today = today(actor.at);
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id, today).await?;
    let input = patch::apply(&InvoiceInput::from(&before), changes)?;
    patch::immutable("contract_id", &before.contract_id, &input.contract_id)?;
    let c = input.check()?;
    let number = c.number.unwrap_or_else(|| before.number.clone());
    let mut sql = Sql::new("UPDATE invoices SET number = ");
    sql.bind(number.clone())
        .push(", period_start = ")
        .bind(c.period_start.to_string());
    sql.push(", period_end = ")
        .bind(c.period_end.to_string())
        .push(", amount_cents = ")
        .bind(c.amount.0);
    sql.push(", currency = ")
        .bind(c.currency.unwrap_or(before.currency.clone()));
    sql.push(", issued_on = ")
        .bind(c.issued_on.to_string())
        .push(", due_on = ")
        .bind(c.due_on.to_string());
    sql.push(", paid_on = ")
        .bind(c.paid_on.map(|d| d.to_string()))
        .push(", status = ")
        .bind(c.status.as_str().to_string());
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await.map_err(|e| {
        StoreError::unique_as_conflict(e, format!("invoice number {number} is already in use"))
    })?;
    let after = fetch(&mut *tx, scope, id, today).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "invoice",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
