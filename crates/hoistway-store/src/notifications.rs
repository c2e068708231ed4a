//! The notification outbox and per-user preferences.
//!
//! A change that someone should hear about writes outbox rows in its own
//! transaction, one per (event, user, channel); the unique key on
//! `(event_key, user_id, channel)` makes each of them exist once however
//! often the change is retried. Drivers (email, SMS, push) claim rows with a
//! lease, deliver, and mark them delivered or schedule a retry, so a driver
//! that is down loses nothing.

use crate::audit::Actor;
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use hoistway_desk::{Channel, Event, Preferences, Role as DeskRole};
use hoistway_domain::Role;
use serde::Serialize;

/// Who should hear about an event.
pub(crate) enum Audience<'a> {
    /// Everyone concerned with a case: the customer's users who can see its
    /// building, the provider's desk, the assigned technician, the reporter.
    Case {
        customer_id: i64,
        building_id: i64,
        technician_id: Option<i64>,
        reporter_user_id: Option<i64>,
    },
    /// Users in these roles (customer-side roles only of this customer and
    /// building).
    Roles {
        roles: &'a [Role],
        customer_id: i64,
        building_id: i64,
    },
    /// Users in these roles, and these users besides (the technicians on
    /// call for the building, issue #21).
    RolesAnd {
        roles: &'a [Role],
        users: &'a [i64],
        customer_id: i64,
        building_id: i64,
    },
}

/// One notification to fan out.
pub(crate) struct Notice<'a> {
    pub event: Event,
    /// Unique per occurrence, e.g. `SO-2026-000001:on_site:1`.
    pub key: String,
    pub case_id: Option<i64>,
    /// The invoice it is about (its page is the notice's link).
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub audience: Audience<'a>,
}

fn desk_role(role: Role) -> DeskRole {
    serde_json::from_value(serde_json::Value::String(role.as_str().into()))
        .unwrap_or(DeskRole::Resident)
}

/// A user's preferences: stored, or the defaults of their role.
pub async fn preferences_of(
    ex: impl sqlx::Executor<'_, Database = sqlx::Any>,
    user_id: i64,
    role: Role,
) -> Result<Preferences> {
    let mut sql = Sql::new("SELECT matrix FROM notification_preferences WHERE user_id = ");
    sql.bind(user_id);
    Ok(match sql.fetch_optional(ex).await? {
        Some(r) => serde_json::from_str(&r.text("matrix")?)
            .unwrap_or_else(|_| Preferences::default_for(desk_role(role))),
        None => Preferences::default_for(desk_role(role)),
    })
}

/// Replaces a user's preferences.
pub async fn set_preferences(
    db: &Db,
    actor: Actor,
    user_id: i64,
    customer_id: Option<i64>,
    prefs: &Preferences,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let matrix = serde_json::to_string(prefs).unwrap_or_else(|_| "{}".into());
    let mut del = Sql::new("DELETE FROM notification_preferences WHERE user_id = ");
    del.bind(user_id);
    del.execute(&mut *tx).await?;
    let mut ins = Sql::new("INSERT INTO notification_preferences (user_id, matrix) VALUES (");
    ins.bind(user_id).push(", ").bind(matrix).push(")");
    ins.execute(&mut *tx).await?;
    crate::audit::record(
        &mut tx,
        actor,
        customer_id,
        "notification_preferences",
        user_id,
        "update",
        None::<&()>,
        Some(prefs),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

struct Recipient {
    id: i64,
    role: Role,
    has_phone: bool,
}

/// Active users who may see `building_id` of `customer_id`, plus every
/// active provider-side user; filtered further by the caller.
async fn candidates(tx: &mut Tx<'_>, customer_id: i64, building_id: i64) -> Result<Vec<Recipient>> {
    let mut sql = Sql::new(
        "SELECT u.id, u.role, u.phone FROM users u WHERE u.disabled = 0 AND (u.customer_id IS NULL OR (u.customer_id = ",
    );
    sql.bind(customer_id).push(
        " AND (NOT EXISTS (SELECT 1 FROM user_portfolios up WHERE up.user_id = u.id) OR EXISTS (SELECT 1 FROM user_portfolios up JOIN portfolio_buildings pb ON pb.portfolio_id = up.portfolio_id WHERE up.user_id = u.id AND pb.building_id = ",
    );
    sql.bind(building_id).push(")))) ORDER BY u.id");
    let rows = sql.fetch_all(&mut **tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Ok(role) = Role::parse(&r.text("role")?) else {
            continue;
        };
        out.push(Recipient {
            id: r.int("id")?,
            role,
            has_phone: r.opt_text("phone")?.is_some_and(|p| !p.is_empty()),
        });
    }
    Ok(out)
}

/// Writes the outbox rows for `notice`; returns how many were new.
pub(crate) async fn enqueue(tx: &mut Tx<'_>, at: DateTime<Utc>, notice: Notice<'_>) -> Result<u64> {
    let (customer_id, building_id) = match notice.audience {
        Audience::Case {
            customer_id,
            building_id,
            ..
        }
        | Audience::Roles {
            customer_id,
            building_id,
            ..
        }
        | Audience::RolesAnd {
            customer_id,
            building_id,
            ..
        } => (customer_id, building_id),
    };
    let people = candidates(tx, customer_id, building_id).await?;
    let mut written = 0;
    for person in people {
        let concerned = match &notice.audience {
            Audience::Case {
                technician_id,
                reporter_user_id,
                ..
            } => {
                let in_role = match person.role {
                    Role::Technician => *technician_id == Some(person.id),
                    _ => true,
                };
                in_role || *reporter_user_id == Some(person.id)
            }
            Audience::Roles { roles, .. } => roles.contains(&person.role),
            Audience::RolesAnd { roles, users, .. } => {
                roles.contains(&person.role) || users.contains(&person.id)
            }
        };
        if !concerned {
            continue;
        }
        let prefs = preferences_of(&mut **tx, person.id, person.role).await?;
        // The list under the portal's bell holds what the user chose to
        // hear about, whichever channels carry it (an SMS-only choice
        // without a phone number still shows there).
        if !prefs.channels(notice.event).is_empty() {
            crate::inbox::add(
                tx,
                at,
                crate::inbox::NewEntry {
                    key: &notice.key,
                    event: event_name(notice.event),
                    user_id: person.id,
                    customer_id: notice.customer_id,
                    case_id: notice.case_id,
                    invoice_id: notice.invoice_id,
                    subject: &notice.subject,
                    body: &notice.body,
                },
            )
            .await?;
        }
        for channel in prefs.channels(notice.event) {
            if *channel == Channel::Sms && !person.has_phone {
                continue;
            }
            let mut sql = Sql::new(
                "INSERT INTO outbox (event_key, event, user_id, channel, customer_id, case_id, invoice_id, subject, body, created_at, next_attempt_at) VALUES (",
            );
            sql.bind(notice.key.clone())
                .push(", ")
                .bind(event_name(notice.event).to_string())
                .push(", ")
                .bind(person.id);
            sql.push(", ")
                .bind(channel_name(*channel).to_string())
                .push(", ")
                .bind(notice.customer_id)
                .push(", ")
                .bind(notice.case_id)
                .push(", ")
                .bind(notice.invoice_id);
            sql.push(", ")
                .bind(notice.subject.clone())
                .push(", ")
                .bind(notice.body.clone())
                .push(", ")
                .bind(at.timestamp_millis())
                .push(", ")
                .bind(at.timestamp_millis());
            sql.push(") ON CONFLICT (event_key, user_id, channel) DO NOTHING");
            written += sql.execute(&mut **tx).await?.rows_affected();
        }
    }
    Ok(written)
}

/// One e-mail to one user that no preference can turn off (an invitation
/// is the only way to reach someone who cannot sign in yet).
pub(crate) struct Letter {
    pub key: String,
    pub event: &'static str,
    pub user_id: i64,
    pub customer_id: Option<i64>,
    pub subject: String,
    pub body: String,
}

/// Sends one e-mail to one user in its own transaction (once per key),
/// for answers that go by mail rather than by the notification matrix
/// (e-mail intake's receipts and refusals).
pub async fn send_letter(
    db: &crate::Db,
    at: DateTime<Utc>,
    user_id: i64,
    customer_id: Option<i64>,
    key: String,
    subject: String,
    body: String,
) -> Result<()> {
    let mut tx = db.begin().await?;
    enqueue_letter(
        &mut tx,
        at,
        Letter {
            key,
            event: "email_intake",
            user_id,
            customer_id,
            subject,
            body,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `letter` to the outbox (once per key).
pub(crate) async fn enqueue_letter(
    tx: &mut Tx<'_>,
    at: DateTime<Utc>,
    letter: Letter,
) -> Result<u64> {
    let mut sql = Sql::new(
        "INSERT INTO outbox (event_key, event, user_id, channel, customer_id, case_id, subject, body, created_at, next_attempt_at) VALUES (",
    );
    sql.bind(letter.key)
        .push(", ")
        .bind(letter.event.to_string())
        .push(", ")
        .bind(letter.user_id)
        .push(", 'email', ")
        .bind(letter.customer_id)
        .push(", NULL, ")
        .bind(letter.subject)
        .push(", ")
        .bind(letter.body)
        .push(", ")
        .bind(at.timestamp_millis())
        .push(", ")
        .bind(at.timestamp_millis())
        .push(") ON CONFLICT (event_key, user_id, channel) DO NOTHING");
    Ok(sql.execute(&mut **tx).await?.rows_affected())
}

pub fn event_name(e: Event) -> &'static str {
    match e {
        Event::CaseCreated => "case_created",
        Event::TechnicianAssigned => "technician_assigned",
        Event::EtaChanged => "eta_changed",
        Event::OnSite => "on_site",
        Event::Resolved => "resolved",
        Event::ReportPosted => "report_posted",
        Event::InvoiceIssued => "invoice_issued",
        Event::InvoiceOverdue => "invoice_overdue",
        Event::Escalation => "escalation",
        Event::PredictiveAlert => "predictive_alert",
        Event::CertificateExpiring => "certificate_expiring",
        Event::PlaybookReviewDue => "playbook_review_due",
        Event::OfferUpdated => "offer_updated",
        Event::RootCauseUpdated => "root_cause_updated",
    }
}

pub fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Push => "push",
    }
}

/// An outbox row, as drivers and the portal's feed see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub event: String,
    pub channel: String,
    pub user_id: i64,
    /// The customer the user belongs to (`None` for the provider's staff):
    /// a push is published into that tenant's live stream.
    #[serde(skip)]
    pub user_customer_id: Option<i64>,
    /// Where to deliver: the user's e-mail or phone.
    #[serde(skip)]
    pub address: Option<String>,
    pub case_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Stable per (event, user, channel): receivers use it to drop repeats.
    pub dedupe_key: String,
    /// The user's role (where a link for them leads).
    #[serde(skip)]
    pub user_role: Option<Role>,
    /// The case's number, when it is about a case.
    #[serde(skip)]
    pub case_number: Option<String>,
    /// The invoice it is about.
    #[serde(skip)]
    pub invoice_id: Option<i64>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Notification> {
    let event_key = r.text("event_key")?;
    let user_id = r.int("user_id")?;
    let channel = r.text("channel")?;
    Ok(Notification {
        id: r.int("id")?,
        event: r.text("event")?,
        dedupe_key: format!("{event_key}/{user_id}/{channel}"),
        channel,
        user_id,
        user_customer_id: r.opt_int("user_customer_id")?,
        address: r.opt_text("address")?,
        case_id: r.opt_int("case_id")?,
        subject: r.text("subject")?,
        body: r.text("body")?,
        created_at: r.instant("created_at")?,
        attempts: r.int("attempts")?,
        delivered_at: r.opt_int("delivered_at")?.map(crate::row::from_millis),
        last_error: r.opt_text("last_error")?,
        user_role: r.opt_text("user_role")?.and_then(|v| Role::parse(&v).ok()),
        case_number: r.opt_text("case_number")?,
        invoice_id: r.opt_int("invoice_id")?,
    })
}

/// Claims up to `limit` due rows of `channel` for `lease` (another node will
/// not take them meanwhile).
pub async fn claim(
    db: &Db,
    channel: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: i64,
) -> Result<Vec<Notification>> {
    let now_ms = now.timestamp_millis();
    let mut pick = Sql::new("SELECT id FROM outbox WHERE delivered_at IS NULL AND channel = ");
    pick.bind(channel.to_string())
        .push(" AND next_attempt_at <= ")
        .bind(now_ms)
        .push(" AND (lease_until IS NULL OR lease_until < ")
        .bind(now_ms)
        .push(") ORDER BY id LIMIT ")
        .bind(limit);
    let ids: Vec<i64> = pick
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::new();
    for id in ids {
        let mut up = Sql::new("UPDATE outbox SET lease_until = ");
        up.bind((now + lease).timestamp_millis())
            .push(" WHERE id = ")
            .bind(id)
            .push(" AND delivered_at IS NULL AND (lease_until IS NULL OR lease_until < ")
            .bind(now_ms)
            .push(")");
        if up.execute(&db.pool).await?.rows_affected() == 1 {
            let mut get = Sql::new(
                "SELECT o.*, CASE WHEN o.channel = 'sms' THEN u.phone ELSE u.email END AS address, u.customer_id AS user_customer_id, u.role AS user_role, c.number AS case_number FROM outbox o JOIN users u ON u.id = o.user_id LEFT JOIN cases c ON c.id = o.case_id WHERE o.id = ",
            );
            get.bind(id);
            claimed.push(from_row(&get.fetch_one(&db.pool).await?)?);
        }
    }
    Ok(claimed)
}

pub async fn mark_delivered(db: &Db, id: i64, at: DateTime<Utc>) -> Result<()> {
    let mut sql = Sql::new("UPDATE outbox SET delivered_at = ");
    sql.bind(at.timestamp_millis())
        .push(", lease_until = NULL, attempts = attempts + 1 WHERE id = ")
        .bind(id);
    sql.execute(&db.pool).await?;
    Ok(())
}

/// Records a failed attempt; the next one waits twice as long each time,
/// from 10 s up to an hour.
pub async fn mark_failed(db: &Db, n: &Notification, at: DateTime<Utc>, error: &str) -> Result<()> {
    let backoff_s = (10i64 << n.attempts.clamp(0, 9)).min(3600);
    let mut sql =
        Sql::new("UPDATE outbox SET attempts = attempts + 1, lease_until = NULL, last_error = ");
    sql.bind(error.chars().take(500).collect::<String>())
        .push(", next_attempt_at = ")
        .bind(at.timestamp_millis() + backoff_s * 1000)
        .push(" WHERE id = ")
        .bind(n.id);
    sql.execute(&db.pool).await?;
    Ok(())
}

/// The newest notifications of a user (their in-portal inbox), after `after_id`.
pub async fn for_user(
    db: &Db,
    user_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    let mut sql = Sql::new("SELECT o.*, NULL AS address, u.customer_id AS user_customer_id, u.role AS user_role, NULL AS case_number FROM outbox o JOIN users u ON u.id = o.user_id WHERE o.user_id = ");
    sql.bind(user_id)
        .push(" AND o.id > ")
        .bind(after_id)
        .push(" ORDER BY o.id LIMIT ")
        .bind(limit);
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Gives a claimed row back without counting an attempt (its channel has no
/// driver here; another node may have one).
pub async fn release(db: &Db, id: i64) -> Result<()> {
    let mut sql = Sql::new("UPDATE outbox SET lease_until = NULL WHERE id = ");
    sql.bind(id);
    sql.execute(&db.pool).await?;
    Ok(())
}

/// Marks every undelivered row written before `before` as delivered when it
/// was written: the outbox of a replayed past (the demo's history), whose
/// notices went out at the time, not at the next start.
pub async fn settle_before(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let mut sql = Sql::new("UPDATE outbox SET delivered_at = created_at, attempts = 1 WHERE delivered_at IS NULL AND created_at < ");
    sql.bind(before.timestamp_millis());
    let settled = sql.execute(&db.pool).await?.rows_affected();
    // ... and were read then: nobody's bell counts two years of notices.
    let mut read =
        Sql::new("UPDATE inbox SET read_at = created_at WHERE read_at IS NULL AND created_at < ");
    read.bind(before.timestamp_millis());
    read.execute(&db.pool).await?;
    Ok(settled)
}
