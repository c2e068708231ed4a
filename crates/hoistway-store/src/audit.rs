//! The audit log: who changed what, when, with the row before and after.
//! Written inside the transaction of the change, so a change without its
//! audit row cannot exist. Changes of cases, visits, findings and invoices
//! also queue the customer's webhook deliveries here
//! ([`crate::webhooks::outbox`]).

use crate::error::Result;
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Tx;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who is making a change, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// The signed-in user; `None` for the system (CLI bootstrap, jobs).
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// One audit row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records a change. `before`/`after` are the entity as the API shows it.
// Each argument is one column of the audit row; a struct would only move them.
#[allow(clippy::too_many_arguments)]
pub async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx<'_>,
    actor: Actor,
    customer_id: Option<i64>,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let before = before.map(|b| serde_json::to_string(b).unwrap_or_default());
    let after = after.map(|a| serde_json::to_string(a).unwrap_or_default());
    // A change customers can subscribe to becomes a webhook delivery in
    // this same transaction.
    crate::webhooks::outbox::on_audit(
        tx,
        actor.at,
        customer_id,
        entity,
        entity_id,
        action,
        after.as_deref(),
    )
    .await?;
    let mut sql = Sql::new(
        "INSERT INTO audit_log (at, actor_user_id, customer_id, entity, entity_id, action, before_json, after_json) VALUES (",
    );
    sql.bind(actor.at.timestamp_millis())
        .push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(customer_id);
    sql.push(", ")
        .bind(entity.to_string())
        .push(", ")
        .bind(entity_id)
        .push(", ")
        .bind(action.to_string());
    sql.push(", ").bind(before).push(", ").bind(after).push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Lists audit rows, optionally for one customer (provider admins only see this).
pub async fn list(db: &crate::Db, f: &ListFilter) -> Result<Page<AuditEntry>> {
    f.only("audit", &["customer_id"])?;
    let mut sql = Sql::new("SELECT * FROM audit_log a WHERE 1=1");
    if let Some(c) = f.customer_id {
        sql.push(" AND a.customer_id = ").bind(c);
    }
    let limit = finish(&mut sql, "a", f)?;
    let rows = sql.fetch_all(&db.pool).await?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let items = rows
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.int("id")?,
                at: r.instant("at")?,
                actor_user_id: r.opt_int("actor_user_id")?,
                customer_id: r.opt_int("customer_id")?,
                entity: r.text("entity")?,
                entity_id: r.int("entity_id")?,
                action: r.text("action")?,
                before: parse(r.opt_text("before_json")?),
                after: parse(r.opt_text("after_json")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(paginate(items, limit, |e| e.id))
}
