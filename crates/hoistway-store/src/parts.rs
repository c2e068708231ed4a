//! The parts catalogue (issue #21, seed 000): part number, description,
//! the unit kinds a part fits, whether it is a critical spare (door
//! operators, VVVF drives, controller CPUs), its contract-scope
//! `category` (`wear` or `major`), the supplier's lead time, the unit
//! price, and the stock on hand per depot.
//!
//! Provider data, not tenant data: the API lets provider staff read it and
//! provider admins change it; customers see only the expected date on
//! their case. A case put on hold for a catalogue part takes its lead time
//! from here ([`crate::cases::lifecycle`]); billing reads a reported
//! part's category and price through [`by_number`]. Every change is
//! audited (entity `part`).

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{like_pattern, paginate, Page, DEFAULT_LIMIT, MAX_LIMIT};
use crate::patch;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::text::required_text;
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Acquire, Any, AnyConnection};

/// The contract-scope classes of a part.
pub const CATEGORIES: [&str; 2] = ["wear", "major"];

/// Stock of one part in one depot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DepotStock {
    pub depot: String,
    pub quantity: i64,
    pub updated_at: DateTime<Utc>,
}

/// One catalogue part as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Part {
    pub id: i64,
    /// The manufacturer's part number, unique in the catalogue.
    pub part_number: String,
    pub description: String,
    /// The unit kinds it fits.
    pub unit_kinds: Vec<UnitKind>,
    /// `wear` (covered by standard and comprehensive contracts) or `major`
    /// (covered by comprehensive contracts only).
    pub category: String,
    /// A critical spare: a unit stays down without it.
    pub critical: bool,
    /// Days the supplier takes to deliver when no depot has it.
    pub lead_time_days: i64,
    /// Price of one, in the minor unit of `currency` (cents).
    pub unit_price_minor: i64,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// Stock on hand over all depots.
    pub in_stock: i64,
    /// Stock per depot, by depot name.
    pub stock: Vec<DepotStock>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a provider admin sends to add a part (and, merged over the
/// current part, to change one).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartInput {
    /// 1 to 64 characters without spaces.
    pub part_number: String,
    pub description: String,
    /// `elevator`, `escalator` and/or `door`; at least one.
    pub unit_kinds: Vec<String>,
    /// `wear` or `major`.
    pub category: String,
    #[serde(default)]
    pub critical: bool,
    /// 0 to 365 days.
    pub lead_time_days: i64,
    /// Price of one in cents, 0 or more.
    pub unit_price_minor: i64,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
}

impl From<&Part> for PartInput {
    fn from(p: &Part) -> Self {
        Self {
            part_number: p.part_number.clone(),
            description: p.description.clone(),
            unit_kinds: p
                .unit_kinds
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            category: p.category.clone(),
            critical: p.critical,
            lead_time_days: p.lead_time_days,
            unit_price_minor: p.unit_price_minor,
            currency: p.currency.clone(),
        }
    }
}

/// A validated [`PartInput`].
struct Valid {
    part_number: String,
    description: String,
    unit_kinds: String,
    category: String,
    critical: bool,
    lead_time_days: i64,
    unit_price_minor: i64,
    currency: String,
}

/// A part number: trimmed, 1 to 64 characters, no whitespace (the rule of
/// the service report's part numbers, so a reported part can be looked up).
pub fn parse_part_number(raw: &str) -> Result<String, Invalid> {
    let t = raw.trim();
    if t.is_empty() || t.chars().count() > 64 || t.chars().any(char::is_whitespace) {
        return Err(Invalid::new(
            "part_number",
            "must be 1 to 64 characters without spaces",
        ));
    }
    Ok(t.to_string())
}

/// Unit kinds as stored: the kinds named, in [`UnitKind::ALL`] order,
/// comma separated.
fn parse_kinds(raw: &[String]) -> Result<String, Invalid> {
    let mut kinds = Vec::new();
    for k in raw {
        let kind = UnitKind::parse(k).map_err(|e| Invalid::new("unit_kinds", e.message))?;
        kinds.push(kind);
    }
    if kinds.is_empty() {
        return Err(Invalid::new(
            "unit_kinds",
            "name at least one of elevator, escalator, door",
        ));
    }
    Ok(UnitKind::ALL
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(","))
}

fn kinds_from_text(text: &str) -> Vec<UnitKind> {
    text.split(',')
        .filter_map(|k| UnitKind::parse(k).ok())
        .collect()
}

/// An ISO 4217-shaped currency code, upper-cased.
pub fn parse_currency(raw: &str) -> Result<String, Invalid> {
    let c = raw.trim().to_uppercase();
    if c.len() != 3 || !c.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Invalid::new("currency", "an ISO 4217 code such as EUR"));
    }
    Ok(c)
}

impl PartInput {
    fn validated(&self) -> Result<Valid, Invalid> {
        if !CATEGORIES.contains(&self.category.trim()) {
            return Err(Invalid::new("category", "must be wear or major"));
        }
        if !(0..=365).contains(&self.lead_time_days) {
            return Err(Invalid::new("lead_time_days", "must be 0 to 365 days"));
        }
        if !(0..=10_000_000_000).contains(&self.unit_price_minor) {
            return Err(Invalid::new(
                "unit_price_minor",
                "must be 0 or more cents (at most 100,000,000.00)",
            ));
        }
        Ok(Valid {
            part_number: parse_part_number(&self.part_number)?,
            description: required_text("description", &self.description, 300)?,
            unit_kinds: parse_kinds(&self.unit_kinds)?,
            category: self.category.trim().to_string(),
            critical: self.critical,
            lead_time_days: self.lead_time_days,
            unit_price_minor: self.unit_price_minor,
            currency: parse_currency(&self.currency)?,
        })
    }
}

/// Filters of the catalogue list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartFilter {
    /// Id of the last item of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Search in part numbers and descriptions.
    pub q: Option<String>,
    /// Only parts that fit this unit kind: elevator, escalator or door.
    pub unit_kind: Option<String>,
    /// Only critical spares (`true`) or only the others (`false`).
    pub critical: Option<bool>,
    /// Only `wear` or only `major` parts.
    pub category: Option<String>,
}

/// The catalogue columns plus the total stock, for one query per part
/// (cast: PostgreSQL sums BIGINTs as NUMERIC, which the `Any` driver
/// cannot read).
const SELECT: &str = "SELECT p.*, CAST((SELECT COALESCE(SUM(s.quantity), 0) FROM part_stock s WHERE s.part_id = p.id) AS BIGINT) AS in_stock FROM parts p WHERE 1=1";

fn from_row(r: &AnyRow) -> Result<Part> {
    Ok(Part {
        id: r.int("id")?,
        part_number: r.text("part_number")?,
        description: r.text("description")?,
        unit_kinds: kinds_from_text(&r.text("unit_kinds")?),
        category: r.text("category")?,
        critical: r.int("critical")? != 0,
        lead_time_days: r.int("lead_time_days")?,
        unit_price_minor: r.int("unit_price_minor")?,
        currency: r.text("currency")?,
        in_stock: r.int("in_stock")?,
        stock: Vec::new(),
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// Fills in the per-depot stock of `parts`.
async fn with_stock(conn: &mut AnyConnection, mut parts: Vec<Part>) -> Result<Vec<Part>> {
    if parts.is_empty() {
        return Ok(parts);
    }
    let ids: Vec<i64> = parts.iter().map(|p| p.id).collect();
    let mut sql = Sql::new("SELECT * FROM part_stock WHERE part_id IN ");
    sql.bind_list(&ids).push(" ORDER BY depot");
    for r in sql.fetch_all(&mut *conn).await? {
        let id = r.int("part_id")?;
        if let Some(p) = parts.iter_mut().find(|p| p.id == id) {
            p.stock.push(DepotStock {
                depot: r.text("depot")?,
                quantity: r.int("quantity")?,
                updated_at: r.instant("updated_at")?,
            });
        }
    }
    Ok(parts)
}

async fn fetch(conn: &mut AnyConnection, id: i64) -> Result<Part> {
    let mut sql = Sql::new(SELECT);
    sql.push(" AND p.id = ").bind(id);
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("part"))?;
    let part = from_row(&row)?;
    Ok(with_stock(conn, vec![part]).await?.remove(0))
}

/// The catalogue part with this part number (trimmed, exact), with its
/// stock; `None` when the catalogue has none. Takes the pool
/// (`&db.pool`) or a transaction's connection (`&mut *tx`, or `&mut **tx`
/// for a `&mut Tx`).
pub async fn by_number<'c, A>(conn: A, part_number: &str) -> Result<Option<Part>>
where
    A: Acquire<'c, Database = Any>,
{
    let mut conn = conn.acquire().await?;
    find(&mut conn, part_number).await
}

/// [`by_number`] on a connection: what code inside a transaction calls
/// when the generic form's future must be `Send` for an axum handler
/// (the `Acquire` bound over a borrowed connection is not general enough
/// for that).
pub async fn find(conn: &mut AnyConnection, part_number: &str) -> Result<Option<Part>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" AND p.part_number = ")
        .bind(part_number.trim().to_string());
    let Some(row) = sql.fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let part = from_row(&row)?;
    Ok(with_stock(conn, vec![part]).await?.pop())
}

pub async fn get(db: &Db, id: i64) -> Result<Part> {
    let mut conn = db.pool.acquire().await?;
    fetch(&mut conn, id).await
}

/// The catalogue in id order, filtered.
pub async fn list(db: &Db, f: &PartFilter) -> Result<Page<Part>> {
    let limit = match f.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => return Err(Invalid::new("limit", format!("must be 1 to {MAX_LIMIT}")).into()),
    };
    let after = match f.cursor.as_deref() {
        None | Some("") => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| Invalid::new("cursor", "is not a cursor this server issued"))?,
    };
    let mut sql = Sql::new(SELECT);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = like_pattern(q);
        sql.push(" AND (LOWER(p.part_number) LIKE ")
            .bind_like(pattern.clone())
            .push(" OR LOWER(p.description) LIKE ")
            .bind_like(pattern)
            .push(")");
    }
    if let Some(k) = &f.unit_kind {
        let kind = UnitKind::parse(k).map_err(|e| Invalid::new("unit_kind", e.message))?;
        sql.push(" AND (',' || p.unit_kinds || ',') LIKE ")
            .bind(format!("%,{},%", kind.as_str()));
    }
    if let Some(c) = f.critical {
        sql.push(" AND p.critical = ").bind(i64::from(c));
    }
    if let Some(c) = &f.category {
        if !CATEGORIES.contains(&c.as_str()) {
            return Err(Invalid::new("category", "must be wear or major").into());
        }
        sql.push(" AND p.category = ").bind(c.clone());
    }
    sql.push(" AND p.id > ").bind(after);
    sql.push(" ORDER BY p.id LIMIT ").bind(limit + 1);
    let mut conn = db.pool.acquire().await?;
    let rows = sql.fetch_all(&mut *conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    let items = with_stock(&mut conn, items).await?;
    Ok(paginate(items, limit, |p| p.id))
}

fn taken(number: &str) -> String {
    format!("part number {number} is already in the catalogue")
}

/// Adds a part to the catalogue.
pub async fn create(db: &Db, actor: Actor, input: PartInput) -> Result<Part> {
    let v = input.validated()?;
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("INSERT INTO parts (part_number, description, unit_kinds, category, critical, lead_time_days, unit_price_minor, currency, created_at, updated_at) VALUES (");
    sql.bind(v.part_number.clone())
        .push(", ")
        .bind(v.description)
        .push(", ")
        .bind(v.unit_kinds)
        .push(", ")
        .bind(v.category)
        .push(", ")
        .bind(i64::from(v.critical))
        .push(", ")
        .bind(v.lead_time_days)
        .push(", ")
        .bind(v.unit_price_minor)
        .push(", ")
        .bind(v.currency)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique_as_conflict(e, taken(&v.part_number)))?
        .int("id")?;
    let part = fetch(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "part",
        id,
        "create",
        None::<&()>,
        Some(&part),
    )
    .await?;
    tx.commit().await?;
    Ok(part)
}

/// Changes a part: `changes` is merged over the current part and validated
/// like a create.
pub async fn update(db: &Db, actor: Actor, id: i64, changes: serde_json::Value) -> Result<Part> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let v = patch::apply(&PartInput::from(&before), changes)?.validated()?;
    let mut sql = Sql::new("UPDATE parts SET part_number = ");
    sql.bind(v.part_number.clone())
        .push(", description = ")
        .bind(v.description);
    sql.push(", unit_kinds = ")
        .bind(v.unit_kinds)
        .push(", category = ")
        .bind(v.category);
    sql.push(", critical = ")
        .bind(i64::from(v.critical))
        .push(", lead_time_days = ")
        .bind(v.lead_time_days);
    sql.push(", unit_price_minor = ")
        .bind(v.unit_price_minor)
        .push(", currency = ")
        .bind(v.currency);
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx)
        .await
        .map_err(|e| StoreError::unique_as_conflict(e, taken(&v.part_number)))?;
    let after = fetch(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "part",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A depot name: trimmed, 1 to 60 characters.
pub fn parse_depot(raw: &str) -> Result<String, Invalid> {
    required_text("depot", raw, 60)
}

/// Sets the quantity of a part on hand in a depot (0 keeps the depot in
/// the list as "out of stock").
pub async fn set_stock(db: &Db, actor: Actor, id: i64, depot: &str, quantity: i64) -> Result<Part> {
    let depot = parse_depot(depot)?;
    if !(0..=1_000_000).contains(&quantity) {
        return Err(Invalid::new("quantity", "must be 0 to 1,000,000").into());
    }
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let mut del = Sql::new("DELETE FROM part_stock WHERE part_id = ");
    del.bind(id).push(" AND depot = ").bind(depot.clone());
    del.execute(&mut *tx).await?;
    let mut ins =
        Sql::new("INSERT INTO part_stock (part_id, depot, quantity, updated_at) VALUES (");
    ins.bind(id)
        .push(", ")
        .bind(depot)
        .push(", ")
        .bind(quantity)
        .push(", ")
        .bind(now)
        .push(")");
    ins.execute(&mut *tx).await?;
    let mut touch = Sql::new("UPDATE parts SET updated_at = ");
    touch.bind(now).push(" WHERE id = ").bind(id);
    touch.execute(&mut *tx).await?;
    let after = fetch(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "part",
        id,
        "stock",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_kinds_are_stored_in_a_fixed_order_and_refused_by_name() {
        let kinds = vec!["door".to_string(), "elevator".to_string()];
        assert_eq!(parse_kinds(&kinds).unwrap(), "elevator,door");
        assert_eq!(
            kinds_from_text("elevator,door"),
            vec![UnitKind::Elevator, UnitKind::Door]
        );
        assert_eq!(parse_kinds(&[]).unwrap_err().field, "unit_kinds");
        let err = parse_kinds(&["lift".to_string()]).unwrap_err();
        assert_eq!(err.field, "unit_kinds");
        assert!(err.message.contains("lift"), "{err}");
    }

    #[test]
    fn part_numbers_have_no_spaces() {
        assert_eq!(parse_part_number(" KM-601 ").unwrap(), "KM-601");
        assert_eq!(
            parse_part_number("door operator").unwrap_err().field,
            "part_number"
        );
        assert_eq!(parse_part_number("").unwrap_err().field, "part_number");
    }
}
