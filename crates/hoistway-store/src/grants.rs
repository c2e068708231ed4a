//! Resident access: who may call lifts in which building and to which areas.
//!
//! Grants form an invitation chain. A customer admin (or provider admin)
//! grants facility users (property managers, front desk) and residents
//! access to a building, to all areas or a list of them; a facility user
//! passes access on to residents, within the areas of their own grant,
//! which becomes the new grant's parent. Every grant records who gave it.
//! Revoking a grant revokes its whole subtree; disabling a user revokes the
//! grants they hold and everything they gave ([`revoke_for_user`], called
//! in the transaction that disables them). Each revocation is audited.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{paginate, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, users, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::{Invalid, Role, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// One access grant.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Grant {
    pub id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    /// Who may call lifts.
    pub user_id: i64,
    /// Who gave the grant (`null` when the system did).
    pub granted_by: Option<i64>,
    /// The granter's own grant this one was passed on from.
    pub parent_id: Option<i64>,
    /// Every area of the building, now and after topology changes.
    pub all_areas: bool,
    /// The areas, when not all.
    pub area_ids: Vec<u32>,
    pub created_at: DateTime<Utc>,
    pub active: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<i64>,
    /// `revoked`, `parent_revoked`, `user_disabled` or `granter_disabled`.
    pub revoke_reason: Option<String>,
}

/// What a client sends to grant access.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub building_id: i64,
    pub user_id: i64,
    /// Areas the user may call from and to; leave out for every area (a
    /// facility user passing on a limited grant passes on its areas).
    #[serde(default)]
    pub area_ids: Option<Vec<u32>>,
}

/// Filters of the grant list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GrantFilter {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub customer_id: Option<i64>,
    pub building_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Only active (true) or only revoked (false) grants.
    pub active: Option<bool>,
}

/// Which areas a user may call between in a building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Areas {
    All,
    Only(BTreeSet<u32>),
}

impl Areas {
    pub fn allows(&self, area: u32) -> bool {
        match self {
            Areas::All => true,
            Areas::Only(s) => s.contains(&area),
        }
    }
}

/// Who may give a grant to whom: admins to any facility user or resident of
/// the customer; facility users to residents only.
pub fn may_invite(granter: Role, grantee: Role) -> bool {
    let receives = matches!(
        grantee,
        Role::PropertyManager | Role::FrontDesk | Role::Resident
    );
    match granter {
        Role::ProviderAdmin | Role::CustomerAdmin => receives,
        Role::PropertyManager | Role::FrontDesk => grantee == Role::Resident,
        _ => false,
    }
}

/// Whether the role gives root grants (not passed on from one of its own).
pub fn grants_as_root(granter: Role) -> bool {
    matches!(granter, Role::ProviderAdmin | Role::CustomerAdmin)
}

fn from_row(r: &AnyRow, area_ids: Vec<u32>) -> Result<Grant, sqlx::Error> {
    let revoked_at = r.opt_int("revoked_at")?.map(crate::row::from_millis);
    Ok(Grant {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        user_id: r.int("user_id")?,
        granted_by: r.opt_int("granted_by")?,
        parent_id: r.opt_int("parent_id")?,
        all_areas: r.int("all_areas")? != 0,
        area_ids,
        created_at: r.instant("created_at")?,
        active: revoked_at.is_none(),
        revoked_at,
        revoked_by: r.opt_int("revoked_by")?,
        revoke_reason: r.opt_text("revoke_reason")?,
    })
}

async fn areas_of(conn: &mut AnyConnection, grant: i64) -> Result<Vec<u32>> {
    let mut sql = Sql::new("SELECT area_id FROM access_grant_areas WHERE grant_id = ");
    sql.bind(grant).push(" ORDER BY area_id");
    let rows = sql.fetch_all(&mut *conn).await?;
    Ok(rows
        .iter()
        .map(|r| r.int("area_id").map(|a| a as u32))
        .collect::<Result<_, _>>()?)
}

async fn fetch(conn: &mut AnyConnection, scope: &Scope, id: i64) -> Result<Grant> {
    let mut sql = Sql::new("SELECT * FROM access_grants g WHERE g.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "g", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("access grant"))?;
    let areas = areas_of(conn, id).await?;
    Ok(from_row(&row, areas)?)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Grant> {
    let mut conn = db.pool.acquire().await?;
    fetch(&mut conn, scope, id).await
}

/// The active grant of a user in a building, if any.
async fn active_of(conn: &mut AnyConnection, user: i64, building: i64) -> Result<Option<Grant>> {
    let mut sql = Sql::new("SELECT * FROM access_grants WHERE user_id = ");
    sql.bind(user)
        .push(" AND building_id = ")
        .bind(building)
        .push(" AND revoked_at IS NULL ORDER BY id LIMIT 1");
    let Some(row) = sql.fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let id = row.int("id")?;
    let areas = areas_of(conn, id).await?;
    Ok(Some(from_row(&row, areas)?))
}

/// The areas a user may call between in a building; `None` without an
/// active grant.
pub async fn allowed_areas(db: &Db, user: i64, building: i64) -> Result<Option<Areas>> {
    let mut conn = db.pool.acquire().await?;
    Ok(active_of(&mut conn, user, building).await?.map(|g| {
        if g.all_areas {
            Areas::All
        } else {
            Areas::Only(g.area_ids.into_iter().collect())
        }
    }))
}

/// Gives a grant on behalf of `granter` (the signed-in user).
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    granter: (i64, Role),
    input: GrantInput,
) -> Result<Grant> {
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, input.building_id).await?;
    let not_found = || Invalid::new("user_id", format!("user {} not found", input.user_id));
    let grantee = users::fetch(&mut tx, scope, input.user_id)
        .await
        .map_err(|_| not_found())?;
    if grantee.customer_id != Some(building.customer_id) {
        return Err(not_found().into());
    }
    if grantee.disabled {
        return Err(Invalid::new("user_id", "the user is disabled").into());
    }
    if !may_invite(granter.1, grantee.role) {
        return Err(Invalid::new(
            "user_id",
            format!(
                "a {} may not give building access to a {}",
                granter.1, grantee.role
            ),
        )
        .into());
    }
    let mut areas: Option<BTreeSet<u32>> = input.area_ids.map(|a| a.into_iter().collect());
    if let Some(a) = &areas {
        if a.is_empty() {
            return Err(Invalid::new(
                "area_ids",
                "list at least one area, or leave it out for all",
            )
            .into());
        }
        let known = topology_areas(&mut tx, building.id).await?;
        if let Some(missing) = a.iter().find(|id| !known.contains(id)) {
            return Err(Invalid::new(
                "area_ids",
                format!("area {missing} does not exist in building {}", building.id),
            )
            .into());
        }
    }
    let parent = if grants_as_root(granter.1) {
        None
    } else {
        let own = active_of(&mut tx, granter.0, building.id)
            .await?
            .ok_or_else(|| {
                Invalid::new(
                    "building_id",
                    format!("you hold no access to building {} to pass on", building.id),
                )
            })?;
        if !own.all_areas {
            let mine: BTreeSet<u32> = own.area_ids.iter().copied().collect();
            match &areas {
                None => areas = Some(mine),
                Some(a) => {
                    if let Some(x) = a.iter().find(|x| !mine.contains(x)) {
                        return Err(Invalid::new(
                            "area_ids",
                            format!("area {x} is outside your own access"),
                        )
                        .into());
                    }
                }
            }
        }
        Some(own.id)
    };
    if active_of(&mut tx, grantee.id, building.id).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "user {} already has access to building {}; revoke it first to change it",
            grantee.id, building.id
        )));
    }
    let mut sql = Sql::new("INSERT INTO access_grants (customer_id, building_id, user_id, granted_by, parent_id, all_areas, created_at) VALUES (");
    sql.bind(building.customer_id)
        .push(", ")
        .bind(building.id)
        .push(", ")
        .bind(grantee.id)
        .push(", ")
        .bind(actor.user_id);
    sql.push(", ")
        .bind(parent)
        .push(", ")
        .bind(i64::from(areas.is_none()))
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    for a in areas.iter().flatten() {
        let mut sql = Sql::new("INSERT INTO access_grant_areas (grant_id, area_id) VALUES (");
        sql.bind(id).push(", ").bind(i64::from(*a)).push(")");
        sql.execute(&mut *tx).await?;
    }
    let created = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(created.customer_id),
        "access_grant",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

async fn topology_areas(tx: &mut Tx<'_>, building: i64) -> Result<BTreeSet<u32>> {
    let mut sql = Sql::new("SELECT area_id FROM topology_areas WHERE building_id = ");
    sql.bind(building);
    let rows = sql.fetch_all(&mut **tx).await?;
    Ok(rows
        .iter()
        .map(|r| r.int("area_id").map(|a| a as u32))
        .collect::<Result<_, _>>()?)
}

pub async fn list(db: &Db, scope: &Scope, f: &GrantFilter) -> Result<Page<Grant>> {
    let filter = crate::ListFilter {
        cursor: f.cursor.clone(),
        limit: f.limit,
        ..Default::default()
    };
    let limit = filter.limit()?;
    let mut sql = Sql::new("SELECT g.* FROM access_grants g WHERE 1=1");
    restrict(&mut sql, scope, "g", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND g.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND g.building_id = ").bind(b);
    }
    if let Some(u) = f.user_id {
        sql.push(" AND g.user_id = ").bind(u);
    }
    match f.active {
        Some(true) => sql.push(" AND g.revoked_at IS NULL"),
        Some(false) => sql.push(" AND g.revoked_at IS NOT NULL"),
        None => &mut sql,
    };
    sql.push(" AND g.id > ").bind(filter.after_id()?);
    sql.push(" ORDER BY g.id LIMIT ").bind(limit + 1);
    let mut conn = db.pool.acquire().await?;
    let rows = sql.fetch_all(&mut *conn).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let areas = areas_of(&mut conn, r.int("id")?).await?;
        items.push(from_row(r, areas)?);
    }
    Ok(paginate(items, limit, |g| g.id))
}

/// Whether `user` gave grant `id` or one of its ancestors (so may revoke it).
pub async fn given_under(db: &Db, id: i64, user: i64) -> Result<bool> {
    let mut conn = db.pool.acquire().await?;
    let mut next = Some(id);
    // The chain is short (admin → facility user → resident); the bound only
    // guards against a cycle that bad data could hold.
    for _ in 0..16 {
        let Some(g) = next else { break };
        let mut sql = Sql::new("SELECT granted_by, parent_id FROM access_grants WHERE id = ");
        sql.bind(g);
        let Some(r) = sql.fetch_optional(&mut *conn).await? else {
            break;
        };
        if r.opt_int("granted_by")? == Some(user) {
            return Ok(true);
        }
        next = r.opt_int("parent_id")?;
    }
    Ok(false)
}

/// Revokes a grant and every grant passed on from it.
pub async fn revoke(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<Grant> {
    let mut tx = db.begin().await?;
    let g = fetch(&mut tx, scope, id).await?;
    if !g.active {
        return Err(StoreError::Conflict(format!(
            "access grant {id} is already revoked"
        )));
    }
    cascade(&mut tx, actor, id, "revoked").await?;
    let after = fetch(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Revokes the grants a user holds and every grant they gave, with their
/// subtrees; for the transaction that disables the user.
pub async fn revoke_for_user(tx: &mut Tx<'_>, actor: Actor, user: i64) -> Result<usize> {
    let mut revoked = 0;
    // What they gave first, so those grants say why they ended.
    for (column, reason) in [
        ("granted_by", "granter_disabled"),
        ("user_id", "user_disabled"),
    ] {
        let mut sql = Sql::new(&format!(
            "SELECT id FROM access_grants WHERE revoked_at IS NULL AND {column} = "
        ));
        sql.bind(user).push(" ORDER BY id");
        let ids: Vec<i64> = sql
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|r| r.int("id"))
            .collect::<Result<_, _>>()?;
        for id in ids {
            revoked += cascade(tx, actor, id, reason).await?;
        }
    }
    Ok(revoked)
}

/// Revokes `root` (with `reason`) and its active descendants (with
/// `parent_revoked`), one audit row each; returns how many were revoked.
async fn cascade(tx: &mut Tx<'_>, actor: Actor, root: i64, reason: &str) -> Result<usize> {
    let mut todo = vec![(root, reason)];
    let mut count = 0;
    while let Some((id, why)) = todo.pop() {
        let before = fetch(tx, &Scope::All, id).await?;
        if !before.active {
            continue;
        }
        let mut sql = Sql::new("UPDATE access_grants SET revoked_at = ");
        sql.bind(actor.at.timestamp_millis())
            .push(", revoked_by = ")
            .bind(actor.user_id)
            .push(", revoke_reason = ")
            .bind(why.to_string());
        sql.push(" WHERE id = ").bind(id);
        sql.execute(&mut **tx).await?;
        let after = fetch(tx, &Scope::All, id).await?;
        audit::record(
            tx,
            actor,
            Some(after.customer_id),
            "access_grant",
            id,
            "revoke",
            Some(&before),
            Some(&after),
        )
        .await?;
        count += 1;
        let mut sql =
            Sql::new("SELECT id FROM access_grants WHERE revoked_at IS NULL AND parent_id = ");
        sql.bind(id);
        for r in sql.fetch_all(&mut **tx).await? {
            todo.push((r.int("id")?, "parent_revoked"));
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_chain() {
        assert!(may_invite(Role::CustomerAdmin, Role::PropertyManager));
        assert!(may_invite(Role::CustomerAdmin, Role::Resident));
        assert!(may_invite(Role::ProviderAdmin, Role::FrontDesk));
        assert!(may_invite(Role::FrontDesk, Role::Resident));
        assert!(may_invite(Role::PropertyManager, Role::Resident));
        assert!(!may_invite(Role::PropertyManager, Role::FrontDesk));
        assert!(!may_invite(Role::Resident, Role::Resident));
        assert!(!may_invite(Role::CustomerAdmin, Role::CustomerAdmin));
        assert!(!may_invite(Role::CustomerAdmin, Role::Finance));
        assert!(!may_invite(Role::Operator, Role::Resident));
        assert!(grants_as_root(Role::CustomerAdmin) && !grants_as_root(Role::FrontDesk));
        let some = Areas::Only([1000, 2000].into_iter().collect());
        assert!(some.allows(2000) && !some.allows(3000) && Areas::All.allows(3000));
    }
}
