//! Customers: the tenants.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{patch, Db};
use chrono::{DateTime, Utc};
use hoistway_domain::text::{optional_text, parse_phone, required_text, Email};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or update a customer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
}

impl CustomerInput {
    pub fn validated(self) -> Result<Self, Invalid> {
        Ok(Self {
            name: required_text("name", &self.name, 200)?,
            contact_email: optional_text("contact_email", self.contact_email.as_deref(), 254)?
                .map(|e| {
                    Email::parse(&e)
                        .map(Email::into_inner)
                        .map_err(|e| e.in_field("contact_email"))
                })
                .transpose()?,
            contact_phone: optional_text("contact_phone", self.contact_phone.as_deref(), 40)?
                .map(|p| parse_phone("contact_phone", &p))
                .transpose()?,
        })
    }
}

impl From<&Customer> for CustomerInput {
    fn from(c: &Customer) -> Self {
        Self {
            name: c.name.clone(),
            contact_email: c.contact_email.clone(),
            contact_phone: c.contact_phone.clone(),
        }
    }
}

fn from_row(r: &AnyRow) -> Result<Customer, sqlx::Error> {
    Ok(Customer {
        id: r.int("id")?,
        name: r.text("name")?,
        contact_email: r.opt_text("contact_email")?,
        contact_phone: r.opt_text("contact_phone")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// Creates a tenant. Only an unscoped caller (service-company staff) may:
/// to a customer user every other tenant is invisible, so this answers
/// "not found" like any other reach outside the scope.
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: CustomerInput,
) -> Result<Customer> {
    if scope.customer_id().is_some() {
        return Err(StoreError::NotFound("customer"));
    }
    let input = input.validated()?;
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("INSERT INTO customers (name, contact_email, contact_phone, created_at, updated_at) VALUES (");
    sql.bind(input.name)
        .push(", ")
        .bind(input.contact_email)
        .push(", ")
        .bind(input.contact_phone);
    sql.push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let created = fetch(&mut *tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(id),
        "customer",
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
) -> Result<Customer> {
    let mut sql = Sql::new("SELECT * FROM customers c WHERE c.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "c", Shape::Customer);
    let row = sql
        .fetch_optional(ex)
        .await?
        .ok_or(StoreError::NotFound("customer"))?;
    Ok(from_row(&row)?)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Customer> {
    fetch(&db.pool, scope, id).await
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Customer>> {
    f.only("customers", &["q"])?;
    let mut sql = Sql::new("SELECT * FROM customers c WHERE 1=1");
    restrict(&mut sql, scope, "c", Shape::Customer);
    if let Some(like) = f.like() {
        sql.push(" AND LOWER(c.name) LIKE ").bind_like(like);
    }
    let limit = finish(&mut sql, "c", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |c| c.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Customer> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let input = patch::apply(&CustomerInput::from(&before), changes)?.validated()?;
    let mut sql = Sql::new("UPDATE customers SET name = ");
    sql.bind(input.name)
        .push(", contact_email = ")
        .bind(input.contact_email);
    sql.push(", contact_phone = ").bind(input.contact_phone);
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut *tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(id),
        "customer",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
