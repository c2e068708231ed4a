//! The in-portal notification list: one row per (notice, user), written in
//! the transaction of the change beside the outbox rows
//! ([`crate::notifications`]), read and marked read only by its own user.
//!
//! Every function takes the user's id and filters on it in SQL: a row of
//! another user is `NotFound`, the same as a missing row, so nobody learns
//! about another user's (or tenant's) notices.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One entry of a user's list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub id: i64,
    /// The event's wire name (`case_created`, `invoice_issued`, …).
    pub event: String,
    pub subject: String,
    pub body: String,
    /// The case it is about, by number (for its page), and what was reported.
    pub case_number: Option<String>,
    pub case_symptoms: Option<String>,
    /// The case's building's time zone (the portal shows times in it).
    pub timezone: Option<String>,
    /// The invoice it is about (for its page), and its number.
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What one row of the list holds when written.
pub(crate) struct NewEntry<'a> {
    pub key: &'a str,
    pub event: &'a str,
    pub user_id: i64,
    pub customer_id: Option<i64>,
    pub case_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Writes one row (once per key and user).
pub(crate) async fn add(tx: &mut Tx<'_>, at: DateTime<Utc>, e: NewEntry<'_>) -> Result<u64> {
    let mut sql = Sql::new(
        "INSERT INTO inbox (event_key, event, user_id, customer_id, case_id, invoice_id, subject, body, created_at) VALUES (",
    );
    sql.bind(e.key.to_string())
        .push(", ")
        .bind(e.event.to_string())
        .push(", ")
        .bind(e.user_id)
        .push(", ")
        .bind(e.customer_id);
    sql.push(", ")
        .bind(e.case_id)
        .push(", ")
        .bind(e.invoice_id)
        .push(", ")
        .bind(e.subject.to_string())
        .push(", ")
        .bind(e.body.to_string())
        .push(", ")
        .bind(at.timestamp_millis())
        .push(") ON CONFLICT (event_key, user_id) DO NOTHING");
    Ok(sql.execute(&mut **tx).await?.rows_affected())
}

/// The entries with what they are about (case, its building's zone, invoice).
const SELECT: &str = "SELECT i.*, c.number AS case_number, c.symptoms AS case_symptoms, b.timezone AS timezone, v.number AS invoice_number FROM inbox i LEFT JOIN cases c ON c.id = i.case_id LEFT JOIN buildings b ON b.id = c.building_id LEFT JOIN invoices v ON v.id = i.invoice_id WHERE ";

fn entry(r: &sqlx::any::AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: r.int("id")?,
        event: r.text("event")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        case_number: r.opt_text("case_number")?,
        case_symptoms: r.opt_text("case_symptoms")?,
        timezone: r.opt_text("timezone")?,
        invoice_id: r.opt_int("invoice_id")?,
        invoice_number: r.opt_text("invoice_number")?,
        created_at: r.instant("created_at")?,
        read_at: r.opt_int("read_at")?.map(crate::row::from_millis),
    })
}

/// The user's newest entries, older than `before` (an id) when given,
/// newest first. Asks for one more than `limit` is up to the caller.
pub async fn list(db: &Db, user_id: i64, before: Option<i64>, limit: i64) -> Result<Vec<Entry>> {
    let mut sql = Sql::new(&format!("{SELECT}i.user_id = "));
    sql.bind(user_id);
    if let Some(b) = before {
        sql.push(" AND i.id < ").bind(b);
    }
    sql.push(" ORDER BY i.id DESC LIMIT ").bind(limit);
    sql.fetch_all(&db.pool).await?.iter().map(entry).collect()
}

/// How many of the user's entries are unread (the bell's number).
pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM inbox WHERE read_at IS NULL AND user_id = ");
    sql.bind(user_id);
    Ok(sql.fetch_one(&db.pool).await?.int("n")?)
}

/// One entry of the user's, or `NotFound`.
pub async fn get(db: &Db, user_id: i64, id: i64) -> Result<Entry> {
    let mut sql = Sql::new(&format!("{SELECT}i.id = "));
    sql.bind(id).push(" AND i.user_id = ").bind(user_id);
    match sql.fetch_optional(&db.pool).await? {
        Some(r) => entry(&r),
        None => Err(StoreError::NotFound("notification")),
    }
}

/// Marks one of the user's entries read (audited); reading one already
/// read changes nothing and writes no audit row.
pub async fn mark_read(
    db: &Db,
    actor: Actor,
    user_id: i64,
    customer_id: Option<i64>,
    id: i64,
) -> Result<Entry> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new("UPDATE inbox SET read_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE read_at IS NULL AND id = ")
        .bind(id)
        .push(" AND user_id = ")
        .bind(user_id);
    let changed = up.execute(&mut *tx).await?.rows_affected();
    if changed == 1 {
        audit::record(
            &mut tx,
            actor,
            customer_id,
            "notification",
            id,
            "read",
            None::<&()>,
            Some(&serde_json::json!({ "read_at": actor.at })),
        )
        .await?;
    }
    tx.commit().await?;
    get(db, user_id, id).await
}

/// Marks every unread entry of the user read (one audit row naming how
/// many); returns that number.
pub async fn mark_all_read(
    db: &Db,
    actor: Actor,
    user_id: i64,
    customer_id: Option<i64>,
) -> Result<u64> {
    let mut tx = db.begin().await?;
    let mut up = Sql::new("UPDATE inbox SET read_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE read_at IS NULL AND user_id = ")
        .bind(user_id);
    let changed = up.execute(&mut *tx).await?.rows_affected();
    if changed > 0 {
        audit::record(
            &mut tx,
            actor,
            customer_id,
            "notifications",
            user_id,
            "read_all",
            None::<&()>,
            Some(&serde_json::json!({ "read": changed, "read_at": actor.at })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Fills the list of a user who arrives after the fact (the demo's people
/// are created after their buildings' past): the latest `limit` things
/// that happened to cases in the buildings they may see — opened, a
/// technician on site, resolved — among the events their preferences ask
/// for, each dated when it happened; the newest `unread` stay unread, the
/// others count as read an hour later. Returns how many were written.
pub async fn catch_up(
    db: &Db,
    user_id: i64,
    prefs: &hoistway_desk::Preferences,
    limit: usize,
    unread: usize,
) -> Result<u64> {
    use hoistway_desk::Event;
    let mut sql = Sql::new(
        "SELECT c.id, c.number, c.customer_id, c.symptoms, c.created_at, c.first_on_site_at, c.resolved_at FROM cases c JOIN users u ON u.id = ",
    );
    sql.bind(user_id).push(
        " WHERE c.customer_id = u.customer_id AND (NOT EXISTS (SELECT 1 FROM user_portfolios up WHERE up.user_id = u.id) OR EXISTS (SELECT 1 FROM user_portfolios up JOIN portfolio_buildings pb ON pb.portfolio_id = up.portfolio_id WHERE up.user_id = u.id AND pb.building_id = c.building_id)) ORDER BY c.created_at DESC LIMIT ",
    );
    sql.bind((limit * 3) as i64);
    let mut events = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        let number = r.text("number")?;
        let steps = [
            (Event::CaseCreated, "created", Some(r.int("created_at")?)),
            (Event::OnSite, "on_site", r.opt_int("first_on_site_at")?),
            (Event::Resolved, "resolved", r.opt_int("resolved_at")?),
        ];
        for (event, what, at) in steps {
            let Some(at) = at else { continue };
            if prefs.channels(event).is_empty() {
                continue;
            }
            events.push((
                at,
                event,
                format!("{number}:{what}"),
                r.int("id")?,
                r.int("customer_id")?,
                format!("{number}: {}", r.text("symptoms")?),
            ));
        }
    }
    events.sort_by_key(|e| std::cmp::Reverse(e.0));
    events.truncate(limit);
    let mut tx = db.begin().await?;
    let mut written = 0;
    // Oldest first, so ids grow with time as for live notices.
    for (i, (at, event, key, case_id, customer_id, body)) in events.into_iter().enumerate().rev() {
        let when = crate::row::from_millis(at);
        let name = crate::notifications::event_name(event);
        written += add(
            &mut tx,
            when,
            NewEntry {
                key: &key,
                event: name,
                user_id,
                customer_id: Some(customer_id),
                case_id: Some(case_id),
                invoice_id: None,
                subject: &key,
                body: &body,
            },
        )
        .await?;
        if i >= unread {
            let mut read = Sql::new("UPDATE inbox SET read_at = ");
            read.bind(at + 3_600_000)
                .push(" WHERE user_id = ")
                .bind(user_id)
                .push(" AND event_key = ")
                .bind(key);
            read.execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(written)
}
