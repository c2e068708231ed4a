//! The webhook outbox: one row per (event, endpoint), written in the
//! transaction of the change it reports, so a delivery exists if and only
//! if its change committed. The delivery job claims due rows with a lease
//! (one node sends each), records every attempt and retries failures with
//! exponential backoff, like the notification outbox.
//!
//! Events come from the audit trail: [`crate::audit::record`] calls
//! [`on_audit`] for every change it records, and changes of a case, visit
//! (and its report), finding or invoice of a customer become events for
//! that customer's endpoints only.

use super::{subscribed, TEST_EVENT};
use crate::audit::Actor;
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use hoistway_domain::Scope;
use rand::RngCore;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 12;

/// The wait after the `attempts`-th failed attempt: 10 s, doubling, at most
/// an hour (about three and a half hours from the first to the last).
pub fn backoff(attempts: i64) -> chrono::Duration {
    let exp = (attempts - 1).clamp(0, 20);
    chrono::Duration::seconds((10i64 << exp).min(3600))
}

/// The event kind an audited entity reports as, if any.
fn kind_of(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "case" => "case",
        "visit" | "visit_report" => "visit",
        "finding" => "finding",
        "invoice" => "invoice",
        _ => return None,
    })
}

/// The event type of an audited action: `<kind>.created` for a new row,
/// `<kind>.updated` for any other change (the action is in the payload).
fn event_type(kind: &str, action: &str) -> String {
    match action {
        "create" | "open" => format!("{kind}.created"),
        _ => format!("{kind}.updated"),
    }
}

/// Queues the event of an audited change for the subscribed endpoints of
/// its customer. `after` is the audit row's JSON of the entity after the
/// change. Changes without a customer (provider-internal) send nothing.
pub(crate) async fn on_audit(
    tx: &mut Tx<'_>,
    at: DateTime<Utc>,
    customer_id: Option<i64>,
    entity: &str,
    entity_id: i64,
    action: &str,
    after: Option<&str>,
) -> Result<u64> {
    let (Some(customer_id), Some(kind)) = (customer_id, kind_of(entity)) else {
        return Ok(0);
    };
    // A note changes none of the case's fields, and an internal one must
    // not be announced to the customer at all (its audit action is the
    // same as a public note's).
    if kind == "case" && action == "note" {
        return Ok(0);
    }
    // A read of personal data is audited, but changes nothing.
    if action == "read_personal_data" {
        return Ok(0);
    }
    let endpoints = subscribed(tx, customer_id, kind).await?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let object = after
        .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        .unwrap_or(serde_json::Value::Null);
    let data = serde_json::json!({
        "kind": kind,
        "id": entity_id,
        "action": action,
        "customer_id": customer_id,
        "object": object,
    });
    let written = write(
        tx,
        at,
        customer_id,
        &endpoints,
        &event_type(kind, action),
        data,
    )
    .await?;
    Ok(written.len() as u64)
}

/// The body of a delivery: Standard Webhooks' `{type, timestamp, data}`.
fn body(event_type: &str, at: DateTime<Utc>, data: serde_json::Value) -> String {
    serde_json::json!({
        "type": event_type,
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

/// `msg_` + 16 random bytes, base64url: the `webhook-id` of a delivery.
fn message_id() -> String {
    let mut buf = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
    )
}

async fn write(
    tx: &mut Tx<'_>,
    at: DateTime<Utc>,
    customer_id: i64,
    endpoints: &[i64],
    event_type: &str,
    data: serde_json::Value,
) -> Result<Vec<i64>> {
    let body = body(event_type, at, data);
    let mut written = Vec::with_capacity(endpoints.len());
    for endpoint in endpoints {
        let mut sql = Sql::new(
            "INSERT INTO webhook_deliveries (endpoint_id, customer_id, message_id, event_type, body, created_at, next_attempt_at) VALUES (",
        );
        sql.bind(*endpoint)
            .push(", ")
            .bind(customer_id)
            .push(", ")
            .bind(message_id())
            .push(", ")
            .bind(event_type.to_string());
        sql.push(", ")
            .bind(body.clone())
            .push(", ")
            .bind(at.timestamp_millis())
            .push(", ")
            .bind(at.timestamp_millis())
            .push(") RETURNING id");
        written.push(sql.fetch_one(&mut **tx).await?.int("id")?);
    }
    Ok(written)
}

/// Queues a `webhook.test` event for one endpoint (the portal's test
/// button); returns the delivery's id. A disabled endpoint is a conflict:
/// nothing would send it.
pub async fn enqueue_test(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<i64> {
    let mut tx = db.begin().await?;
    let endpoint = super::fetch(&mut *tx, scope, id).await?;
    if !endpoint.enabled {
        return Err(StoreError::Conflict(
            "the webhook is disabled; enable it to send a test event".into(),
        ));
    }
    let data = serde_json::json!({
        "kind": "webhook",
        "id": endpoint.id,
        "action": "test",
        "customer_id": endpoint.customer_id,
        "object": {"message": "A test event from Hoistway: your endpoint is reachable."},
    });
    let written = write(
        &mut tx,
        actor.at,
        endpoint.customer_id,
        &[endpoint.id],
        TEST_EVENT,
        data,
    )
    .await?;
    // One endpoint, one row.
    let delivery = written
        .first()
        .copied()
        .ok_or(StoreError::NotFound("webhook"))?;
    crate::audit::record(
        &mut tx,
        actor,
        Some(endpoint.customer_id),
        "webhook",
        endpoint.id,
        "test",
        None::<&()>,
        Some(&serde_json::json!({"delivery_id": delivery})),
    )
    .await?;
    tx.commit().await?;
    Ok(delivery)
}

/// A claimed delivery with what sending it needs.
#[derive(Clone)]
pub struct Due {
    pub id: i64,
    pub endpoint_id: i64,
    pub url: String,
    /// The endpoint's signing secret (`whsec_…`) as it is now.
    pub secret: String,
    pub message_id: String,
    pub event_type: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

impl std::fmt::Debug for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Due")
            .field("id", &self.id)
            .field("endpoint_id", &self.endpoint_id)
            .field("message_id", &self.message_id)
            .field("event_type", &self.event_type)
            .finish_non_exhaustive()
    }
}

/// Claims up to `limit` due deliveries of enabled endpoints for `lease`
/// (another node will not take them meanwhile), oldest first.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Due>> {
    let now_ms = now.timestamp_millis();
    let mut pick = Sql::new(
        "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.enabled = 1 AND d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= ",
    );
    pick.bind(now_ms)
        .push(" AND (d.lease_until IS NULL OR d.lease_until < ")
        .bind(now_ms)
        .push(") ORDER BY d.id LIMIT ")
        .bind(limit);
    let ids: Vec<i64> = pick
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::new();
    for id in ids {
        let mut up = Sql::new("UPDATE webhook_deliveries SET lease_until = ");
        up.bind((now + lease).timestamp_millis())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND next_attempt_at IS NOT NULL AND (lease_until IS NULL OR lease_until < ")
            .bind(now_ms)
            .push(")");
        if up.execute(&db.pool).await?.rows_affected() != 1 {
            continue;
        }
        let mut get = Sql::new(
            "SELECT d.id, d.endpoint_id, w.url, w.secret, d.message_id, d.event_type, d.body, d.attempts FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE d.id = ",
        );
        get.bind(id);
        // Deleted meanwhile: nothing to send.
        let Some(r) = get.fetch_optional(&db.pool).await? else {
            continue;
        };
        claimed.push(Due {
            id: r.int("id")?,
            endpoint_id: r.int("endpoint_id")?,
            url: r.text("url")?,
            secret: r.text("secret")?,
            message_id: r.text("message_id")?,
            event_type: r.text("event_type")?,
            body: r.text("body")?,
            attempts: r.int("attempts")?,
        });
    }
    Ok(claimed)
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The receiver's answer, if the request got one.
    pub status_code: Option<u16>,
    /// Why it failed (`None` when delivered).
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// Records an attempt at `due`: its log row, and the delivery delivered,
/// retried after [`backoff`] or, after [`MAX_ATTEMPTS`], given up.
pub async fn record_attempt(
    db: &Db,
    due: &Due,
    at: DateTime<Utc>,
    outcome: &Outcome,
) -> Result<()> {
    let error = outcome
        .error
        .as_ref()
        .map(|e| e.chars().take(500).collect::<String>());
    let status = outcome.status_code.map(i64::from);
    let mut tx = db.begin().await?;
    let mut log = Sql::new(
        "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms) VALUES (",
    );
    log.bind(due.id)
        .push(", ")
        .bind(at.timestamp_millis())
        .push(", ")
        .bind(status)
        .push(", ")
        .bind(error.clone())
        .push(", ")
        .bind(outcome.duration_ms)
        .push(")");
    // The endpoint may have been deleted while the request was out; its
    // deliveries went with it and there is nothing to record.
    let mut exists = Sql::new("SELECT id FROM webhook_deliveries WHERE id = ");
    exists.bind(due.id);
    if exists.fetch_optional(&mut *tx).await?.is_none() {
        return Ok(());
    }
    log.execute(&mut *tx).await?;
    let attempts = due.attempts + 1;
    let mut up = Sql::new("UPDATE webhook_deliveries SET attempts = ");
    up.bind(attempts)
        .push(", lease_until = NULL, last_status = ")
        .bind(status)
        .push(", last_error = ")
        .bind(error);
    if outcome.delivered() {
        up.push(", next_attempt_at = NULL, delivered_at = ")
            .bind(at.timestamp_millis());
    } else if attempts >= MAX_ATTEMPTS {
        up.push(", next_attempt_at = NULL, failed_at = ")
            .bind(at.timestamp_millis());
    } else {
        up.push(", next_attempt_at = ")
            .bind((at + backoff(attempts)).timestamp_millis());
    }
    up.push(" WHERE id = ").bind(due.id);
    up.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// How long the log keeps a settled delivery (delivered or given up).
pub fn retention() -> chrono::Duration {
    chrono::Duration::days(30)
}

/// Deletes settled deliveries created before `before`, with their
/// attempts; pending ones stay whatever their age. Returns how many went.
pub async fn purge_settled(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let old = "SELECT id FROM webhook_deliveries WHERE next_attempt_at IS NULL AND created_at < ";
    let mut tx = db.begin().await?;
    let mut attempts = Sql::new(&format!(
        "DELETE FROM webhook_attempts WHERE delivery_id IN ({old}"
    ));
    attempts.bind(before.timestamp_millis()).push(")");
    attempts.execute(&mut *tx).await?;
    let mut deliveries =
        Sql::new("DELETE FROM webhook_deliveries WHERE next_attempt_at IS NULL AND created_at < ");
    deliveries.bind(before.timestamp_millis());
    let gone = deliveries.execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_to_an_hour() {
        let s: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map(|a| backoff(a).num_seconds())
            .collect();
        assert_eq!(
            s,
            [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600]
        );
    }

    #[test]
    fn audited_entities_map_to_the_four_kinds() {
        assert_eq!(kind_of("case"), Some("case"));
        assert_eq!(kind_of("visit_report"), Some("visit"));
        assert_eq!(kind_of("user"), None);
        assert_eq!(event_type("finding", "open"), "finding.created");
        assert_eq!(event_type("case", "status"), "case.updated");
    }
}
