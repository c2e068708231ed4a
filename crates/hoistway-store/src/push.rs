//! Web Push: the browsers' subscriptions per user and the server's VAPID
//! key pair.
//!
//! A subscription's endpoint is unique: a browser that subscribes again
//! for another user (a shared device, after signing in as someone else)
//! moves to that user, so one browser never receives two people's pushes.
//! The audit rows name the endpoint's origin only: the endpoint and its
//! keys let anyone push to that browser and stay out of the log.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};

/// A browser's push subscription (the fields of `PushSubscription.toJSON()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub user_id: i64,
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (`keys.p256dh`).
    pub p256dh: String,
    /// The browser's 16-byte auth secret, base64url (`keys.auth`).
    pub auth: String,
    pub created_at: DateTime<Utc>,
}

fn subscription(r: &sqlx::any::AnyRow) -> Result<Subscription> {
    Ok(Subscription {
        id: r.int("id")?,
        user_id: r.int("user_id")?,
        endpoint: r.text("endpoint")?,
        p256dh: r.text("p256dh")?,
        auth: r.text("auth")?,
        created_at: r.instant("created_at")?,
    })
}

/// `scheme://host[:port]` of an endpoint, what the audit log keeps.
pub(crate) fn origin_of(endpoint: &str) -> String {
    match endpoint.split_once("://") {
        Some((scheme, r)) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => String::new(),
    }
}

/// Stores (or moves to `user_id`, with new keys) the subscription of one
/// browser; audited. Checking the endpoint and keys is the caller's job.
pub async fn subscribe(
    db: &Db,
    actor: Actor,
    user_id: i64,
    customer_id: Option<i64>,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<Subscription> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (",
    );
    up.bind(user_id)
        .push(", ")
        .bind(endpoint.to_string())
        .push(", ")
        .bind(p256dh.to_string())
        .push(", ")
        .bind(auth.to_string())
        .push(", ")
        .bind(actor.at.timestamp_millis())
        .push(
            ") ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at",
        );
    up.execute(&mut *tx).await?;
    let mut get = Sql::new("SELECT * FROM push_subscriptions WHERE endpoint = ");
    get.bind(endpoint.to_string());
    let sub = subscription(&get.fetch_one(&mut *tx).await?)?;
    audit::record(
        &mut tx,
        actor,
        customer_id,
        "push_subscription",
        sub.id,
        "subscribe",
        None::<&()>,
        Some(&serde_json::json!({ "user_id": user_id, "push_service": origin_of(endpoint) })),
    )
    .await?;
    tx.commit().await?;
    Ok(sub)
}

/// Removes the user's subscription of `endpoint` (audited); false when
/// the user has none there.
pub async fn unsubscribe(
    db: &Db,
    actor: Actor,
    user_id: i64,
    customer_id: Option<i64>,
    endpoint: &str,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let mut get = Sql::new("SELECT * FROM push_subscriptions WHERE endpoint = ");
    get.bind(endpoint.to_string())
        .push(" AND user_id = ")
        .bind(user_id);
    let Some(row) = get.fetch_optional(&mut *tx).await? else {
        return Ok(false);
    };
    let sub = subscription(&row)?;
    remove_in(&mut tx, actor, customer_id, &sub, "unsubscribe").await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes a subscription the push service says is gone (404 or 410);
/// audited as the system's doing.
pub async fn remove_gone(db: &Db, actor: Actor, sub: &Subscription) -> Result<()> {
    let mut tx = db.begin().await?;
    let mut who = Sql::new("SELECT customer_id FROM users WHERE id = ");
    who.bind(sub.user_id);
    let customer_id = match who.fetch_optional(&mut *tx).await? {
        Some(r) => r.opt_int("customer_id")?,
        None => None,
    };
    remove_in(&mut tx, actor, customer_id, sub, "gone").await?;
    tx.commit().await?;
    Ok(())
}

async fn remove_in(
    tx: &mut crate::Tx<'_>,
    actor: Actor,
    customer_id: Option<i64>,
    sub: &Subscription,
    action: &str,
) -> Result<()> {
    let mut del = Sql::new("DELETE FROM push_subscriptions WHERE id = ");
    del.bind(sub.id);
    if del.execute(&mut **tx).await?.rows_affected() == 0 {
        return Ok(());
    }
    audit::record(
        tx,
        actor,
        customer_id,
        "push_subscription",
        sub.id,
        action,
        Some(&serde_json::json!({ "user_id": sub.user_id, "push_service": origin_of(&sub.endpoint) })),
        None::<&()>,
    )
    .await
}

/// The subscriptions of one user (every browser they subscribed).
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<Subscription>> {
    let mut sql = Sql::new("SELECT * FROM push_subscriptions WHERE user_id = ");
    sql.bind(user_id).push(" ORDER BY id");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(subscription)
        .collect()
}

/// The stored VAPID key pair: (private, public), both base64url.
pub async fn vapid_key(db: &Db) -> Result<Option<(String, String)>> {
    let sql = Sql::new("SELECT private_key, public_key FROM vapid_keys WHERE id = 1");
    Ok(match sql.fetch_optional(&db.pool).await? {
        Some(r) => Some((r.text("private_key")?, r.text("public_key")?)),
        None => None,
    })
}

/// Stores `candidate` as the VAPID key pair unless one exists, and returns
/// the stored one: nodes starting at once agree on the first.
pub async fn vapid_key_or_insert(
    db: &Db,
    at: DateTime<Utc>,
    candidate: (&str, &str),
) -> Result<(String, String)> {
    let mut ins =
        Sql::new("INSERT INTO vapid_keys (id, private_key, public_key, created_at) VALUES (1, ");
    ins.bind(candidate.0.to_string())
        .push(", ")
        .bind(candidate.1.to_string())
        .push(", ")
        .bind(at.timestamp_millis())
        .push(") ON CONFLICT (id) DO NOTHING");
    ins.execute(&db.pool).await?;
    Ok(vapid_key(db)
        .await?
        .unwrap_or((candidate.0.to_string(), candidate.1.to_string())))
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_audit_keeps_only_the_push_service() {
        assert_eq!(
            origin_of("https://fcm.googleapis.com/fcm/send/abc:def?x=1"),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:4000/push/1"),
            "http://127.0.0.1:4000"
        );
        assert_eq!(origin_of("nonsense"), "");
    }
}
