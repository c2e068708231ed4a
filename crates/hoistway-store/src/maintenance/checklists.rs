//! Checklist templates, one per unit kind. A kind without a stored template
//! uses the built-in list of `hoistway-maintenance`; a provider admin's
//! template replaces it, and deleting the template restores the built-in.
//! A visit copies the template when it starts, so editing a template never
//! rewrites the checklist of a visit already under way.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::Invalid;
use hoistway_maintenance::checklist::{default_items, validate_items, ChecklistItem};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChecklistTemplate {
    pub unit_kind: UnitKind,
    pub items: Vec<ChecklistItem>,
    /// 0 for the built-in list; each save adds one.
    pub version: i64,
    pub builtin: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

async fn stored(tx: &mut Tx<'_>, kind: UnitKind) -> Result<ChecklistTemplate> {
    let mut sql = Sql::new("SELECT * FROM checklist_templates WHERE unit_kind = ");
    sql.bind(kind.as_str().to_string());
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => ChecklistTemplate {
            unit_kind: kind,
            items: serde_json::from_str(&r.text("items_json")?)
                .map_err(|e| sqlx::Error::Decode(e.into()))?,
            version: r.int("version")?,
            builtin: false,
            updated_at: Some(r.instant("updated_at")?),
        },
        None => ChecklistTemplate {
            unit_kind: kind,
            items: default_items(kind),
            version: 0,
            builtin: true,
            updated_at: None,
        },
    })
}

/// The items a visit to a unit of `kind` is checked against now.
pub(crate) async fn effective(tx: &mut Tx<'_>, kind: UnitKind) -> Result<Vec<ChecklistItem>> {
    Ok(stored(tx, kind).await?.items)
}

pub async fn get(db: &Db, kind: &str) -> Result<ChecklistTemplate> {
    let kind = UnitKind::parse(kind)?;
    let mut tx = db.begin().await?;
    stored(&mut tx, kind).await
}

pub async fn list(db: &Db) -> Result<Vec<ChecklistTemplate>> {
    let mut tx = db.begin().await?;
    let mut out = Vec::new();
    for k in UnitKind::ALL {
        out.push(stored(&mut tx, *k).await?);
    }
    Ok(out)
}

/// Saves a template for `kind` (validated) as the next version.
pub async fn put(
    db: &Db,
    actor: Actor,
    kind: &str,
    items: Vec<ChecklistItem>,
) -> Result<ChecklistTemplate> {
    let kind = UnitKind::parse(kind)?;
    let items = validate_items(items)?;
    let mut tx = db.begin().await?;
    let before = stored(&mut tx, kind).await?;
    let json = serde_json::to_string(&items).map_err(|e| Invalid::new("items", e.to_string()))?;
    let mut del = Sql::new("DELETE FROM checklist_templates WHERE unit_kind = ");
    del.bind(kind.as_str().to_string());
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new(
        "INSERT INTO checklist_templates (unit_kind, items_json, version, updated_at) VALUES (",
    );
    ins.bind(kind.as_str().to_string())
        .push(", ")
        .bind(json)
        .push(", ")
        .bind(before.version + 1)
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(")");
    ins.execute(&mut *tx).await?;
    let after = stored(&mut tx, kind).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "checklist_template",
        before.version + 1,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes the stored template of `kind`: the built-in list applies again.
pub async fn reset(db: &Db, actor: Actor, kind: &str) -> Result<ChecklistTemplate> {
    let kind = UnitKind::parse(kind)?;
    let mut tx = db.begin().await?;
    let before = stored(&mut tx, kind).await?;
    let mut del = Sql::new("DELETE FROM checklist_templates WHERE unit_kind = ");
    del.bind(kind.as_str().to_string());
    del.execute(&mut *tx).await?;
    let after = stored(&mut tx, kind).await?;
    audit::record(
        &mut tx,
        actor,
        None,
        "checklist_template",
        before.version,
        "reset",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
