//! A user's second factor: the TOTP secret (pending until confirmed with a
//! code), hashed one-time recovery codes, and sign-in challenges (the step
//! between a correct password and the code).
//!
//! The store keeps and consumes; the server does the TOTP arithmetic and
//! the hashing. Accepting a code is an atomic "newer step than last time"
//! update, so the same code cannot be used twice, even by two requests at
//! once; a recovery code is likewise consumed by one update.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};

/// The TOTP state of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totp {
    /// Base32 secret.
    pub secret: String,
    /// Confirmed with a code; sign-in asks for one.
    pub enabled: bool,
    /// Unused recovery codes left.
    pub recovery_left: i64,
}

/// What the audit log records (never the secret).
#[derive(serde::Serialize)]
struct Audited {
    enabled: bool,
    recovery_codes: usize,
}

pub async fn get(db: &Db, user_id: i64) -> Result<Option<Totp>> {
    let mut sql = Sql::new("SELECT t.secret, t.enabled_at, (SELECT COUNT(*) FROM user_recovery_codes r WHERE r.user_id = t.user_id AND r.used_at IS NULL) AS left_n FROM user_totp t WHERE t.user_id = ");
    sql.bind(user_id);
    Ok(match sql.fetch_optional(&db.pool).await? {
        Some(r) => Some(Totp {
            secret: r.text("secret")?,
            enabled: r.opt_int("enabled_at")?.is_some(),
            recovery_left: r.int("left_n")?,
        }),
        None => None,
    })
}

/// Whether sign-in must ask this user for a code.
pub async fn enabled(db: &Db, user_id: i64) -> Result<bool> {
    Ok(get(db, user_id).await?.is_some_and(|t| t.enabled))
}

/// Starts (or restarts) enrolment with a new pending secret. Does nothing
/// to an enabled factor: it must be disabled first.
pub async fn start(db: &Db, user_id: i64, secret: &str, at: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    let mut del = Sql::new("DELETE FROM user_totp WHERE enabled_at IS NULL AND user_id = ");
    del.bind(user_id);
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new("INSERT INTO user_totp (user_id, secret, created_at) VALUES (");
    ins.bind(user_id)
        .push(", ")
        .bind(secret.to_string())
        .push(", ")
        .bind(at.timestamp_millis())
        .push(") ON CONFLICT (user_id) DO NOTHING");
    ins.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Enables the pending secret, recording `step` as used and storing the
/// recovery codes' hashes. Every other session of the user ends in the same
/// transaction (issue #18): one opened with only the password, perhaps by
/// whoever made the user turn a second factor on, must not outlive it.
/// `keep_session` (the one enabling it) stays. `false` if there was no
/// pending secret.
pub async fn enable(
    db: &Db,
    actor: Actor,
    customer_id: Option<i64>,
    user_id: i64,
    keep_session: i64,
    step: i64,
    recovery_hashes: &[String],
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new("UPDATE user_totp SET enabled_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(", last_step = ")
        .bind(step)
        .push(" WHERE enabled_at IS NULL AND user_id = ")
        .bind(user_id);
    if up.execute(&mut *tx).await?.rows_affected() == 0 {
        return Ok(false);
    }
    crate::sessions::revoke_others(&mut tx, user_id, keep_session, actor.at).await?;
    let mut del = Sql::new("DELETE FROM user_recovery_codes WHERE user_id = ");
    del.bind(user_id);
    del.execute(&mut *tx).await?;
    for h in recovery_hashes {
        let mut ins = Sql::new("INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (");
        ins.bind(user_id).push(", ").bind(h.clone()).push(")");
        ins.execute(&mut *tx).await?;
    }
    let after = Audited {
        enabled: true,
        recovery_codes: recovery_hashes.len(),
    };
    audit::record(
        &mut tx,
        actor,
        customer_id,
        "user",
        user_id,
        "totp_enable",
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes the second factor and its recovery codes.
pub async fn disable(db: &Db, actor: Actor, customer_id: Option<i64>, user_id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    for table in ["user_recovery_codes", "user_totp", "signin_challenges"] {
        let mut del = Sql::new(&format!("DELETE FROM {table} WHERE user_id = "));
        del.bind(user_id);
        del.execute(&mut *tx).await?;
    }
    let after = Audited {
        enabled: false,
        recovery_codes: 0,
    };
    audit::record(
        &mut tx,
        actor,
        customer_id,
        "user",
        user_id,
        "totp_disable",
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records `step` as used if it is newer than the last one used; `false`
/// means the code was already used (a replay).
pub async fn use_step(db: &Db, user_id: i64, step: i64) -> Result<bool> {
    let mut up = Sql::new("UPDATE user_totp SET last_step = ");
    up.bind(step)
        .push(" WHERE enabled_at IS NOT NULL AND last_step < ")
        .bind(step)
        .push(" AND user_id = ")
        .bind(user_id);
    Ok(up.execute(&db.pool).await?.rows_affected() == 1)
}

/// Consumes a recovery code by its hash; `false` if unknown or used.
pub async fn use_recovery(
    db: &Db,
    actor: Actor,
    customer_id: Option<i64>,
    user_id: i64,
    code_hash: &str,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new("UPDATE user_recovery_codes SET used_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE used_at IS NULL AND user_id = ")
        .bind(user_id)
        .push(" AND code_hash = ")
        .bind(code_hash.to_string());
    if up.execute(&mut *tx).await?.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        actor,
        customer_id,
        "user",
        user_id,
        "recovery_code_used",
        None::<&()>,
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Stores a sign-in challenge (the password was right; a code is due).
pub async fn open_challenge(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    let mut sql =
        Sql::new("INSERT INTO signin_challenges (token_hash, user_id, expires_at) VALUES (");
    sql.bind(token_hash.to_string())
        .push(", ")
        .bind(user_id)
        .push(", ")
        .bind(expires_at.timestamp_millis())
        .push(")");
    sql.execute(&db.pool).await?;
    Ok(())
}

/// The user of a live challenge.
pub async fn find_challenge(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT user_id FROM signin_challenges WHERE token_hash = ");
    sql.bind(token_hash.to_string())
        .push(" AND expires_at > ")
        .bind(now.timestamp_millis());
    Ok(match sql.fetch_optional(&db.pool).await? {
        Some(r) => Some(r.int("user_id")?),
        None => None,
    })
}

/// Ends a challenge (and any expired ones, to keep the table small).
pub async fn close_challenge(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM signin_challenges WHERE token_hash = ");
    sql.bind(token_hash.to_string())
        .push(" OR expires_at <= ")
        .bind(now.timestamp_millis());
    sql.execute(&db.pool).await?;
    Ok(())
}
