//! The delivery log of an endpoint, newest first: each delivery's state,
//! its attempts (status code, error, duration) and when the next one is
//! due. Read with the endpoint's scope, so another customer's log is "not
//! found" like a missing endpoint.

use crate::error::Result;
use crate::page::{paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;
use serde::Serialize;

/// One attempt at a delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; `null` when no answer came (refused
    /// connection, timeout).
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// One event sent (or to be sent) to an endpoint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    /// e.g. `case.updated`, `webhook.test`.
    pub event_type: String,
    /// `pending` (waiting for its next attempt), `delivered` or `failed`
    /// (given up after the last attempt).
    pub status: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// The body as sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<WebhookAttempt>,
}

/// The deliveries of endpoint `id`, newest first (`cursor`: the last id of
/// the previous page).
pub async fn deliveries(
    db: &Db,
    scope: &Scope,
    id: i64,
    f: &ListFilter,
) -> Result<Page<WebhookDelivery>> {
    f.only("webhook deliveries", &[])?;
    let endpoint = super::fetch(&db.pool, scope, id).await?;
    let limit = f.limit()?;
    let mut sql = Sql::new("SELECT * FROM webhook_deliveries d WHERE d.endpoint_id = ");
    sql.bind(endpoint.id);
    let after = f.after_id()?;
    if after > 0 {
        sql.push(" AND d.id < ").bind(after);
    }
    sql.push(" ORDER BY d.id DESC LIMIT ").bind(limit + 1);
    let rows = sql.fetch_all(&db.pool).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let delivered_at = r.opt_int("delivered_at")?.map(crate::row::from_millis);
        let failed = r.opt_int("failed_at")?.is_some();
        items.push(WebhookDelivery {
            id: r.int("id")?,
            endpoint_id: r.int("endpoint_id")?,
            message_id: r.text("message_id")?,
            event_type: r.text("event_type")?,
            status: match (delivered_at, failed) {
                (Some(_), _) => "delivered",
                (None, true) => "failed",
                (None, false) => "pending",
            }
            .to_string(),
            attempts: r.int("attempts")?,
            created_at: r.instant("created_at")?,
            next_attempt_at: r.opt_int("next_attempt_at")?.map(crate::row::from_millis),
            delivered_at,
            last_status_code: r.opt_int("last_status")?,
            last_error: r.opt_text("last_error")?,
            payload: serde_json::from_str(&r.text("body")?).unwrap_or_default(),
            attempt_log: Vec::new(),
        });
    }
    let mut page = paginate(items, limit, |d| d.id);
    if let (Some(first), Some(last)) = (page.items.first(), page.items.last()) {
        let (hi, lo) = (first.id, last.id);
        let mut a = Sql::new("SELECT a.* FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ");
        a.bind(endpoint.id)
            .push(" AND a.delivery_id BETWEEN ")
            .bind(lo)
            .push(" AND ")
            .bind(hi)
            .push(" ORDER BY a.id");
        for r in a.fetch_all(&db.pool).await? {
            let delivery = r.int("delivery_id")?;
            if let Some(d) = page.items.iter_mut().find(|d| d.id == delivery) {
                d.attempt_log.push(WebhookAttempt {
                    at: r.instant("at")?,
                    status_code: r.opt_int("status_code")?,
                    error: r.opt_text("error")?,
                    duration_ms: r.int("duration_ms")?,
                });
            }
        }
    }
    Ok(page)
}
