//! `Idempotency-Key` on POST: the first request with a key claims it; a
//! retry gets the stored response instead of a second write. The claim is a
//! row under a primary key, so two nodes racing on one key cannot both win.

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new and now ours: run the request, then [`complete`].
    Fresh,
    /// A request with this key finished before: answer with its response.
    Done {
        request_hash: String,
        status: u16,
        body: String,
    },
    /// A request with this key is still running (or died mid-way).
    InFlight { request_hash: String },
}

pub async fn claim(
    db: &Db,
    user_id: i64,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim> {
    let mut sql = Sql::new(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES (",
    );
    sql.bind(user_id)
        .push(", ")
        .bind(key.to_string())
        .push(", ")
        .bind(request_hash.to_string());
    sql.push(", ").bind(now.timestamp_millis()).push(")");
    match sql.execute(&db.pool).await {
        Ok(_) => return Ok(Claim::Fresh),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {}
        Err(e) => return Err(e.into()),
    }
    let mut sql =
        Sql::new("SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = ");
    sql.bind(user_id)
        .push(" AND idem_key = ")
        .bind(key.to_string());
    let row = sql.fetch_one(&db.pool).await?;
    let request_hash = row.text("request_hash")?;
    Ok(match (row.opt_int("status")?, row.opt_text("body")?) {
        (Some(status), Some(body)) => Claim::Done {
            request_hash,
            status: status as u16,
            body,
        },
        _ => Claim::InFlight { request_hash },
    })
}

/// Stores the response of a claimed key.
pub async fn complete(db: &Db, user_id: i64, key: &str, status: u16, body: &str) -> Result<()> {
    let mut sql = Sql::new("UPDATE idempotency_keys SET status = ");
    sql.bind(i64::from(status))
        .push(", body = ")
        .bind(body.to_string());
    sql.push(" WHERE user_id = ")
        .bind(user_id)
        .push(" AND idem_key = ")
        .bind(key.to_string());
    sql.execute(&db.pool).await?;
    Ok(())
}

/// Releases a claim whose request failed, so the client may retry.
pub async fn release(db: &Db, user_id: i64, key: &str) -> Result<()> {
    let mut sql = Sql::new("DELETE FROM idempotency_keys WHERE user_id = ");
    sql.bind(user_id)
        .push(" AND idem_key = ")
        .bind(key.to_string())
        .push(" AND status IS NULL");
    sql.execute(&db.pool).await?;
    Ok(())
}
