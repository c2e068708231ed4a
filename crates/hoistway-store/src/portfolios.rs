//! Portfolios: named sets of a customer's buildings that narrow what
//! customer users see.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, patch, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::text::required_text;
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Portfolio {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub building_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioInput {
    /// Defaults to the caller's own customer for customer users.
    #[serde(default)]
    pub customer_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub building_ids: Vec<i64>,
}

impl From<&Portfolio> for PortfolioInput {
    fn from(p: &Portfolio) -> Self {
        Self {
            customer_id: Some(p.customer_id),
            name: p.name.clone(),
            building_ids: p.building_ids.clone(),
        }
    }
}

async fn from_row<'e, E: Executor<'e, Database = Any>>(ex: E, r: &AnyRow) -> Result<Portfolio> {
    let id = r.int("id")?;
    let mut sql = Sql::new("SELECT building_id FROM portfolio_buildings WHERE portfolio_id = ");
    sql.bind(id).push(" ORDER BY building_id");
    let building_ids = sql
        .fetch_all(ex)
        .await?
        .iter()
        .map(|r| r.int("building_id"))
        .collect::<Result<_, _>>()?;
    Ok(Portfolio {
        id,
        customer_id: r.int("customer_id")?,
        name: r.text("name")?,
        building_ids,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// Resolves the customer and checks that every building is that customer's.
async fn checked(
    tx: &mut Tx<'_>,
    scope: &Scope,
    input: PortfolioInput,
) -> Result<(i64, String, Vec<i64>)> {
    let customer_id = input
        .customer_id
        .or(scope.customer_id())
        .ok_or_else(|| Invalid::new("customer_id", "is required"))?;
    customers::fetch(&mut **tx, scope, customer_id).await?;
    let name = required_text("name", &input.name, 200)?;
    let mut ids = input.building_ids;
    ids.sort_unstable();
    ids.dedup();
    for b in &ids {
        let mut sql = Sql::new("SELECT id FROM buildings WHERE id = ");
        sql.bind(*b).push(" AND customer_id = ").bind(customer_id);
        if sql.fetch_optional(&mut **tx).await?.is_none() {
            return Err(Invalid::new(
                "building_ids",
                format!("building {b} not found for this customer"),
            )
            .into());
        }
    }
    Ok((customer_id, name, ids))
}

async fn set_buildings(tx: &mut Tx<'_>, id: i64, ids: &[i64]) -> Result<()> {
    let mut del = Sql::new("DELETE FROM portfolio_buildings WHERE portfolio_id = ");
    del.bind(id);
    del.execute(&mut **tx).await?;
    for b in ids {
        let mut sql =
            Sql::new("INSERT INTO portfolio_buildings (portfolio_id, building_id) VALUES (");
        sql.bind(id).push(", ").bind(*b).push(")");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: PortfolioInput,
) -> Result<Portfolio> {
    let mut tx = db.begin().await?;
    let (customer_id, name, ids) = checked(&mut tx, scope, input).await?;
    let now = actor.at.timestamp_millis();
    let mut sql =
        Sql::new("INSERT INTO portfolios (customer_id, name, created_at, updated_at) VALUES (");
    sql.bind(customer_id)
        .push(", ")
        .bind(name)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    set_buildings(&mut tx, id, &ids).await?;
    let created = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(customer_id),
        "portfolio",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<Portfolio> {
    let mut sql = Sql::new("SELECT * FROM portfolios p WHERE p.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "p", Shape::Portfolio);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("portfolio"))?;
    from_row(&mut **tx, &row).await
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Portfolio> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Portfolio>> {
    f.only("portfolios", &["customer_id", "building_id", "q"])?;
    let mut sql = Sql::new("SELECT * FROM portfolios p WHERE 1=1");
    restrict(&mut sql, scope, "p", Shape::Portfolio);
    if let Some(c) = f.customer_id {
        sql.push(" AND p.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND p.id IN (SELECT portfolio_id FROM portfolio_buildings WHERE building_id = ")
            .bind(b)
            .push(")");
    }
    if let Some(like) = f.like() {
        sql.push(" AND LOWER(p.name) LIKE ").bind_like(like);
    }
    let limit = finish(&mut sql, "p", f)?;
    let rows = sql.fetch_all(&db.pool).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(from_row(&db.pool, r).await?);
    }
    Ok(paginate(items, limit, |p| p.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Portfolio> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let input = patch::apply(&PortfolioInput::from(&before), changes)?;
    patch::immutable("customer_id", &Some(before.customer_id), &input.customer_id)?;
    let (_, name, ids) = checked(&mut tx, scope, input).await?;
    let mut sql = Sql::new("UPDATE portfolios SET name = ");
    sql.bind(name)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    set_buildings(&mut tx, id, &ids).await?;
    let after = fetch(&mut tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "portfolio",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
