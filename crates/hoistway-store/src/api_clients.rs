//! API applications: the OAuth2 client credentials of the KONE-compatible
//! API (issue 7). Each application belongs to one customer, and every token
//! it gets is limited to that customer's buildings and equipment.
//!
//! The secret is generated here and returned once by [`create`]; only its
//! SHA-256 is stored (like session and device tokens), so a database dump
//! does not hand out working credentials. Revoked applications stay as rows
//! with `revoked_at` for the audit trail.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, Db};
use base64::Engine;
use chrono::{DateTime, Utc};
use hoistway_domain::text::required_text;
use hoistway_domain::Scope;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

/// One application as the API shows it (never the secret or its hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiClient {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    /// The OAuth2 client id (public; sent as the Basic user name).
    pub client_id: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What is stored for a secret: its SHA-256, hex.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `bytes` random bytes, base64url without padding: URL-safe, so the id and
/// secret survive Basic auth and shell quoting alike.
fn random(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

fn from_row(r: &AnyRow) -> Result<ApiClient, sqlx::Error> {
    Ok(ApiClient {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        name: r.text("name")?,
        client_id: r.text("client_id")?,
        created_at: r.instant("created_at")?,
        revoked_at: r.opt_int("revoked_at")?.map(crate::row::from_millis),
    })
}

const COLUMNS: &str = "a.id, a.customer_id, a.name, a.client_id, a.created_at, a.revoked_at";

/// Creates an application for a customer the caller can see. Returns it
/// with its secret: the only time the secret exists outside the caller.
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    customer_id: i64,
    name: &str,
) -> Result<(ApiClient, String)> {
    let name = required_text("name", name, 200)?;
    // A `:` would split the Basic credentials in the wrong place; the
    // base64url alphabet has none.
    let client_id = random(16);
    let secret = random(32);
    let mut tx = db.begin().await?;
    let customer = customers::fetch(&mut *tx, scope, customer_id).await?;
    let mut sql = Sql::new(
        "INSERT INTO api_clients (customer_id, name, client_id, secret_hash, created_at) VALUES (",
    );
    sql.bind(customer.id)
        .push(", ")
        .bind(name)
        .push(", ")
        .bind(client_id)
        .push(", ")
        .bind(secret_hash(&secret))
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let created = fetch_by_id(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(customer.id),
        "api_client",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok((created, secret))
}

async fn fetch_by_id(tx: &mut crate::Tx<'_>, id: i64) -> Result<ApiClient> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM api_clients a WHERE a.id = "
    ));
    sql.bind(id);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("api client"))?;
    Ok(from_row(&row)?)
}

/// Applications the caller can see, oldest first; filter `customer_id`.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<ApiClient>> {
    f.only("api clients", &["customer_id"])?;
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM api_clients a WHERE 1=1"));
    restrict(&mut sql, scope, "a", Shape::CustomerWide);
    if let Some(c) = f.customer_id {
        sql.push(" AND a.customer_id = ").bind(c);
    }
    let limit = finish(&mut sql, "a", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |c| c.id))
}

/// Revokes an application: its secret stops working, and so do the access
/// tokens it already holds (token checks look the application up).
pub async fn revoke(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<ApiClient> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM api_clients a WHERE a.id = "
    ));
    sql.bind(id);
    restrict(&mut sql, scope, "a", Shape::CustomerWide);
    let before = from_row(
        &sql.fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("api client"))?,
    )?;
    if before.revoked_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "api client {id} is already revoked"
        )));
    }
    let mut sql = Sql::new("UPDATE api_clients SET revoked_at = ");
    sql.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch_by_id(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(before.customer_id),
        "api_client",
        id,
        "revoke",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The live application with this client id and secret, if any.
pub async fn authenticate(db: &Db, client_id: &str, secret: &str) -> Result<Option<ApiClient>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM api_clients a WHERE a.revoked_at IS NULL AND a.client_id = "
    ));
    sql.bind(client_id.to_string())
        .push(" AND a.secret_hash = ")
        .bind(secret_hash(secret));
    Ok(sql
        .fetch_optional(&db.pool)
        .await?
        .map(|r| from_row(&r))
        .transpose()?)
}

/// The live application with this row id (checked on every token use, so
/// revoking an application ends its tokens at once).
pub async fn active(db: &Db, id: i64) -> Result<Option<ApiClient>> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM api_clients a WHERE a.revoked_at IS NULL AND a.id = "
    ));
    sql.bind(id);
    Ok(sql
        .fetch_optional(&db.pool)
        .await?
        .map(|r| from_row(&r))
        .transpose()?)
}

/// The id of the customer's unit with this equipment number, if any. The
/// compatible API names equipment by number (KEN), never by row id.
pub async fn unit_by_equipment_number(
    db: &Db,
    customer_id: i64,
    equipment_number: &str,
) -> Result<Option<i64>> {
    let mut sql = Sql::new("SELECT id FROM units WHERE customer_id = ");
    sql.bind(customer_id)
        .push(" AND equipment_number = ")
        .bind(equipment_number.to_string());
    Ok(sql
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.int("id"))
        .transpose()?)
}

/// The newest stored raw telemetry event of `kind` for a unit: its device
/// time and JSON payload. The compatible equipment-status API reports the
/// last trip, door cycle or escalator run from these.
pub async fn latest_event(
    db: &Db,
    unit_id: i64,
    kind: &str,
) -> Result<Option<(DateTime<Utc>, serde_json::Value)>> {
    let mut sql = Sql::new("SELECT ts, payload FROM telemetry_events WHERE unit_id = ");
    sql.bind(unit_id)
        .push(" AND kind = ")
        .bind(kind.to_string())
        .push(" ORDER BY ts DESC, seq DESC LIMIT 1");
    let Some(r) = sql.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    let payload = serde_json::from_str(&r.text("payload")?).unwrap_or(serde_json::Value::Null);
    Ok(Some((crate::row::from_millis(r.int("ts")?), payload)))
}
