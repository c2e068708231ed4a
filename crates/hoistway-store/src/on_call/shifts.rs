//! The rota: technicians' shifts (`regular`) and on-call entries
//! (`on_call`) per territory (a country, optionally a region). Provider
//! data: no customer owns a shift, so reads take no tenancy scope and the
//! API lets only the provider's staff near them. Every change is audited.

use super::{parse_instant, territory_of};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Duration, Utc};
use hoistway_desk::on_call::{Shift as DeskShift, ShiftKind};
use hoistway_domain::text::optional_text;
use hoistway_domain::{Invalid, Role};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// The longest one rota entry may last (a week's on-call block, with room).
pub const MAX_SHIFT_DAYS: i64 = 14;

/// One rota entry as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shift {
    pub id: i64,
    pub technician_id: i64,
    pub technician_name: String,
    pub starts_at: DateTime<Utc>,
    /// Exclusive.
    pub ends_at: DateTime<Utc>,
    /// `regular` (at work) or `on_call`.
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// A region of the country; `null` is the whole country.
    pub region: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Shift {
    /// The desk's view of it.
    pub fn rule(&self) -> DeskShift {
        DeskShift {
            technician_id: self.technician_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            kind: ShiftKind::parse(&self.kind).unwrap_or(ShiftKind::Regular),
            territory: hoistway_desk::on_call::Territory::new(
                &self.country,
                self.region.as_deref(),
            ),
        }
    }
}

/// A new rota entry, or its replacement.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftInput {
    /// A technician's user id.
    pub technician_id: i64,
    /// RFC 3339 instant, e.g. `2026-12-07T16:00:00Z`.
    pub starts_at: String,
    /// RFC 3339 instant after `starts_at`, at most 14 days later.
    pub ends_at: String,
    /// `regular` or `on_call`.
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A validated input.
struct Valid {
    technician_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    kind: ShiftKind,
    country: String,
    region: Option<String>,
    note: Option<String>,
}

async fn validate(tx: &mut Tx<'_>, input: &ShiftInput) -> Result<Valid> {
    let starts_at = parse_instant("starts_at", &input.starts_at)?;
    let ends_at = parse_instant("ends_at", &input.ends_at)?;
    if ends_at <= starts_at {
        return Err(Invalid::new("ends_at", "must be after starts_at").into());
    }
    if ends_at - starts_at > Duration::days(MAX_SHIFT_DAYS) {
        return Err(Invalid::new(
            "ends_at",
            format!("a rota entry lasts at most {MAX_SHIFT_DAYS} days"),
        )
        .into());
    }
    let kind = ShiftKind::parse(&input.kind)
        .ok_or_else(|| Invalid::new("kind", "must be regular or on_call"))?;
    let (country, region) = territory_of(&input.country, input.region.as_deref())?;
    let note = optional_text("note", input.note.as_deref(), 500)?;
    let mut user = Sql::new("SELECT role, disabled FROM users WHERE id = ");
    user.bind(input.technician_id);
    let is_tech = match user.fetch_optional(&mut **tx).await? {
        Some(r) => {
            Role::parse(&r.text("role")?).ok() == Some(Role::Technician) && r.int("disabled")? == 0
        }
        None => false,
    };
    if !is_tech {
        return Err(Invalid::new("technician_id", "not an active technician").into());
    }
    Ok(Valid {
        technician_id: input.technician_id,
        starts_at,
        ends_at,
        kind,
        country,
        region,
        note,
    })
}

fn from_row(r: &AnyRow) -> Result<Shift> {
    Ok(Shift {
        id: r.int("id")?,
        technician_id: r.int("technician_id")?,
        technician_name: r.text("technician_name")?,
        starts_at: r.instant("starts_at")?,
        ends_at: r.instant("ends_at")?,
        kind: r.text("kind")?,
        country: r.text("country")?,
        region: r.opt_text("region")?,
        note: r.opt_text("note")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

const SELECT: &str =
    "SELECT s.*, u.name AS technician_name FROM shifts s JOIN users u ON u.id = s.technician_id";

async fn fetch(tx: &mut Tx<'_>, id: i64) -> Result<Shift> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE s.id = ").bind(id);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("shift"))?;
    from_row(&row)
}

pub async fn get(db: &Db, id: i64) -> Result<Shift> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, id).await
}

/// Which rota entries to list: those overlapping `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct ShiftWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub country: Option<String>,
    pub technician_id: Option<i64>,
}

/// The most entries one list answers (a quarter of a busy rota).
pub const LIST_LIMIT: i64 = 2000;

/// Rota entries overlapping the window, by start.
pub async fn list(
    ex: impl sqlx::Executor<'_, Database = sqlx::Any>,
    w: &ShiftWindow,
) -> Result<Vec<Shift>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE s.ends_at > ")
        .bind(w.from.timestamp_millis())
        .push(" AND s.starts_at < ")
        .bind(w.to.timestamp_millis());
    if let Some(c) = &w.country {
        sql.push(" AND s.country = ").bind(c.to_ascii_uppercase());
    }
    if let Some(t) = w.technician_id {
        sql.push(" AND s.technician_id = ").bind(t);
    }
    sql.push(" ORDER BY s.starts_at, s.id LIMIT ")
        .bind(LIST_LIMIT);
    sql.fetch_all(ex).await?.iter().map(from_row).collect()
}

/// Refuses a second entry of the same kind for the same technician and
/// country over the same time: a rota that says it twice is a mistake.
async fn refuse_overlap(tx: &mut Tx<'_>, v: &Valid, except: Option<i64>) -> Result<()> {
    let mut sql = Sql::new("SELECT id FROM shifts WHERE technician_id = ");
    sql.bind(v.technician_id)
        .push(" AND kind = ")
        .bind(v.kind.as_str().to_string())
        .push(" AND country = ")
        .bind(v.country.clone())
        .push(" AND starts_at < ")
        .bind(v.ends_at.timestamp_millis())
        .push(" AND ends_at > ")
        .bind(v.starts_at.timestamp_millis());
    if let Some(id) = except {
        sql.push(" AND id <> ").bind(id);
    }
    if let Some(r) = sql.fetch_optional(&mut **tx).await? {
        return Err(StoreError::Conflict(format!(
            "overlaps rota entry {} of the same technician, kind and country",
            r.int("id")?
        )));
    }
    Ok(())
}

/// Adds a rota entry inside the caller's transaction (the demo adds many).
pub async fn create_in(tx: &mut Tx<'_>, actor: Actor, input: &ShiftInput) -> Result<Shift> {
    let v = validate(tx, input).await?;
    refuse_overlap(tx, &v, None).await?;
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new("INSERT INTO shifts (technician_id, starts_at, ends_at, kind, country, region, note, created_at, updated_at) VALUES (");
    sql.bind(v.technician_id)
        .push(", ")
        .bind(v.starts_at.timestamp_millis())
        .push(", ")
        .bind(v.ends_at.timestamp_millis())
        .push(", ")
        .bind(v.kind.as_str().to_string());
    sql.push(", ")
        .bind(v.country)
        .push(", ")
        .bind(v.region)
        .push(", ")
        .bind(v.note)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut **tx).await?.int("id")?;
    let shift = fetch(tx, id).await?;
    audit::record(
        tx,
        actor,
        None,
        "shift",
        id,
        "create",
        None::<&()>,
        Some(&shift),
    )
    .await?;
    Ok(shift)
}

pub async fn create(db: &Db, actor: Actor, input: ShiftInput) -> Result<Shift> {
    let mut tx = db.begin().await?;
    let shift = create_in(&mut tx, actor, &input).await?;
    tx.commit().await?;
    Ok(shift)
}

/// Replaces a rota entry.
pub async fn replace(db: &Db, actor: Actor, id: i64, input: ShiftInput) -> Result<Shift> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let v = validate(&mut tx, &input).await?;
    refuse_overlap(&mut tx, &v, Some(id)).await?;
    let mut sql = Sql::new("UPDATE shifts SET technician_id = ");
    sql.bind(v.technician_id)
        .push(", starts_at = ")
        .bind(v.starts_at.timestamp_millis())
        .push(", ends_at = ")
        .bind(v.ends_at.timestamp_millis())
        .push(", kind = ")
        .bind(v.kind.as_str().to_string());
    sql.push(", country = ")
        .bind(v.country)
        .push(", region = ")
        .bind(v.region)
        .push(", note = ")
        .bind(v.note)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "shift",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes a rota entry.
pub async fn delete(db: &Db, actor: Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let mut sql = Sql::new("DELETE FROM shifts WHERE id = ");
    sql.bind(id);
    sql.execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "shift",
        id,
        "delete",
        Some(&before),
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
