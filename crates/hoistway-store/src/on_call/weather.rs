//! Declared extreme-weather periods (seed 000: on-call coverage "during
//! holidays and extreme weather events"): a territory, `[from, until)`, a
//! note and who declared it. While one covers a building, only technicians
//! on a shift are offered for its cases, travel estimates are slowed and
//! the desk shows a banner. Every change is audited.

use super::{parse_instant, territory_of};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Duration, Utc};
use hoistway_desk::on_call::{Territory, WeatherPeriod as DeskPeriod};
use hoistway_domain::text::required_text;
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// The longest one declaration may last; a longer event is declared again.
pub const MAX_PERIOD_DAYS: i64 = 14;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeatherPeriod {
    pub id: i64,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// A region of the country; `null` is the whole country.
    pub region: Option<String>,
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub until: DateTime<Utc>,
    pub note: String,
    pub declared_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WeatherPeriod {
    pub fn rule(&self) -> DeskPeriod {
        DeskPeriod {
            territory: Territory::new(&self.country, self.region.as_deref()),
            from: self.from,
            until: self.until,
        }
    }
}

/// A declaration, or its replacement.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeatherInput {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[serde(default)]
    pub region: Option<String>,
    /// RFC 3339 instant.
    pub from: String,
    /// RFC 3339 instant after `from`, at most 14 days later.
    pub until: String,
    /// What is happening, e.g. "Snow storm, roads closed in the north".
    pub note: String,
}

fn from_row(r: &AnyRow) -> Result<WeatherPeriod> {
    Ok(WeatherPeriod {
        id: r.int("id")?,
        country: r.text("country")?,
        region: r.opt_text("region")?,
        from: r.instant("from_at")?,
        until: r.instant("until_at")?,
        note: r.text("note")?,
        declared_by: r.opt_int("declared_by")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn fetch(tx: &mut Tx<'_>, id: i64) -> Result<WeatherPeriod> {
    let mut sql = Sql::new("SELECT * FROM extreme_weather WHERE id = ");
    sql.bind(id);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("extreme weather period"))?;
    from_row(&row)
}

pub async fn get(db: &Db, id: i64) -> Result<WeatherPeriod> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, id).await
}

/// Periods overlapping `[from, to)`, optionally of one country, by start.
pub async fn list(
    ex: impl sqlx::Executor<'_, Database = sqlx::Any>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    country: Option<&str>,
) -> Result<Vec<WeatherPeriod>> {
    let mut sql = Sql::new("SELECT * FROM extreme_weather WHERE until_at > ");
    sql.bind(from.timestamp_millis())
        .push(" AND from_at < ")
        .bind(to.timestamp_millis());
    if let Some(c) = country {
        sql.push(" AND country = ").bind(c.to_ascii_uppercase());
    }
    sql.push(" ORDER BY from_at, id LIMIT 1000");
    sql.fetch_all(ex).await?.iter().map(from_row).collect()
}

struct Valid {
    country: String,
    region: Option<String>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    note: String,
}

fn validate(input: &WeatherInput) -> Result<Valid> {
    let (country, region) = territory_of(&input.country, input.region.as_deref())?;
    let from = parse_instant("from", &input.from)?;
    let until = parse_instant("until", &input.until)?;
    if until <= from {
        return Err(Invalid::new("until", "must be after from").into());
    }
    if until - from > Duration::days(MAX_PERIOD_DAYS) {
        return Err(Invalid::new(
            "until",
            format!("a declaration lasts at most {MAX_PERIOD_DAYS} days; declare again"),
        )
        .into());
    }
    let note = required_text("note", &input.note, 1000)?;
    Ok(Valid {
        country,
        region,
        from,
        until,
        note,
    })
}

/// Declares extreme weather, inside the caller's transaction.
pub async fn declare_in(
    tx: &mut Tx<'_>,
    actor: Actor,
    input: &WeatherInput,
) -> Result<WeatherPeriod> {
    let v = validate(input)?;
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new("INSERT INTO extreme_weather (country, region, from_at, until_at, note, declared_by, created_at, updated_at) VALUES (");
    sql.bind(v.country)
        .push(", ")
        .bind(v.region)
        .push(", ")
        .bind(v.from.timestamp_millis())
        .push(", ")
        .bind(v.until.timestamp_millis());
    sql.push(", ")
        .bind(v.note)
        .push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut **tx).await?.int("id")?;
    let p = fetch(tx, id).await?;
    audit::record(
        tx,
        actor,
        None,
        "extreme_weather",
        id,
        "declare",
        None::<&()>,
        Some(&p),
    )
    .await?;
    Ok(p)
}

pub async fn declare(db: &Db, actor: Actor, input: WeatherInput) -> Result<WeatherPeriod> {
    let mut tx = db.begin().await?;
    let p = declare_in(&mut tx, actor, &input).await?;
    tx.commit().await?;
    Ok(p)
}

/// Replaces a declaration (e.g. the storm lasts longer).
pub async fn replace(db: &Db, actor: Actor, id: i64, input: WeatherInput) -> Result<WeatherPeriod> {
    let v = validate(&input)?;
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let mut sql = Sql::new("UPDATE extreme_weather SET country = ");
    sql.bind(v.country)
        .push(", region = ")
        .bind(v.region)
        .push(", from_at = ")
        .bind(v.from.timestamp_millis())
        .push(", until_at = ")
        .bind(v.until.timestamp_millis());
    sql.push(", note = ")
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
        "extreme_weather",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Withdraws a declaration.
pub async fn delete(db: &Db, actor: Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, id).await?;
    let mut sql = Sql::new("DELETE FROM extreme_weather WHERE id = ");
    sql.bind(id);
    sql.execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "extreme_weather",
        id,
        "delete",
        Some(&before),
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
