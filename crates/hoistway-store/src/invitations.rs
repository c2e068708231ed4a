//! Invitations: a customer admin invites someone by e-mail, and the person
//! sets their own password through a one-time link (nobody is told an
//! initial password in person).
//!
//! The e-mail address is the global sign-in identity, so the answer to
//! "invite X" must be the same whether or not X already has an account,
//! in this tenant or another (issue #18, defect 8): [`invite`] returns
//! nothing a caller could tell apart. A new address gets an account with
//! no password (it cannot sign in) and a link; an address that already has
//! an account gets a letter saying so, and nothing else changes.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::notifications;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::users::{self, User};
use crate::{customers, Db};
use chrono::{DateTime, Duration, Utc};
use hoistway_domain::text::{optional_text, parse_phone, required_text, Email};
use hoistway_domain::{Invalid, Role, Scope};
use serde::Deserialize;

/// How long an invitation link stays valid.
pub const VALID_FOR_DAYS: i64 = 7;

/// What a client sends to invite someone.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    pub email: String,
    pub name: String,
    pub role: String,
    /// Defaults to the inviting admin's customer.
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Limits the user to these portfolios' buildings (none: the whole
    /// customer).
    #[serde(default)]
    pub portfolio_ids: Vec<i64>,
}

/// A validated invitation.
#[derive(Debug, Clone)]
pub struct Invite {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    pub phone: Option<String>,
    pub portfolio_ids: Vec<i64>,
}

impl InvitationInput {
    pub fn validated(self) -> Result<Invite, Invalid> {
        let role = Role::parse(&self.role)?;
        role.check_customer_link(self.customer_id)?;
        Ok(Invite {
            email: Email::parse(&self.email)?,
            name: required_text("name", &self.name, 200)?,
            role,
            customer_id: self.customer_id,
            phone: optional_text("phone", self.phone.as_deref(), 40)?
                .map(|p| parse_phone("phone", &p))
                .transpose()?,
            portfolio_ids: self.portfolio_ids,
        })
    }
}

/// The two letters an invitation may send; the caller words them (it knows
/// the link's address and the reader's language).
#[derive(Debug, Clone)]
pub struct Letters {
    /// To a new address: contains the one-time link.
    pub welcome: (String, String),
    /// To an address that already has an account: no link.
    pub already_registered: (String, String),
}

/// Invites `invite.email`. The token's hash identifies the link; the
/// welcome letter carries the token itself. Returns nothing on purpose.
pub async fn invite(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    invite: Invite,
    token_hash: &str,
    letters: Letters,
) -> Result<()> {
    let mut tx = db.begin().await?;
    match invite.customer_id {
        Some(c) => {
            customers::fetch(&mut *tx, scope, c).await?;
        }
        None if scope.customer_id().is_some() => return Err(StoreError::NotFound("customer")),
        None => {}
    }
    let email = invite.email.clone().into_inner();
    let mut find = Sql::new("SELECT id, customer_id, password_hash FROM users WHERE email = ");
    find.bind(email.clone());
    let existing = find.fetch_optional(&mut *tx).await?;
    let now = actor.at;
    let key = format!("invitation:{token_hash}");
    let (user_id, customer_id, letter) = match existing {
        // Invited before by this customer and never accepted: a new link
        // replaces the old ones.
        Some(r)
            if r.text("password_hash")?.is_empty()
                && r.opt_int("customer_id")? == invite.customer_id =>
        {
            let id = r.int("id")?;
            let mut end = Sql::new("UPDATE invitations SET expires_at = ");
            end.bind(now.timestamp_millis())
                .push(" WHERE accepted_at IS NULL AND user_id = ")
                .bind(id);
            end.execute(&mut *tx).await?;
            add_invitation(&mut tx, id, actor, token_hash).await?;
            (id, invite.customer_id, letters.welcome)
        }
        Some(r) => {
            // Someone else's (or an active) account: tell its owner, and
            // keep the trace where only the provider reads it.
            let id = r.int("id")?;
            audit::record(
                &mut tx,
                actor,
                None,
                "user",
                id,
                "invitation_to_existing_account",
                None::<&()>,
                None::<&()>,
            )
            .await?;
            (id, r.opt_int("customer_id")?, letters.already_registered)
        }
        None => {
            let new = users::NewUser {
                email: invite.email,
                name: invite.name,
                role: invite.role,
                customer_id: invite.customer_id,
                phone: invite.phone,
                // No password: the account cannot sign in until the link
                // is used.
                password_hash: String::new(),
                portfolio_ids: invite.portfolio_ids,
            };
            let created = users::insert(&mut tx, actor, new, "invite").await?;
            add_invitation(&mut tx, created.id, actor, token_hash).await?;
            (created.id, created.customer_id, letters.welcome)
        }
    };
    notifications::enqueue_letter(
        &mut tx,
        now,
        notifications::Letter {
            key,
            event: "invitation",
            user_id,
            customer_id,
            subject: letter.0,
            body: letter.1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn add_invitation(
    tx: &mut crate::Tx<'_>,
    user_id: i64,
    actor: Actor,
    token_hash: &str,
) -> Result<()> {
    let at = actor.at;
    let mut sql = Sql::new(
        "INSERT INTO invitations (token_hash, user_id, invited_by, created_at, expires_at) VALUES (",
    );
    sql.bind(token_hash.to_string())
        .push(", ")
        .bind(user_id)
        .push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(at.timestamp_millis())
        .push(", ")
        .bind((at + Duration::days(VALID_FOR_DAYS)).timestamp_millis())
        .push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

fn unusable() -> StoreError {
    Invalid::new("token", "this invitation link is unknown, used or expired").into()
}

/// The invited user behind a link that can still be used.
pub async fn pending(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<User> {
    let mut tx = db.begin().await?;
    let mut sql =
        Sql::new("SELECT user_id FROM invitations WHERE accepted_at IS NULL AND token_hash = ");
    sql.bind(token_hash.to_string())
        .push(" AND expires_at > ")
        .bind(now.timestamp_millis());
    let row = sql.fetch_optional(&mut *tx).await?.ok_or_else(unusable)?;
    let user = users::fetch(&mut tx, &Scope::All, row.int("user_id")?).await?;
    if user.disabled {
        return Err(unusable());
    }
    Ok(user)
}

/// Uses a link: sets the password (already hashed and checked by the
/// caller), marks the invitation used, and returns the now active user.
pub async fn accept(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    password_hash: String,
) -> Result<User> {
    let user = pending(db, token_hash, now).await?;
    let mut tx = db.begin().await?;
    let mut used = Sql::new("UPDATE invitations SET accepted_at = ");
    used.bind(now.timestamp_millis())
        .push(" WHERE accepted_at IS NULL AND token_hash = ")
        .bind(token_hash.to_string())
        .push(" AND expires_at > ")
        .bind(now.timestamp_millis());
    // Two browsers racing on one link: only one wins.
    if used.execute(&mut *tx).await?.rows_affected() != 1 {
        return Err(unusable());
    }
    let mut set = Sql::new("UPDATE users SET password_hash = ");
    set.bind(password_hash)
        .push(", updated_at = ")
        .bind(now.timestamp_millis())
        .push(" WHERE id = ")
        .bind(user.id);
    set.execute(&mut *tx).await?;
    let actor = Actor {
        user_id: Some(user.id),
        at: now,
    };
    let after = users::fetch(&mut tx, &Scope::All, user.id).await?;
    audit::record(
        &mut tx,
        actor,
        user.customer_id,
        "user",
        user.id,
        "accept_invitation",
        Some(&user),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
