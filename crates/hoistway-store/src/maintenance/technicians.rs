//! Technician profiles: the territory (countries, optionally regions) and
//! skills (unit kinds) the scheduler assigns by, and the weekly capacity it
//! balances against. Only users with the technician role have one.

use super::{scheduler, split_list};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::text::{required_text, CountryCode};
use hoistway_domain::{Invalid, Role};
use hoistway_maintenance::schedule::Technician;
use serde::{Deserialize, Serialize};

/// Default planned work per week: 32 h, leaving room for call-outs.
pub const DEFAULT_WEEKLY_CAPACITY_MIN: u32 = 32 * 60;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TechnicianProfile {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub skills: Vec<UnitKind>,
    pub weekly_capacity_min: u32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    /// Unit kinds: elevator, escalator, door.
    pub skills: Vec<String>,
    pub weekly_capacity_min: Option<u32>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<TechnicianProfile> {
    Ok(TechnicianProfile {
        user_id: r.int("user_id")?,
        name: r.text("name")?,
        email: r.text("email")?,
        countries: split_list(&r.text("countries")?),
        regions: split_list(&r.text("regions")?),
        skills: split_list(&r.text("skills")?)
            .iter()
            .map(|s| UnitKind::parse(s))
            .collect::<Result<_, _>>()?,
        weekly_capacity_min: r.int("weekly_capacity_min")? as u32,
        updated_at: r.instant("updated_at")?,
    })
}

const SELECT: &str =
    "SELECT p.*, u.name, u.email FROM technician_profiles p JOIN users u ON u.id = p.user_id";

async fn fetch(tx: &mut Tx<'_>, user_id: i64) -> Result<Option<TechnicianProfile>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE p.user_id = ").bind(user_id);
    sql.fetch_optional(&mut **tx)
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

pub async fn get(db: &Db, user_id: i64) -> Result<TechnicianProfile> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, user_id)
        .await?
        .ok_or(StoreError::NotFound("technician profile"))
}

pub async fn list(db: &Db) -> Result<Vec<TechnicianProfile>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" ORDER BY p.user_id");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Creates or replaces a technician's profile and reschedules every plan,
/// since who can take which visit has changed.
pub async fn set(
    db: &Db,
    actor: Actor,
    user_id: i64,
    input: ProfileInput,
) -> Result<TechnicianProfile> {
    let countries = input
        .countries
        .iter()
        .map(|c| CountryCode::parse(c).map(|c| c.into_inner()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.in_field("countries"))?;
    if countries.is_empty() {
        return Err(Invalid::new("countries", "name at least one country").into());
    }
    let regions = input
        .regions
        .iter()
        .map(|r| required_text("regions", &r.replace(',', " "), 100))
        .collect::<Result<Vec<_>, _>>()?;
    let mut skills = input
        .skills
        .iter()
        .map(|s| UnitKind::parse(s).map_err(|e| e.in_field("skills")))
        .collect::<Result<Vec<_>, _>>()?;
    skills.sort_by_key(|k| k.as_str());
    skills.dedup();
    if skills.is_empty() {
        return Err(Invalid::new("skills", "name at least one unit kind").into());
    }
    let capacity = input
        .weekly_capacity_min
        .unwrap_or(DEFAULT_WEEKLY_CAPACITY_MIN);
    if !(60..=4800).contains(&capacity) {
        return Err(
            Invalid::new("weekly_capacity_min", "must be between 60 and 4800 minutes").into(),
        );
    }
    let mut tx = db.begin().await?;
    let mut user = Sql::new("SELECT role FROM users WHERE id = ");
    user.bind(user_id);
    let role = user
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("user"))?
        .text("role")?;
    if Role::parse(&role)? != Role::Technician {
        return Err(Invalid::new(
            "user_id",
            format!("user {user_id} is a {role}; only technicians have a profile"),
        )
        .into());
    }
    let before = fetch(&mut tx, user_id).await?;
    let mut del = Sql::new("DELETE FROM technician_profiles WHERE user_id = ");
    del.bind(user_id);
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new("INSERT INTO technician_profiles (user_id, countries, regions, skills, weekly_capacity_min, updated_at) VALUES (");
    ins.bind(user_id)
        .push(", ")
        .bind(countries.join(","))
        .push(", ")
        .bind(regions.join(","));
    ins.push(", ")
        .bind(
            skills
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(","),
        )
        .push(", ")
        .bind(i64::from(capacity))
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(")");
    ins.execute(&mut *tx).await?;
    let after = fetch(&mut tx, user_id)
        .await?
        .ok_or(StoreError::NotFound("technician profile"))?;
    audit::record(
        &mut tx,
        actor,
        None,
        "technician_profile",
        user_id,
        if before.is_some() { "update" } else { "create" },
        before.as_ref(),
        Some(&after),
    )
    .await?;
    scheduler::schedule_units(&mut tx, actor, &Default::default(), None).await?;
    tx.commit().await?;
    Ok(after)
}

/// Active technicians with a profile, as the scheduler sees them.
pub(crate) async fn load_for_scheduler(tx: &mut Tx<'_>) -> Result<Vec<Technician>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE u.role = 'technician' AND u.disabled = 0 ORDER BY p.user_id");
    let rows = sql.fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            let p = from_row(r)?;
            Ok(Technician {
                id: p.user_id,
                countries: p.countries,
                regions: p.regions,
                skills: p.skills,
                weekly_capacity_min: p.weekly_capacity_min,
            })
        })
        .collect()
}

/// What a technician has on now, for the dispatcher choosing who goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Workload {
    /// Open service cases assigned to them.
    pub open_cases: i64,
    /// One of those with the technician on site now.
    pub on_site: bool,
    /// Maintenance visits planned or under way in `[from, to)`.
    pub visits: i64,
}

/// Every technician's workload: open cases now and visits planned in
/// `[from, to)` (the dispatcher's day), keyed by user id.
pub async fn workloads(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<std::collections::HashMap<i64, Workload>> {
    let mut out: std::collections::HashMap<i64, Workload> = std::collections::HashMap::new();
    let cases = Sql::new(
        "SELECT technician_id, COUNT(*) AS n, \
         SUM(CASE WHEN status = 'on_site' THEN 1 ELSE 0 END) AS here \
         FROM cases WHERE technician_id IS NOT NULL \
         AND status NOT IN ('resolved', 'closed', 'cancelled') GROUP BY technician_id",
    );
    for r in cases.fetch_all(&db.pool).await? {
        let w = out.entry(r.int("technician_id")?).or_default();
        w.open_cases = r.int("n")?;
        w.on_site = r.int("here")? > 0;
    }
    let mut visits = Sql::new(
        "SELECT technician_id, COUNT(*) AS n FROM visits WHERE technician_id IS NOT NULL \
         AND status IN ('planned', 'in_progress') AND planned_for >= ",
    );
    visits
        .bind(from.timestamp_millis())
        .push(" AND planned_for < ")
        .bind(to.timestamp_millis())
        .push(" GROUP BY technician_id");
    for r in visits.fetch_all(&db.pool).await? {
        out.entry(r.int("technician_id")?).or_default().visits = r.int("n")?;
    }
    Ok(out)
}
