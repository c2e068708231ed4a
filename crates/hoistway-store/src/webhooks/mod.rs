//! Outgoing webhooks of a customer (issue #20): the endpoints a customer
//! admin registers, with the kinds of events each hears.
//!
//! Each endpoint has a signing secret in the Standard Webhooks form
//! (`whsec_` + base64 of 32 random bytes). Unlike API secrets it is stored
//! as made, because the server needs it to sign (HMAC) every delivery; it
//! is returned only by [`create`] and [`rotate_secret`] and never by a
//! read, and no audit row holds it.
//!
//! Module map: this file keeps the endpoints; [`outbox`] queues deliveries
//! (written in the transaction of the change they report, through
//! [`crate::audit::record`]) and hands them to the delivery job with a
//! lease; [`log`] is the delivery log a customer admin reads.

pub mod log;
pub mod outbox;

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{customers, patch, Db, Tx};
use base64::Engine;
use chrono::{DateTime, Utc};
use hoistway_domain::{Invalid, Scope};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// The kinds of events an endpoint can subscribe to.
pub const KINDS: [&str; 4] = ["case", "visit", "finding", "invoice"];

/// The type of the test event, sent whatever the endpoint subscribed to.
pub const TEST_EVENT: &str = "webhook.test";

/// The node's policy for endpoint URLs: returns the URL as stored, or
/// the refusal naming `url`. The store cannot know the node's settings.
pub type UrlCheck<'a> = &'a (dyn Fn(&str) -> Result<String, Invalid> + Send + Sync);

/// An endpoint as the API shows it (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub customer_id: i64,
    pub url: String,
    pub description: String,
    /// Kinds of events it hears: `case`, `visit`, `finding`, `invoice`.
    pub events: Vec<String>,
    /// A disabled endpoint gets nothing new, and what is queued waits.
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn yes() -> bool {
    true
}

/// What a client sends to register an endpoint (and, merged, to change one).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// The customer; a customer admin may leave it out (their own).
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Where deliveries are POSTed: an `https://` URL of a public address.
    pub url: String,
    /// Kinds of events to send: `case`, `visit`, `finding`, `invoice`.
    pub events: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl From<&WebhookEndpoint> for WebhookInput {
    fn from(e: &WebhookEndpoint) -> Self {
        Self {
            customer_id: Some(e.customer_id),
            url: e.url.clone(),
            events: e.events.clone(),
            description: e.description.clone(),
            enabled: e.enabled,
        }
    }
}

/// Checks the kinds: at least one, each known, each once (kept in the
/// order of [`KINDS`]).
pub fn check_events(events: &[String]) -> Result<Vec<&'static str>, Invalid> {
    for e in events {
        if !KINDS.contains(&e.as_str()) {
            return Err(Invalid::new(
                "events",
                format!("{e:?} is not an event kind; kinds: {}", KINDS.join(", ")),
            ));
        }
    }
    let kept: Vec<&'static str> = KINDS
        .iter()
        .copied()
        .filter(|k| events.iter().any(|e| e == k))
        .collect();
    if kept.is_empty() {
        return Err(Invalid::new("events", "choose at least one kind of event"));
    }
    Ok(kept)
}

/// A new signing secret: `whsec_` + base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut buf = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(buf)
    )
}

const COLUMNS: &str =
    "w.id, w.customer_id, w.url, w.description, w.events, w.enabled, w.created_at, w.updated_at";

fn from_row(r: &AnyRow) -> Result<WebhookEndpoint, sqlx::Error> {
    Ok(WebhookEndpoint {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        url: r.text("url")?,
        description: r.text("description")?,
        events: r
            .text("events")?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        enabled: r.int("enabled")? != 0,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// The endpoint `id` if `scope` sees it.
pub(crate) async fn fetch(
    ex: impl sqlx::Executor<'_, Database = sqlx::Any>,
    scope: &Scope,
    id: i64,
) -> Result<WebhookEndpoint> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints w WHERE w.id = "
    ));
    sql.bind(id);
    restrict(&mut sql, scope, "w", Shape::CustomerWide);
    let row = sql
        .fetch_optional(ex)
        .await?
        .ok_or(StoreError::NotFound("webhook"))?;
    Ok(from_row(&row)?)
}

/// One endpoint the caller can see.
pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<WebhookEndpoint> {
    fetch(&db.pool, scope, id).await
}

/// Validated columns of an input.
struct Checked {
    url: String,
    description: String,
    events: String,
}

fn checked(input: &WebhookInput, check_url: UrlCheck<'_>) -> Result<Checked, Invalid> {
    let url = check_url(&input.url)?;
    let events = check_events(&input.events)?.join(",");
    let description = input.description.trim().to_string();
    if description.chars().count() > 200 {
        return Err(Invalid::new("description", "is longer than 200 characters"));
    }
    Ok(Checked {
        url,
        description,
        events,
    })
}

/// Registers an endpoint for a customer the caller can see. `check_url`
/// is the node's URL policy. Returns it with its secret: the only time
/// the secret leaves the server, besides [`rotate_secret`].
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: WebhookInput,
    check_url: UrlCheck<'_>,
) -> Result<(WebhookEndpoint, String)> {
    let customer_id = match (input.customer_id, scope.customer_id()) {
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => return Err(Invalid::new("customer_id", "is required").into()),
    };
    let c = checked(&input, check_url)?;
    let secret = new_secret();
    let mut tx = db.begin().await?;
    let customer = customers::fetch(&mut *tx, scope, customer_id).await?;
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new(
        "INSERT INTO webhook_endpoints (customer_id, url, description, events, enabled, secret, created_at, updated_at) VALUES (",
    );
    sql.bind(customer.id)
        .push(", ")
        .bind(c.url)
        .push(", ")
        .bind(c.description)
        .push(", ")
        .bind(c.events)
        .push(", ")
        .bind(i64::from(input.enabled));
    sql.push(", ")
        .bind(secret.clone())
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let created = fetch(&mut *tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(customer.id),
        "webhook",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok((created, secret))
}

/// Endpoints the caller can see, oldest first; filter `customer_id`.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<WebhookEndpoint>> {
    f.only("webhooks", &["customer_id"])?;
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM webhook_endpoints w WHERE 1=1"
    ));
    restrict(&mut sql, scope, "w", Shape::CustomerWide);
    if let Some(c) = f.customer_id {
        sql.push(" AND w.customer_id = ").bind(c);
    }
    let limit = finish(&mut sql, "w", f)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginate(items, limit, |e| e.id))
}

/// Changes an endpoint by a JSON merge patch over its input form, checked
/// like a create; the customer cannot change.
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    changes: serde_json::Value,
    check_url: UrlCheck<'_>,
) -> Result<WebhookEndpoint> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let input = patch::apply(&WebhookInput::from(&before), changes)?;
    patch::immutable("customer_id", &Some(before.customer_id), &input.customer_id)?;
    let c = checked(&input, check_url)?;
    let mut sql = Sql::new("UPDATE webhook_endpoints SET url = ");
    sql.bind(c.url)
        .push(", description = ")
        .bind(c.description)
        .push(", events = ")
        .bind(c.events)
        .push(", enabled = ")
        .bind(i64::from(input.enabled));
    sql.push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut *tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "webhook",
        id,
        "update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Deletes an endpoint with its queued deliveries and their log.
pub async fn delete(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<WebhookEndpoint> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let mut attempts = Sql::new(
        "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ",
    );
    attempts.bind(id).push(")");
    attempts.execute(&mut *tx).await?;
    let mut deliveries = Sql::new("DELETE FROM webhook_deliveries WHERE endpoint_id = ");
    deliveries.bind(id);
    deliveries.execute(&mut *tx).await?;
    let mut endpoint = Sql::new("DELETE FROM webhook_endpoints WHERE id = ");
    endpoint.bind(id);
    endpoint.execute(&mut *tx).await?;
    audit::record(
        &mut tx,
        actor,
        Some(before.customer_id),
        "webhook",
        id,
        "delete",
        Some(&before),
        None::<&()>,
    )
    .await?;
    tx.commit().await?;
    Ok(before)
}

/// Replaces an endpoint's secret; returns the new one (shown once).
/// Deliveries not yet sent are signed with the new secret when they go.
pub async fn rotate_secret(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
) -> Result<(WebhookEndpoint, String)> {
    let mut tx = db.begin().await?;
    let before = fetch(&mut *tx, scope, id).await?;
    let secret = new_secret();
    let mut sql = Sql::new("UPDATE webhook_endpoints SET secret = ");
    sql.bind(secret.clone())
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut *tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "webhook",
        id,
        "rotate_secret",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok((after, secret))
}

/// The enabled endpoints of `customer_id` that hear `kind`, with their ids.
async fn subscribed(tx: &mut Tx<'_>, customer_id: i64, kind: &str) -> Result<Vec<i64>> {
    let mut sql = Sql::new("SELECT id, events FROM webhook_endpoints WHERE customer_id = ");
    sql.bind(customer_id).push(" AND enabled = 1 ORDER BY id");
    let mut out = Vec::new();
    for r in sql.fetch_all(&mut **tx).await? {
        if kind == TEST_EVENT || r.text("events")?.split(',').any(|k| k == kind) {
            out.push(r.int("id")?);
        }
    }
    Ok(out)
}
