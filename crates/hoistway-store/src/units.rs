//! Units: elevators, escalators and doors, with their asset register.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, patch, Db};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::text::{optional_text, parse_date, parse_phone, EquipmentNumber};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub kind: UnitKind,
    pub equipment_number: String,
    pub name: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub controller_type: Option<String>,
    pub drive_type: Option<String>,
    pub door_operator_model: Option<String>,
    /// YYYY-MM-DD.
    pub install_date: Option<String>,
    /// YYYY-MM-DD; the warranty starts here.
    pub takeover_date: Option<String>,
    pub modernization_date: Option<String>,
    pub floors_served: Option<i64>,
    pub rise_m: Option<f64>,
    /// Where in the building, e.g. "Lobby, east core".
    pub location: Option<String>,
    pub connected: bool,
    pub emergency_phone: Option<String>,
    pub service_label: Option<String>,
    /// On the building's step-free route: an outage there is urgent.
    pub accessible_route: bool,
    /// Carries most of the building's traffic: an outage there is urgent.
    pub high_traffic: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create or update a unit (also one CSV row of an
/// asset-register import: the column names are these field names).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    pub building_id: i64,
    pub kind: String,
    pub equipment_number: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub controller_type: Option<String>,
    #[serde(default)]
    pub drive_type: Option<String>,
    #[serde(default)]
    pub door_operator_model: Option<String>,
    #[serde(default)]
    pub install_date: Option<String>,
    #[serde(default)]
    pub takeover_date: Option<String>,
    #[serde(default)]
    pub modernization_date: Option<String>,
    #[serde(default)]
    pub floors_served: Option<i64>,
    #[serde(default)]
    pub rise_m: Option<f64>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub connected: Option<bool>,
    #[serde(default)]
    pub emergency_phone: Option<String>,
    #[serde(default)]
    pub service_label: Option<String>,
    /// On the building's step-free route (default false).
    #[serde(default)]
    pub accessible_route: Option<bool>,
    /// Carries most of the building's traffic (default false).
    #[serde(default)]
    pub high_traffic: Option<bool>,
}

impl UnitInput {
    pub fn validated(self) -> Result<Self, Invalid> {
        let text = |field, v: Option<String>| optional_text(field, v.as_deref(), 200);
        let date = |field, v: Option<String>| -> Result<Option<NaiveDate>, Invalid> {
            text(field, v)?.map(|d| parse_date(field, &d)).transpose()
        };
        let install = date("install_date", self.install_date)?;
        let takeover = date("takeover_date", self.takeover_date)?;
        let modernized = date("modernization_date", self.modernization_date)?;
        if let Some(i) = install {
            for (field, d) in [
                ("takeover_date", takeover),
                ("modernization_date", modernized),
            ] {
                if let Some(d) = d.filter(|d| *d < i) {
                    return Err(Invalid::new(
                        field,
                        format!("{d} is before install_date {i}"),
                    ));
                }
            }
        }
        if let Some(n) = self.floors_served.filter(|n| !(1..=300).contains(n)) {
            return Err(Invalid::new(
                "floors_served",
                format!("{n} is not between 1 and 300"),
            ));
        }
        if let Some(r) = self
            .rise_m
            .filter(|r| !(r.is_finite() && *r >= 0.0 && *r <= 1000.0))
        {
            return Err(Invalid::new(
                "rise_m",
                format!("{r} is not between 0 and 1000 m"),
            ));
        }
        Ok(Self {
            building_id: self.building_id,
            kind: UnitKind::parse(&self.kind)?.as_str().to_string(),
            equipment_number: EquipmentNumber::parse(&self.equipment_number)?.into_inner(),
            name: text("name", self.name)?,
            manufacturer: text("manufacturer", self.manufacturer)?,
            model: text("model", self.model)?,
            controller_type: text("controller_type", self.controller_type)?,
            drive_type: text("drive_type", self.drive_type)?,
            door_operator_model: text("door_operator_model", self.door_operator_model)?,
            install_date: install.map(|d| d.to_string()),
            takeover_date: takeover.map(|d| d.to_string()),
            modernization_date: modernized.map(|d| d.to_string()),
            floors_served: self.floors_served,
            rise_m: self.rise_m,
            location: text("location", self.location)?,
            connected: Some(self.connected.unwrap_or(false)),
            emergency_phone: text("emergency_phone", self.emergency_phone)?
                .map(|p| parse_phone("emergency_phone", &p))
                .transpose()?,
            service_label: optional_text("service_label", self.service_label.as_deref(), 500)?,
            accessible_route: Some(self.accessible_route.unwrap_or(false)),
            high_traffic: Some(self.high_traffic.unwrap_or(false)),
        })
    }
}

impl From<&Unit> for UnitInput {
    fn from(u: &Unit) -> Self {
        Self {
            building_id: u.building_id,
            kind: u.kind.as_str().to_string(),
            equipment_number: u.equipment_number.clone(),
            name: u.name.clone(),
            manufacturer: u.manufacturer.clone(),
            model: u.model.clone(),
            controller_type: u.controller_type.clone(),
            drive_type: u.drive_type.clone(),
            door_operator_model: u.door_operator_model.clone(),
            install_date: u.install_date.clone(),
            takeover_date: u.takeover_date.clone(),
            modernization_date: u.modernization_date.clone(),
            floors_served: u.floors_served,
            rise_m: u.rise_m,
            location: u.location.clone(),
            connected: Some(u.connected),
            emergency_phone: u.emergency_phone.clone(),
            service_label: u.service_label.clone(),
            accessible_route: Some(u.accessible_route),
            high_traffic: Some(u.high_traffic),
        }
    }
}

fn from_row(r: &AnyRow) -> Result<Unit> {
    let kind = r.text("kind")?;
    Ok(Unit {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        kind: UnitKind::parse(&kind)?,
        equipment_number: r.text("equipment_number")?,
        name: r.opt_text("name")?,
        manufacturer: r.opt_text("manufacturer")?,
        model: r.opt_text("model")?,
        controller_type: r.opt_text("controller_type")?,
        drive_type: r.opt_text("drive_type")?,
        door_operator_model: r.opt_text("door_operator_model")?,
        install_date: r.opt_text("install_date")?,
        takeover_date: r.opt_text("takeover_date")?,
        modernization_date: r.opt_text("modernization_date")?,
        floors_served: r.opt_int("floors_served")?,
        rise_m: r.opt_float("rise_m")?,
        location: r.opt_text("location")?,
        connected: r.int("connected")? != 0,
        emergency_phone: r.opt_text("emergency_phone")?,
        service_label: r.opt_text("service_label")?,
        accessible_route: r.int("accessible_route")? != 0,
        high_traffic: r.int("high_traffic")? != 0,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// Column list shared by insert and update, in `UnitInput` order.
const COLUMNS: [&str; 17] = [
    "building_id",
    "kind",
    "equipment_number",
    "name",
    "manufacturer",
    "model",
    "controller_type",
    "drive_type",
    "door_operator_model",
    "install_date",
    "takeover_date",
    "modernization_date",
    "floors_served",
    "rise_m",
    "location",
    "connected",
    "emergency_phone",
];

fn bind_values(sql: &mut Sql, u: UnitInput, sep: impl Fn(&mut Sql, &str)) {
    let mut i = 0;
    let mut next = |sql: &mut Sql| {
        sep(sql, COLUMNS[i]);
        i += 1;
    };
    next(sql);
    sql.bind(u.building_id);
    next(sql);
    sql.bind(u.kind);
    next(sql);
    sql.bind(u.equipment_number);
    next(sql);
    sql.bind(u.name);
    next(sql);
    sql.bind(u.manufacturer);
    next(sql);
    sql.bind(u.model);
    next(sql);
    sql.bind(u.controller_type);
    next(sql);
    sql.bind(u.drive_type);
    next(sql);
    sql.bind(u.door_operator_model);
    next(sql);
    sql.bind(u.install_date);
    next(sql);
    sql.bind(u.takeover_date);
    next(sql);
    sql.bind(u.modernization_date);
    next(sql);
    sql.bind(u.floors_served);
    next(sql);
    sql.bind_opt_f64(u.rise_m);
    next(sql);
    sql.bind(u.location);
    next(sql);
    sql.bind(i64::from(u.connected.unwrap_or(false)));
    next(sql);
    sql.bind(u.emergency_phone);
    sql.push(", service_label = ").bind(u.service_label);
    sql.push(", accessible_route = ")
        .bind(i64::from(u.accessible_route.unwrap_or(false)));
    sql.push(", high_traffic = ")
        .bind(i64::from(u.high_traffic.unwrap_or(false)));
}

pub async fn create(db: &Db, scope: &Scope, actor: Actor, input: UnitInput) -> Result<Unit> {
    let u = input.validated()?;
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, u.building_id)
        .await
        .map_err(|_| {
            Invalid::new(
                "building_id",
                format!("building {} not found", u.building_id),
            )
        })?;
    let now = actor.at.timestamp_millis();
    // Insert with the building and customer, then fill the register through
    // the same binding code the update uses.
    let number = u.equipment_number.clone();
    let mut sql = Sql::new("INSERT INTO units (customer_id, building_id, kind, equipment_number, created_at, updated_at) VALUES (");
    sql.bind(building.customer_id)
        .push(", ")
        .bind(u.building_id)
        .push(", ")
        .bind(u.kind.clone());
    sql.push(", ")
        .bind(u.equipment_number.clone())
        .push(", ")
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
                format!("equipment number {number} is already registered"),
            )
        })?
        .int("id")?;
    write_register(&mut tx, id, u, now).await?;
    let created = fetch(&mut *tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(created.customer_id),
        "unit",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

async fn write_register(tx: &mut crate::Tx<'_>, id: i64, u: UnitInput, now: i64) -> Result<()> {
    let number = u.equipment_number.clone();
    let mut sql = Sql::new("UPDATE units SET ");
    bind_values(&mut sql, u, |sql, col| {
        let sep = if col == COLUMNS[0] { "" } else { ", " };
        sql.push(&format!("{sep}{col} = "));
    });
    sql.push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut **tx).await.map_err(|e| {
        StoreError::unique_as_conflict(
            e,
            format!("equipment number {number} is already registered"),
        )
    })?;
    Ok(())
}

pub async fn fetch<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    scope: &Scope,
    id: i64,
) -> Result<Unit> {
    let mut sql = Sql::new("SELECT * FROM units u WHERE u.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let row = sql
        .fetch_optional(ex)
        .await?
        .ok_or(StoreError::NotFound("unit"))?;
    from_row(&row)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Unit> {
    fetch(&db.pool, scope, id).await
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Unit>> {
    f.only(
        "units",
        &[
            "customer_id",
            "portfolio_id",
            "building_id",
            "contract_id",
            "country",
            "kind",
            "q",
        ],
    )?;
    let mut sql = Sql::new("SELECT u.* FROM units u WHERE 1=1");
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND u.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND u.building_id = ").bind(b);
    }
    if let Some(p) = f.portfolio_id {
        sql.push(" AND u.building_id IN (SELECT building_id FROM portfolio_buildings WHERE portfolio_id = ").bind(p).push(")");
    }
    if let Some(c) = f.contract_id {
        sql.push(" AND u.id IN (SELECT unit_id FROM contract_units WHERE contract_id = ")
            .bind(c)
            .push(")");
    }
    if let Some(country) = &f.country {
        sql.push(" AND u.building_id IN (SELECT id FROM buildings WHERE country = ")
            .bind(country.trim().to_uppercase())
            .push(")");
    }
    if let Some(kind) = &f.kind {
        sql.push(" AND u.kind = ")
            .bind(UnitKind::parse(kind)?.as_str().to_string());
    }
    if let Some(like) = f.like() {
        sql.push(" AND (LOWER(u.equipment_number) LIKE ")
            .bind_like(like.clone());
        for col in ["name", "location", "manufacturer", "model"] {
            sql.push(&format!(" OR LOWER(u.{col}) LIKE "))
                .bind_like(like.clone());
        }
        sql.push(" OR u.building_id IN (SELECT id FROM buildings WHERE LOWER(name) LIKE ")
            .bind_like(like.clone());
        sql.push(" OR LOWER(address) LIKE ")
            .bind_like(like)
            .push("))");
    }
    let limit = finish(&mut sql, "u", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(paginate(items, limit, |u| u.id))
}

pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
) -> Result<Unit> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let u = patch::apply(&UnitInput::from(&before), changes)?.validated()?;
    if u.building_id != before.building_id {
        // Moving a unit is allowed only within the same customer.
        let target = buildings::fetch(&mut *tx, scope, u.building_id)
            .await
            .map_err(|_| {
                Invalid::new(
                    "building_id",
                    format!("building {} not found", u.building_id),
                )
            })?;
        patch::immutable("customer_id", &before.customer_id, &target.customer_id)?;
    }
    write_register(&mut tx, id, u, actor.at.timestamp_millis()).await?;
    let after = fetch(&mut *tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "unit",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
