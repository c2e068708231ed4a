//! Maintenance contracts: which units, which tier, how billed.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, patch, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::coverage::{Exclusion, ScopeItem};
use hoistway_domain::fleet::{parse_currency, BillingInterval, Cents, Tier};
use hoistway_domain::text::{optional_text, ordered_dates, parse_date};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contract {
    pub id: i64,
    pub customer_id: i64,
    pub number: String,
    pub tier: Tier,
    pub billing_interval: BillingInterval,
    /// YYYY-MM-DD.
    pub start_date: String,
    pub end_date: Option<String>,
    pub monthly_price_per_unit: f64,
    pub currency: String,
    /// Minor repairs up to this amount need no separate approval.
    pub spending_limit: f64,
    pub po_required: bool,
    /// Days from an invoice's issue to its due date.
    pub payment_term_days: i64,
    /// Line items the contract includes: its tier's defaults unless
    /// `custom_scope`.
    pub included: Vec<ScopeItem>,
    /// The contract lists its own line items instead of its tier's.
    pub custom_scope: bool,
    /// Causes the contract does not pay for, whatever its scope.
    pub exclusions: Vec<Exclusion>,
    /// Months of warranty from a unit's takeover; `null`: the default of
    /// the unit's country (configuration `[warranty]`, else 12).
    pub warranty_months: Option<i64>,
    /// Per hour, for repair labour the scope does not include.
    pub labour_rate: f64,
    pub unit_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    pub customer_id: i64,
    /// Generated (`CT-000123`) when left out.
    #[serde(default)]
    pub number: Option<String>,
    pub tier: String,
    pub billing_interval: String,
    pub start_date: String,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub monthly_price_per_unit: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub spending_limit: Option<f64>,
    #[serde(default)]
    pub po_required: Option<bool>,
    /// Days from issue to due date (default 30; 0 to 365).
    #[serde(default)]
    pub payment_term_days: Option<i64>,
    /// Line items included (scheduled_maintenance, safety_checks,
    /// repair_labour, wear_parts, major_parts, prioritised_response,
    /// faster_response); left out or null: the tier's defaults.
    #[serde(default)]
    pub included: Option<Vec<String>>,
    /// Causes excluded (vandalism, water_ingress, misuse, power_quality);
    /// left out: all four.
    #[serde(default)]
    pub exclusions: Option<Vec<String>>,
    /// 0 to 120; left out or null: the country's default.
    #[serde(default)]
    pub warranty_months: Option<i64>,
    /// Per hour (default 95.00).
    #[serde(default)]
    pub labour_rate: Option<f64>,
    #[serde(default)]
    pub unit_ids: Vec<i64>,
}

/// A contract input after validation.
struct Checked {
    number: Option<String>,
    tier: Tier,
    interval: BillingInterval,
    start: String,
    end: Option<String>,
    price: Cents,
    currency: String,
    limit: Cents,
    po_required: bool,
    payment_term_days: i64,
    included: Option<Vec<ScopeItem>>,
    exclusions: Vec<Exclusion>,
    warranty_months: Option<i64>,
    labour_rate: Cents,
    unit_ids: Vec<i64>,
}

/// Default labour rate per hour, in minor units.
const DEFAULT_LABOUR_RATE_CENTS: i64 = 9_500;

/// A list of wire names, each parsed, duplicates dropped, in wire order.
fn parse_list<T: Copy + Ord>(
    raw: &[String],
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Result<Vec<T>, Invalid> {
    let mut out = raw
        .iter()
        .map(|r| parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Stored as a comma-separated list of wire names.
fn join<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| name(*i)).collect::<Vec<_>>().join(",")
}

fn split<T>(stored: &str, parse: impl Fn(&str) -> Result<T, Invalid>) -> Result<Vec<T>, Invalid> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(parse)
        .collect()
}

impl ContractInput {
    fn check(self) -> Result<Checked, Invalid> {
        let start = parse_date("start_date", &self.start_date)?;
        let end = self
            .end_date
            .as_deref()
            .map(|d| parse_date("end_date", d))
            .transpose()?;
        ordered_dates("start_date", start, "end_date", end)?;
        let mut unit_ids = self.unit_ids;
        unit_ids.sort_unstable();
        unit_ids.dedup();
        Ok(Checked {
            number: optional_text("number", self.number.as_deref(), 60)?,
            tier: Tier::parse(&self.tier)?,
            interval: BillingInterval::parse(&self.billing_interval)?,
            start: start.to_string(),
            end: end.map(|d| d.to_string()),
            price: Cents::from_decimal(
                "monthly_price_per_unit",
                self.monthly_price_per_unit.unwrap_or(0.0),
            )?,
            currency: parse_currency(self.currency.as_deref().unwrap_or("EUR"))?,
            limit: Cents::from_decimal("spending_limit", self.spending_limit.unwrap_or(0.0))?,
            po_required: self.po_required.unwrap_or(false),
            payment_term_days: match self.payment_term_days.unwrap_or(30) {
                d @ 0..=365 => d,
                _ => return Err(Invalid::new("payment_term_days", "must be 0 to 365 days")),
            },
            included: self
                .included
                .as_deref()
                .map(|l| parse_list(l, ScopeItem::parse))
                .transpose()?,
            exclusions: match &self.exclusions {
                Some(l) => parse_list(l, Exclusion::parse)?,
                None => Exclusion::ALL.to_vec(),
            },
            warranty_months: match self.warranty_months {
                None => None,
                Some(m @ 0..=120) => Some(m),
                Some(_) => return Err(Invalid::new("warranty_months", "must be 0 to 120 months")),
            },
            labour_rate: match self.labour_rate {
                Some(r) => Cents::from_decimal("labour_rate", r)?,
                None => Cents(DEFAULT_LABOUR_RATE_CENTS),
            },
            unit_ids,
        })
    }
}

impl From<&Contract> for ContractInput {
    fn from(c: &Contract) -> Self {
        Self {
            customer_id: c.customer_id,
            number: Some(c.number.clone()),
            tier: c.tier.as_str().into(),
            billing_interval: c.billing_interval.as_str().into(),
            start_date: c.start_date.clone(),
            end_date: c.end_date.clone(),
            monthly_price_per_unit: Some(c.monthly_price_per_unit),
            currency: Some(c.currency.clone()),
            spending_limit: Some(c.spending_limit),
            po_required: Some(c.po_required),
            payment_term_days: Some(c.payment_term_days),
            included: c
                .custom_scope
                .then(|| c.included.iter().map(|i| i.as_str().to_string()).collect()),
            exclusions: Some(
                c.exclusions
                    .iter()
                    .map(|e| e.as_str().to_string())
                    .collect(),
            ),
            warranty_months: c.warranty_months,
            labour_rate: Some(c.labour_rate),
            unit_ids: c.unit_ids.clone(),
        }
    }
}

/// A contract as `scope` sees it: a portfolio-limited caller sees only the
/// covered units in its own buildings (issue #18: the ids of every other
/// building's units leaked through `unit_ids`).
async fn from_row(tx: &mut Tx<'_>, scope: &Scope, r: &AnyRow) -> Result<Contract> {
    let id = r.int("id")?;
    let mut sql = Sql::new(
        "SELECT cu.unit_id FROM contract_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.contract_id = ",
    );
    sql.bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    sql.push(" ORDER BY cu.unit_id");
    let unit_ids = sql
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.int("unit_id"))
        .collect::<Result<_, _>>()?;
    let tier = Tier::parse(&r.text("tier")?)?;
    let custom = r.opt_text("scope_items")?;
    let included = match &custom {
        Some(items) => split(items, ScopeItem::parse)?,
        None => ScopeItem::tier_default(tier).into_iter().collect(),
    };
    Ok(Contract {
        id,
        customer_id: r.int("customer_id")?,
        number: r.text("number")?,
        tier,
        billing_interval: BillingInterval::parse(&r.text("billing_interval")?)?,
        start_date: r.text("start_date")?,
        end_date: r.opt_text("end_date")?,
        monthly_price_per_unit: Cents(r.int("monthly_price_cents")?).to_decimal(),
        currency: r.text("currency")?,
        spending_limit: Cents(r.int("spending_limit_cents")?).to_decimal(),
        po_required: r.int("po_required")? != 0,
        payment_term_days: r.int("payment_term_days")?,
        included,
        custom_scope: custom.is_some(),
        exclusions: split(&r.text("exclusions")?, Exclusion::parse)?,
        warranty_months: r.opt_int("warranty_months")?,
        labour_rate: Cents(r.int("labour_rate_cents")?).to_decimal(),
        unit_ids,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn set_units(tx: &mut Tx<'_>, id: i64, customer_id: i64, unit_ids: &[i64]) -> Result<()> {
    let mut del = Sql::new("DELETE FROM contract_units WHERE contract_id = ");
    del.bind(id);
    del.execute(&mut **tx).await?;
    for u in unit_ids {
        let mut check = Sql::new("SELECT id FROM units WHERE id = ");
        check.bind(*u).push(" AND customer_id = ").bind(customer_id);
        if check.fetch_optional(&mut **tx).await?.is_none() {
            return Err(
                Invalid::new("unit_ids", format!("unit {u} not found for this customer")).into(),
            );
        }
        let mut sql = Sql::new("INSERT INTO contract_units (contract_id, unit_id) VALUES (");
        sql.bind(id).push(", ").bind(*u).push(")");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The stored scope_items, exclusions, warranty_months, labour_rate_cents.
struct ScopeColumns(Option<String>, String, Option<i64>, i64);

impl ScopeColumns {
    fn of(c: &Checked) -> Self {
        Self(
            c.included.as_deref().map(|l| join(l, ScopeItem::as_str)),
            join(&c.exclusions, Exclusion::as_str),
            c.warranty_months,
            c.labour_rate.0,
        )
    }
}

fn conflict(number: &str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
    move |e| {
        StoreError::unique_as_conflict(e, format!("contract number {number} is already in use"))
    }
}

pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: ContractInput,
) -> Result<Contract> {
    let customer_id = input.customer_id;
    let c = input.check()?;
    let columns = ScopeColumns::of(&c);
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    customers::fetch(&mut *tx, scope, customer_id).await?;
    // A unique placeholder keeps the NOT NULL UNIQUE column honest until the
    // id (and so the generated number) is known, inside this transaction.
    let provisional = c
        .number
        .clone()
        .unwrap_or_else(|| format!("pending-{now}-{customer_id}"));
    let mut sql = Sql::new(
        "INSERT INTO contracts (customer_id, number, tier, billing_interval, start_date, end_date, monthly_price_cents, currency, spending_limit_cents, po_required, payment_term_days, scope_items, exclusions, warranty_months, labour_rate_cents, created_at, updated_at) VALUES (",
    );
    sql.bind(customer_id)
        .push(", ")
        .bind(provisional.clone())
        .push(", ")
        .bind(c.tier.as_str().to_string());
    sql.push(", ")
        .bind(c.interval.as_str().to_string())
        .push(", ")
        .bind(c.start)
        .push(", ")
        .bind(c.end);
    sql.push(", ")
        .bind(c.price.0)
        .push(", ")
        .bind(c.currency)
        .push(", ")
        .bind(c.limit.0);
    sql.push(", ")
        .bind(i64::from(c.po_required))
        .push(", ")
        .bind(c.payment_term_days)
        .push(", ");
    sql.bind(columns.0)
        .push(", ")
        .bind(columns.1)
        .push(", ")
        .bind(columns.2)
        .push(", ")
        .bind(columns.3);
    sql.push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict(&provisional))?
        .int("id")?;
    if c.number.is_none() {
        let mut sql = Sql::new("UPDATE contracts SET number = ");
        sql.bind(format!("CT-{id:06}"))
            .push(" WHERE id = ")
            .bind(id);
        sql.execute(&mut *tx).await?;
    }
    set_units(&mut tx, id, customer_id, &c.unit_ids).await?;
    // Covered units get their default maintenance plans and planned visits
    // in this same transaction.
    crate::maintenance::plans::sync_contract(&mut tx, actor, id).await?;
    let created = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(customer_id),
        "contract",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<Contract> {
    let mut sql = Sql::new("SELECT * FROM contracts c WHERE c.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "c", Shape::Contract);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("contract"))?;
    from_row(tx, scope, &row).await
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Contract> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Contract>> {
    f.only("contracts", &["customer_id", "unit_id", "building_id", "q"])?;
    let mut sql = Sql::new("SELECT * FROM contracts c WHERE 1=1");
    restrict(&mut sql, scope, "c", Shape::Contract);
    if let Some(cid) = f.customer_id {
        sql.push(" AND c.customer_id = ").bind(cid);
    }
    if let Some(u) = f.unit_id {
        sql.push(" AND c.id IN (SELECT contract_id FROM contract_units WHERE unit_id = ")
            .bind(u)
            .push(")");
    }
    if let Some(b) = f.building_id {
        sql.push(" AND c.id IN (SELECT cu.contract_id FROM contract_units cu JOIN units u ON u.id = cu.unit_id WHERE u.building_id = ")
            .bind(b)
            .push(")");
    }
    if let Some(like) = f.like() {
        sql.push(" AND LOWER(c.number) LIKE ").bind_like(like);
    }
    let limit = finish(&mut sql, "c", f)?;
    let mut tx = db.begin().await?;
    let rows = sql.fetch_all(&mut *tx).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(from_row(&mut tx, scope, r).await?);
    }
    Ok(paginate(items, limit, |c| c.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Contract> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let input = patch::apply(&ContractInput::from(&before), changes)?;
    patch::immutable("customer_id", &before.customer_id, &input.customer_id)?;
    let c = input.check()?;
    let columns = ScopeColumns::of(&c);
    let number = c.number.clone().unwrap_or_else(|| before.number.clone());
    let mut sql = Sql::new("UPDATE contracts SET number = ");
    sql.bind(number.clone())
        .push(", tier = ")
        .bind(c.tier.as_str().to_string());
    sql.push(", billing_interval = ")
        .bind(c.interval.as_str().to_string())
        .push(", start_date = ")
        .bind(c.start);
    sql.push(", end_date = ")
        .bind(c.end)
        .push(", monthly_price_cents = ")
        .bind(c.price.0);
    sql.push(", currency = ")
        .bind(c.currency)
        .push(", spending_limit_cents = ")
        .bind(c.limit.0);
    sql.push(", po_required = ").bind(i64::from(c.po_required));
    sql.push(", payment_term_days = ").bind(c.payment_term_days);
    sql.push(", scope_items = ")
        .bind(columns.0)
        .push(", exclusions = ")
        .bind(columns.1);
    sql.push(", warranty_months = ")
        .bind(columns.2)
        .push(", labour_rate_cents = ")
        .bind(columns.3);
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await.map_err(conflict(&number))?;
    set_units(&mut tx, id, before.customer_id, &c.unit_ids).await?;
    crate::maintenance::plans::sync_contract(&mut tx, actor, id).await?;
    let after = fetch(&mut tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "contract",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
