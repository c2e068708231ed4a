//! Buildings: where units stand; they carry the country and time zone that
//! business hours and holidays follow.

use crate::audit::{self, Actor};
use crate::business_hours::BusinessHours;
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, patch, Db};
use chrono::{DateTime, Utc};
use hoistway_domain::text::{required_text, CountryCode, TimeZoneName};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Building {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone.
    pub timezone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A hospital: any unit down here is urgent.
    pub hospital: bool,
    /// The hours business-time SLA targets count; `null` is Mon–Fri
    /// 08:00–17:00. Public holidays of `country` are always closed.
    pub business_calendar: Option<BusinessHours>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingInput {
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    pub country: String,
    pub timezone: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    /// A hospital: any unit down here is urgent (default false).
    #[serde(default)]
    pub hospital: Option<bool>,
    /// Business hours (default `null`: Mon–Fri 08:00–17:00).
    #[serde(default)]
    pub business_calendar: Option<BusinessHours>,
}

impl BuildingInput {
    pub fn validated(self) -> Result<Self, Invalid> {
        let in_range = |field, v: Option<f64>, max: f64| match v {
            Some(x) if !(x.is_finite() && x.abs() <= max) => Err(Invalid::new(
                field,
                format!("must be between -{max} and {max}"),
            )),
            _ => Ok(v),
        };
        Ok(Self {
            customer_id: self.customer_id,
            name: required_text("name", &self.name, 200)?,
            address: required_text("address", &self.address, 500)?,
            country: CountryCode::parse(&self.country)?.into_inner(),
            timezone: TimeZoneName::parse(&self.timezone)?.into_inner(),
            latitude: in_range("latitude", self.latitude, 90.0)?,
            longitude: in_range("longitude", self.longitude, 180.0)?,
            hospital: Some(self.hospital.unwrap_or(false)),
            business_calendar: self.business_calendar.map(|h| h.validated()).transpose()?,
        })
    }
}

impl From<&Building> for BuildingInput {
    fn from(b: &Building) -> Self {
        Self {
            customer_id: b.customer_id,
            name: b.name.clone(),
            address: b.address.clone(),
            country: b.country.clone(),
            timezone: b.timezone.clone(),
            latitude: b.latitude,
            longitude: b.longitude,
            hospital: Some(b.hospital),
            business_calendar: b.business_calendar.clone(),
        }
    }
}

/// Business hours as the `business_calendar` column keeps them (JSON).
fn stored_hours(h: &Option<BusinessHours>) -> Option<String> {
    h.as_ref().and_then(|h| serde_json::to_string(h).ok())
}

fn from_row(r: &AnyRow) -> Result<Building, sqlx::Error> {
    Ok(Building {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        name: r.text("name")?,
        address: r.text("address")?,
        country: r.text("country")?,
        timezone: r.text("timezone")?,
        latitude: r.opt_float("latitude")?,
        longitude: r.opt_float("longitude")?,
        hospital: r.int("hospital")? != 0,
        business_calendar: r
            .opt_text("business_calendar")?
            .and_then(|t| serde_json::from_str(&t).ok()),
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: BuildingInput,
) -> Result<Building> {
    let b = input.validated()?;
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    // The customer must exist and be visible, or it is "not found".
    customers::fetch(&mut *tx, scope, b.customer_id).await?;
    let mut sql = Sql::new(
        "INSERT INTO buildings (customer_id, name, address, country, timezone, latitude, longitude, hospital, business_calendar, created_at, updated_at) VALUES (",
    );
    sql.bind(b.customer_id)
        .push(", ")
        .bind(b.name)
        .push(", ")
        .bind(b.address)
        .push(", ")
        .bind(b.country);
    sql.push(", ")
        .bind(b.timezone)
        .push(", ")
        .bind_opt_f64(b.latitude)
        .push(", ")
        .bind_opt_f64(b.longitude)
        .push(", ")
        .bind(i64::from(b.hospital.unwrap_or(false)))
        .push(", ")
        .bind(stored_hours(&b.business_calendar));
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
        Some(created.customer_id),
        "building",
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
) -> Result<Building> {
    let mut sql = Sql::new("SELECT * FROM buildings b WHERE b.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "b", Shape::Building);
    let row = sql
        .fetch_optional(ex)
        .await?
        .ok_or(StoreError::NotFound("building"))?;
    Ok(from_row(&row)?)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Building> {
    fetch(&db.pool, scope, id).await
}

/// The ids of the buildings a portfolio-limited `scope` shows; `None` when
/// the scope is not limited to portfolios (every building of its tenant).
/// Decided by the same condition as every building read.
pub async fn visible_ids(
    db: &Db,
    scope: &Scope,
) -> Result<Option<std::collections::BTreeSet<i64>>> {
    if !matches!(
        scope,
        Scope::Customer {
            portfolios: Some(_),
            ..
        }
    ) {
        return Ok(None);
    }
    let mut sql = Sql::new("SELECT b.id FROM buildings b WHERE 1=1");
    restrict(&mut sql, scope, "b", Shape::Building);
    let ids = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_, _>>()?;
    Ok(Some(ids))
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Building>> {
    f.only(
        "buildings",
        &["customer_id", "portfolio_id", "country", "q"],
    )?;
    let mut sql = Sql::new("SELECT * FROM buildings b WHERE 1=1");
    restrict(&mut sql, scope, "b", Shape::Building);
    if let Some(c) = f.customer_id {
        sql.push(" AND b.customer_id = ").bind(c);
    }
    if let Some(p) = f.portfolio_id {
        sql.push(" AND b.id IN (SELECT building_id FROM portfolio_buildings WHERE portfolio_id = ")
            .bind(p)
            .push(")");
    }
    if let Some(country) = &f.country {
        sql.push(" AND b.country = ")
            .bind(country.trim().to_uppercase());
    }
    if let Some(like) = f.like() {
        sql.push(" AND (LOWER(b.name) LIKE ")
            .bind_like(like.clone());
        sql.push(" OR LOWER(b.address) LIKE ")
            .bind_like(like)
            .push(")");
    }
    let limit = finish(&mut sql, "b", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |b| b.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Building> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let b = patch::apply(&BuildingInput::from(&before), changes)?.validated()?;
    patch::immutable("customer_id", &before.customer_id, &b.customer_id)?;
    let mut sql = Sql::new("UPDATE buildings SET name = ");
    sql.bind(b.name)
        .push(", address = ")
        .bind(b.address)
        .push(", country = ")
        .bind(b.country);
    sql.push(", timezone = ")
        .bind(b.timezone)
        .push(", latitude = ")
        .bind_opt_f64(b.latitude);
    sql.push(", longitude = ")
        .bind_opt_f64(b.longitude)
        .push(", hospital = ")
        .bind(i64::from(b.hospital.unwrap_or(false)))
        .push(", business_calendar = ")
        .bind(stored_hours(&b.business_calendar))
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis());
    sql.push(" WHERE id = ").bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut *tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "building",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
