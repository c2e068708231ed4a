//! Secret tokens of the per-user iCalendar feed. The token is shown once;
//! only its hash is stored, like session tokens. Revoking invalidates every
//! feed URL the user has handed out.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;

/// Stores a new token hash for `user_id`; returns the token's id.
pub async fn create(db: &Db, actor: Actor, user_id: i64, token_hash: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    let mut ins =
        Sql::new("INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES (");
    ins.bind(user_id)
        .push(", ")
        .bind(token_hash.to_string())
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(") RETURNING id");
    let id = ins.fetch_one(&mut *tx).await?.int("id")?;
    audit::record(
        &mut tx,
        actor,
        None,
        "calendar_token",
        id,
        "create",
        None::<&()>,
        Some(&serde_json::json!({"user_id": user_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Revokes every live token of `user_id`; returns how many.
pub async fn revoke_all(db: &Db, actor: Actor, user_id: i64) -> Result<u64> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new("UPDATE calendar_tokens SET revoked_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE revoked_at IS NULL AND user_id = ")
        .bind(user_id);
    let n = up.execute(&mut *tx).await?.rows_affected();
    audit::record(
        &mut tx,
        actor,
        None,
        "calendar_token",
        user_id,
        "revoke",
        None::<&()>,
        Some(&serde_json::json!({"user_id": user_id, "revoked": n})),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// The user a live token belongs to (an enabled user only).
pub async fn user_of(db: &Db, token_hash: &str) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT t.user_id FROM calendar_tokens t JOIN users u ON u.id = t.user_id WHERE t.revoked_at IS NULL AND u.disabled = 0 AND t.token_hash = ");
    sql.bind(token_hash.to_string());
    Ok(sql
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.int("user_id"))
        .transpose()?)
}
