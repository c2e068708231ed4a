//! Device credentials: the tokens connected units send telemetry with.
//!
//! A token is shown once when issued. Only its SHA-256 is kept for HTTP
//! (like sessions), plus the Mosquitto PBKDF2 form of the same token so the
//! broker's password file can be written later without the clear token.
//! Revoked credentials stay as rows (with `revoked_at`) for the audit trail.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{units, Db};
use chrono::{DateTime, Utc};
use hoistway_domain::text::optional_text;
use hoistway_domain::Scope;
use serde::Serialize;
use sqlx::any::AnyRow;

/// One credential as the API shows it (never the token or its hashes).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeviceCredential {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    pub label: Option<String>,
    /// The MQTT user name of this credential in the broker's password file.
    pub mqtt_username: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A credential to store: hashes only.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub unit_id: i64,
    pub label: Option<String>,
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    /// Mosquitto `$7$` PBKDF2-SHA512 form of the token.
    pub mqtt_hash: String,
}

/// Who a valid device token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceUnit {
    pub credential_id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    pub equipment_number: String,
}

/// One active credential for the broker's password and ACL files.
#[derive(Debug, Clone)]
pub struct BrokerEntry {
    pub username: String,
    pub mqtt_hash: String,
    pub unit_id: i64,
}

/// The MQTT user name of credential `id`.
pub fn mqtt_username(id: i64) -> String {
    format!("device-{id}")
}

fn from_row(r: &AnyRow) -> Result<DeviceCredential, sqlx::Error> {
    let id = r.int("id")?;
    Ok(DeviceCredential {
        id,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        label: r.opt_text("label")?,
        mqtt_username: mqtt_username(id),
        created_at: r.instant("created_at")?,
        revoked_at: r.opt_int("revoked_at")?.map(crate::row::from_millis),
    })
}

const COLUMNS: &str = "id, unit_id, customer_id, label, created_at, revoked_at";

/// Issues a credential for a unit the caller can see.
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    new: NewDevice,
) -> Result<DeviceCredential> {
    let label = optional_text("label", new.label.as_deref(), 200)?;
    let mut tx = db.begin().await?;
    let unit = units::fetch(&mut *tx, scope, new.unit_id).await?;
    let mut sql = Sql::new(
        "INSERT INTO device_credentials (unit_id, customer_id, label, token_hash, mqtt_hash, created_at) VALUES (",
    );
    sql.bind(unit.id)
        .push(", ")
        .bind(unit.customer_id)
        .push(", ")
        .bind(label)
        .push(", ")
        .bind(new.token_hash)
        .push(", ")
        .bind(new.mqtt_hash)
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(&format!(") RETURNING {COLUMNS}"));
    let created = from_row(&sql.fetch_one(&mut *tx).await?)?;
    audit::record(
        &mut tx,
        actor,
        Some(unit.customer_id),
        "device_credential",
        created.id,
        "issue",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Credentials of a unit the caller can see, newest last.
pub async fn list(db: &Db, scope: &Scope, unit_id: i64) -> Result<Vec<DeviceCredential>> {
    let unit = units::get(db, scope, unit_id).await?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM device_credentials WHERE unit_id = "
    ));
    sql.bind(unit.id).push(" ORDER BY id");
    Ok(sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// Revokes a credential: the token stops working at once.
pub async fn revoke(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    unit_id: i64,
    id: i64,
) -> Result<DeviceCredential> {
    let mut tx = db.begin().await?;
    let unit = units::fetch(&mut *tx, scope, unit_id).await?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM device_credentials WHERE id = "
    ));
    sql.bind(id).push(" AND unit_id = ").bind(unit.id);
    let before = from_row(
        &sql.fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("device credential"))?,
    )?;
    if before.revoked_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "device credential {id} is already revoked"
        )));
    }
    let mut sql = Sql::new("UPDATE device_credentials SET revoked_at = ");
    sql.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id)
        .push(&format!(" RETURNING {COLUMNS}"));
    let after = from_row(&sql.fetch_one(&mut *tx).await?)?;
    audit::record(
        &mut tx,
        actor,
        Some(unit.customer_id),
        "device_credential",
        id,
        "revoke",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The unit a token hash belongs to, if the credential is live.
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<DeviceUnit>> {
    let mut sql = Sql::new(
        "SELECT d.id, d.unit_id, u.customer_id, u.equipment_number FROM device_credentials d \
         JOIN units u ON u.id = d.unit_id WHERE d.revoked_at IS NULL AND d.token_hash = ",
    );
    sql.bind(token_hash.to_string());
    let Some(r) = sql.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some(DeviceUnit {
        credential_id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        equipment_number: r.text("equipment_number")?,
    }))
}

/// Every live credential, for the broker's password and ACL files.
pub async fn broker_entries(db: &Db) -> Result<Vec<BrokerEntry>> {
    let rows = Sql::new(
        "SELECT id, unit_id, mqtt_hash FROM device_credentials WHERE revoked_at IS NULL ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BrokerEntry {
                username: mqtt_username(r.int("id")?),
                mqtt_hash: r.text("mqtt_hash")?,
                unit_id: r.int("unit_id")?,
            })
        })
        .collect()
}
