//! Sign-in sessions. Only a SHA-256 of each token is stored, so a leaked
//! database does not leak usable tokens.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{users, Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: users::User,
}

pub async fn create(
    db: &Db,
    actor: Actor,
    user_id: i64,
    token_hash: &str,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new(
        "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, expires_at) VALUES (",
    );
    sql.bind(token_hash.to_string())
        .push(", ")
        .bind(csrf_token.to_string())
        .push(", ")
        .bind(user_id);
    sql.push(", ")
        .bind(actor.at.timestamp_millis())
        .push(", ")
        .bind(expires_at.timestamp_millis());
    sql.push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    audit::record(
        &mut tx,
        actor,
        None,
        "session",
        id,
        "login",
        None::<&()>,
        Some(&serde_json::json!({"user_id": user_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The session for a token hash, if it exists, is not revoked or expired,
/// and its user is not disabled.
pub async fn find(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    let mut tx = db.begin().await?;
    let mut sql =
        Sql::new("SELECT id, csrf_token, expires_at, user_id FROM sessions WHERE token_hash = ");
    sql.bind(token_hash.to_string())
        .push(" AND revoked_at IS NULL AND expires_at > ")
        .bind(now.timestamp_millis());
    let Some(row) = sql.fetch_optional(&mut *tx).await? else {
        return Ok(None);
    };
    let user = users::fetch(&mut tx, &Scope::All, row.int("user_id")?).await?;
    if user.disabled {
        return Ok(None);
    }
    Ok(Some(Session {
        id: row.int("id")?,
        csrf_token: row.text("csrf_token")?,
        expires_at: row.instant("expires_at")?,
        user,
    }))
}

pub async fn revoke(db: &Db, actor: Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("UPDATE sessions SET revoked_at = ");
    sql.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND revoked_at IS NULL");
    sql.execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "session",
        id,
        "logout",
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes every open session of `user_id` except `keep`.
pub(crate) async fn revoke_others(
    tx: &mut Tx<'_>,
    user_id: i64,
    keep: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let mut sql = Sql::new("UPDATE sessions SET revoked_at = ");
    sql.bind(at.timestamp_millis())
        .push(" WHERE user_id = ")
        .bind(user_id)
        .push(" AND id <> ")
        .bind(keep)
        .push(" AND revoked_at IS NULL");
    sql.execute(&mut **tx).await?;
    Ok(())
}

pub(crate) async fn revoke_all(tx: &mut Tx<'_>, user_id: i64, at: DateTime<Utc>) -> Result<()> {
    let mut sql = Sql::new("UPDATE sessions SET revoked_at = ");
    sql.bind(at.timestamp_millis())
        .push(" WHERE user_id = ")
        .bind(user_id)
        .push(" AND revoked_at IS NULL");
    sql.execute(&mut **tx).await?;
    Ok(())
}
