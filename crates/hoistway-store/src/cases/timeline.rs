//! The case timeline: every change with who and when. Internal notes are
//! for the provider's staff only.

use crate::audit::Actor;
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The user who did it; `null` for the system (timers, telemetry).
    pub actor_user_id: Option<i64>,
    /// created, status, assigned, eta, priority_override, note, report,
    /// quote, escalation, escalation_acknowledged, …
    pub kind: String,
    pub message: String,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    pub internal: bool,
}

/// One entry to write.
pub(crate) struct Entry<'a> {
    pub kind: &'a str,
    pub message: String,
    pub detail: Option<serde_json::Value>,
    pub internal: bool,
}

impl<'a> Entry<'a> {
    pub fn new(kind: &'a str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: None,
            internal: false,
        }
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }

    pub fn internal(mut self, internal: bool) -> Self {
        self.internal = internal;
        self
    }
}

pub(crate) async fn add(tx: &mut Tx<'_>, case_id: i64, actor: Actor, e: Entry<'_>) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO case_events (case_id, at, actor_user_id, kind, message, detail, internal) VALUES (",
    );
    sql.bind(case_id)
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(", ")
        .bind(actor.user_id);
    sql.push(", ")
        .bind(e.kind.to_string())
        .push(", ")
        .bind(e.message)
        .push(", ")
        .bind(e.detail.map(|d| d.to_string()));
    sql.push(", ").bind(i64::from(e.internal)).push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// The timeline of a case the caller may already see; internal entries only
/// when `include_internal`.
pub async fn list(db: &Db, case_id: i64, include_internal: bool) -> Result<Vec<TimelineEntry>> {
    let mut sql = Sql::new("SELECT * FROM case_events WHERE case_id = ");
    sql.bind(case_id);
    if !include_internal {
        sql.push(" AND internal = 0");
    }
    sql.push(" ORDER BY id");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(TimelineEntry {
                id: r.int("id")?,
                at: r.instant("at")?,
                actor_user_id: r.opt_int("actor_user_id")?,
                kind: r.text("kind")?,
                message: r.text("message")?,
                detail: r
                    .opt_text("detail")?
                    .and_then(|d| serde_json::from_str(&d).ok()),
                internal: r.int("internal")? != 0,
            })
        })
        .collect()
}
