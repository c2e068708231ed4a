//! User accounts. Password hashes are written and read here but never leave
//! in a [`User`]: the API shape cannot leak them.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::text::{optional_text, parse_phone, required_text, Email, TimeZoneName};
use hoistway_domain::{Invalid, Role, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    pub phone: Option<String>,
    pub portfolio_ids: Vec<i64>,
    pub disabled: bool,
    /// Invited and not yet signed up: the account has no password yet.
    pub invitation_pending: bool,
    /// The portal's language (BCP 47; `en` is the one there is today).
    pub language: String,
    /// IANA zone for times not tied to a building (`None`: UTC).
    pub timezone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client sends to create a user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    /// At least 10 characters.
    pub password: String,
    #[serde(default)]
    pub portfolio_ids: Vec<i64>,
}

/// The languages the portal speaks: code and name in that language.
pub const LANGUAGES: [(&str, &str); 1] = [("en", "English")];

/// What a client may change on a user.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub name: Option<String>,
    /// A new sign-in address (unique).
    pub email: Option<String>,
    pub phone: Option<String>,
    /// One of [`LANGUAGES`].
    pub language: Option<String>,
    /// IANA zone; empty to go back to building zones and UTC.
    pub timezone: Option<String>,
    pub role: Option<String>,
    pub password: Option<String>,
    pub portfolio_ids: Option<Vec<i64>>,
    pub disabled: Option<bool>,
}

/// A user ready to be written: validated, password already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub portfolio_ids: Vec<i64>,
}

/// Checks a password's strength rules (length only: long passphrases beat
/// composition rules).
pub fn check_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < 10 {
        Err(Invalid::new("password", "must be at least 10 characters"))
    } else if n > 1024 {
        Err(Invalid::new("password", "must be at most 1024 characters"))
    } else {
        Ok(())
    }
}

impl UserInput {
    /// Validates everything but the password hash, which the caller computes
    /// (hashing is slow on purpose and belongs outside the transaction).
    pub fn validated(self, password_hash: impl FnOnce(&str) -> String) -> Result<NewUser, Invalid> {
        let role = Role::parse(&self.role)?;
        role.check_customer_link(self.customer_id)?;
        check_password(&self.password)?;
        Ok(NewUser {
            email: Email::parse(&self.email)?,
            name: required_text("name", &self.name, 200)?,
            role,
            customer_id: self.customer_id,
            phone: optional_text("phone", self.phone.as_deref(), 40)?
                .map(|p| parse_phone("phone", &p))
                .transpose()?,
            password_hash: password_hash(&self.password),
            portfolio_ids: self.portfolio_ids,
        })
    }
}

async fn from_row(tx: &mut Tx<'_>, r: &AnyRow) -> Result<User> {
    let id = r.int("id")?;
    let mut sql = Sql::new("SELECT portfolio_id FROM user_portfolios WHERE user_id = ");
    sql.bind(id).push(" ORDER BY portfolio_id");
    let portfolio_ids = sql
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.int("portfolio_id"))
        .collect::<Result<_, _>>()?;
    Ok(User {
        id,
        email: r.text("email")?,
        name: r.text("name")?,
        role: Role::parse(&r.text("role")?)?,
        customer_id: r.opt_int("customer_id")?,
        phone: r.opt_text("phone")?,
        portfolio_ids,
        disabled: r.int("disabled")? != 0,
        invitation_pending: r.text("password_hash")?.is_empty(),
        language: r.text("language")?,
        timezone: r.opt_text("timezone")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn set_portfolios(
    tx: &mut Tx<'_>,
    user_id: i64,
    customer_id: Option<i64>,
    ids: &[i64],
) -> Result<()> {
    let mut del = Sql::new("DELETE FROM user_portfolios WHERE user_id = ");
    del.bind(user_id);
    del.execute(&mut **tx).await?;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for p in ids {
        let mut check = Sql::new("SELECT id FROM portfolios WHERE id = ");
        check
            .bind(p)
            .push(" AND customer_id = ")
            .bind(customer_id.unwrap_or(-1));
        if check.fetch_optional(&mut **tx).await?.is_none() {
            return Err(Invalid::new(
                "portfolio_ids",
                format!("portfolio {p} not found for this user's customer"),
            )
            .into());
        }
        let mut sql = Sql::new("INSERT INTO user_portfolios (user_id, portfolio_id) VALUES (");
        sql.bind(user_id).push(", ").bind(p).push(")");
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn create(db: &Db, scope: &Scope, actor: Actor, u: NewUser) -> Result<User> {
    let mut tx = db.begin().await?;
    if let Some(c) = u.customer_id {
        customers::fetch(&mut *tx, scope, c).await?;
    } else if scope.customer_id().is_some() {
        return Err(StoreError::NotFound("customer"));
    }
    let created = insert(&mut tx, actor, u, "create").await?;
    tx.commit().await?;
    Ok(created)
}

/// Writes a user and its portfolios and audits it as `action`; the caller
/// has checked the customer against its scope.
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    actor: Actor,
    u: NewUser,
    action: &str,
) -> Result<User> {
    let now = actor.at.timestamp_millis();
    let email = u.email.clone().into_inner();
    let mut sql = Sql::new(
        "INSERT INTO users (email, name, role, customer_id, phone, password_hash, created_at, updated_at) VALUES (",
    );
    sql.bind(email.clone())
        .push(", ")
        .bind(u.name)
        .push(", ")
        .bind(u.role.as_str().to_string());
    sql.push(", ")
        .bind(u.customer_id)
        .push(", ")
        .bind(u.phone)
        .push(", ")
        .bind(u.password_hash);
    sql.push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| {
            StoreError::unique_as_conflict(e, format!("a user with e-mail {email} already exists"))
        })?
        .int("id")?;
    set_portfolios(tx, id, u.customer_id, &u.portfolio_ids).await?;
    let created = fetch(tx, &Scope::All, id).await?;
    audit::record(
        tx,
        actor,
        created.customer_id,
        "user",
        id,
        action,
        None::<&()>,
        Some(&created),
    )
    .await?;
    Ok(created)
}

pub async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<User> {
    let mut sql = Sql::new("SELECT * FROM users us WHERE us.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "us", Shape::CustomerWide);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("user"))?;
    from_row(tx, &row).await
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<User> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

/// The account behind an e-mail and its password hash, for sign-in.
pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<(User, String)>> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("SELECT * FROM users WHERE email = ");
    sql.bind(email.trim().to_lowercase());
    let Some(row) = sql.fetch_optional(&mut *tx).await? else {
        return Ok(None);
    };
    let hash = row.text("password_hash")?;
    Ok(Some((from_row(&mut tx, &row).await?, hash)))
}

pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<User>> {
    f.only("users", &["customer_id", "role", "q"])?;
    let mut sql = Sql::new("SELECT * FROM users us WHERE 1=1");
    restrict(&mut sql, scope, "us", Shape::CustomerWide);
    if let Some(c) = f.customer_id {
        sql.push(" AND us.customer_id = ").bind(c);
    }
    if let Some(role) = &f.role {
        sql.push(" AND us.role = ")
            .bind(Role::parse(role)?.as_str().to_string());
    }
    if let Some(like) = f.like() {
        sql.push(" AND (LOWER(us.name) LIKE ")
            .bind_like(like.clone())
            .push(" OR us.email LIKE ")
            .bind_like(like)
            .push(")");
    }
    let limit = finish(&mut sql, "us", f)?;
    let mut tx = db.begin().await?;
    let rows = sql.fetch_all(&mut *tx).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(from_row(&mut tx, r).await?);
    }
    Ok(paginate(items, limit, |u| u.id))
}

/// Refuses to demote or disable the last active provider admin (issue
/// #18): nobody could then administer the system, nor undo it through the
/// API. Checked inside the changing transaction.
pub(crate) async fn keep_one_provider_admin(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM users WHERE role = ");
    sql.bind(Role::ProviderAdmin.as_str().to_string())
        .push(" AND disabled = 0 AND id <> ")
        .bind(id);
    let others = sql.fetch_one(&mut **tx).await?.int("n")?;
    if others == 0 {
        return Err(StoreError::Conflict(
            "this is the last active provider admin: make another user provider admin first".into(),
        ));
    }
    Ok(())
}

/// Applies a patch. `may_grant` decides whether the caller may hand out the
/// new role; `hash` hashes a new password. Disabling a user or changing the
/// password revokes the user's sessions in the same transaction.
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    p: UserPatch,
    may_grant: impl Fn(Role) -> bool,
    hash: impl FnOnce(&str) -> String,
) -> Result<User> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let name = p
        .name
        .as_deref()
        .map(|n| required_text("name", n, 200))
        .transpose()?
        .unwrap_or(before.name.clone());
    let phone = match p.phone.as_deref() {
        None => before.phone.clone(),
        Some(raw) => optional_text("phone", Some(raw), 40)?
            .map(|ph| parse_phone("phone", &ph))
            .transpose()?,
    };
    let email = match p.email.as_deref() {
        None => before.email.clone(),
        Some(raw) => Email::parse(raw)?.into_inner(),
    };
    let language = match p.language.as_deref().map(str::trim) {
        None => before.language.clone(),
        Some(l) if LANGUAGES.iter().any(|(code, _)| *code == l) => l.to_string(),
        Some(l) => {
            return Err(Invalid::new(
                "language",
                format!("{l:?} is not a language the portal speaks (en)"),
            )
            .into())
        }
    };
    let timezone = match p.timezone.as_deref().map(str::trim) {
        None => before.timezone.clone(),
        Some("") => None,
        Some(z) => Some(TimeZoneName::parse(z)?.into_inner()),
    };
    let role = p
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()?
        .unwrap_or(before.role);
    if role != before.role {
        if !may_grant(role) {
            return Err(Invalid::new("role", format!("you may not grant the role {role}")).into());
        }
        role.check_customer_link(before.customer_id)?;
    }
    let disabled = p.disabled.unwrap_or(before.disabled);
    let stays_admin = role == Role::ProviderAdmin && !disabled;
    if before.role == Role::ProviderAdmin && !before.disabled && !stays_admin {
        keep_one_provider_admin(&mut tx, id).await?;
    }
    let mut sql = Sql::new("UPDATE users SET name = ");
    sql.bind(name)
        .push(", email = ")
        .bind(email.clone())
        .push(", language = ")
        .bind(language)
        .push(", timezone = ")
        .bind(timezone)
        .push(", phone = ")
        .bind(phone)
        .push(", role = ")
        .bind(role.as_str().to_string());
    sql.push(", disabled = ").bind(i64::from(disabled));
    let revoke = disabled || p.password.is_some();
    if let Some(pw) = &p.password {
        check_password(pw)?;
        sql.push(", password_hash = ").bind(hash(pw));
    }
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await.map_err(|e| {
        StoreError::unique_as_conflict(e, format!("a user with e-mail {email} already exists"))
    })?;
    if let Some(ids) = &p.portfolio_ids {
        set_portfolios(&mut tx, id, before.customer_id, ids).await?;
    }
    if revoke {
        crate::sessions::revoke_all(&mut tx, id, actor.at).await?;
    }
    if disabled && !before.disabled {
        // A disabled user's building access, and all they passed on, ends.
        crate::grants::revoke_for_user(&mut tx, actor, id).await?;
    }
    let after = fetch(&mut tx, scope, id).await?;
    audit::record(
        &mut tx,
        actor,
        after.customer_id,
        "user",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
