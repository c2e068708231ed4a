//! Erasing a person (the right to erasure): the account becomes a stable
//! pseudonym, their name, e-mail and phone are replaced in case history,
//! timelines, audit rows and other people's notifications, and everything
//! that lets the person act or be reached (sessions, tokens, second factor,
//! grants, push subscriptions, their own notifications) is removed. Cases,
//! visits and invoices stay, so the history stays useful.

use super::scrub::Identity;
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::like_pattern;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{grants, users, Db, Tx};
use hoistway_domain::{Role, Scope};
use serde::Serialize;

/// What an erasure did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Erased {
    pub user_id: i64,
    /// The name that now stands for the person everywhere.
    pub pseudonym: String,
    /// Timeline entries, audit rows and notifications rewritten.
    pub rows_rewritten: u64,
    /// Sessions, tokens, subscriptions and own notifications deleted.
    pub rows_deleted: u64,
    pub grants_revoked: usize,
}

/// The stable pseudonym of user `id`: the same every time, and nothing
/// about the person.
pub fn pseudonym(id: i64) -> String {
    format!("Former user {id}")
}

/// Tables whose rows belong to the person alone and are deleted.
const OWN_ROWS: [&str; 12] = [
    "sessions",
    "user_portfolios",
    "idempotency_keys",
    "notification_preferences",
    "technician_profiles",
    "calendar_tokens",
    "user_totp",
    "user_recovery_codes",
    "signin_challenges",
    "invitations",
    "push_subscriptions",
    "inbox",
];

/// Erases user `id` (in the caller's scope). Refused for an account
/// already erased and for the last active provider admin.
pub async fn erase(db: &Db, scope: &Scope, actor: Actor, id: i64) -> Result<Erased> {
    let mut tx = db.begin().await?;
    let user = users::fetch(&mut tx, scope, id).await?;
    let mut check = Sql::new("SELECT erased_at FROM users WHERE id = ");
    check.bind(id);
    if check
        .fetch_one(&mut *tx)
        .await?
        .opt_int("erased_at")?
        .is_some()
    {
        return Err(StoreError::Conflict(format!("user {id} is already erased")));
    }
    if user.role == Role::ProviderAdmin && !user.disabled {
        users::keep_one_provider_admin(&mut tx, id).await?;
    }
    let who = Identity {
        name: user.name.clone(),
        email: user.email.clone(),
        phones: phones_of(&mut tx, id, user.phone.clone()).await?,
        pseudonym: pseudonym(id),
        pseudonym_email: format!("erased-{id}@erased.invalid"),
    };
    let grants_revoked = grants::revoke_for_user(&mut tx, actor, id).await?;
    let mut rewritten = rewrite_cases(&mut tx, id, &who).await?;
    rewritten += rewrite_timelines(&mut tx, id, &who).await?;
    rewritten += rewrite_audit(&mut tx, &who).await?;
    rewritten += rewrite_others_notifications(&mut tx, id, &who).await?;
    let mut deleted = 0;
    for table in OWN_ROWS {
        let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE user_id = "));
        sql.bind(id);
        deleted += sql.execute(&mut *tx).await?.rows_affected();
    }
    // Their outbox rows would be sent to the erased address.
    let mut sql = Sql::new("DELETE FROM outbox WHERE user_id = ");
    sql.bind(id);
    deleted += sql.execute(&mut *tx).await?.rows_affected();

    let mut sql = Sql::new("UPDATE users SET name = ");
    sql.bind(who.pseudonym.clone())
        .push(", email = ")
        .bind(who.pseudonym_email.clone())
        // Not a hash of anything: no password verifies against it, and it
        // is not empty, which would read as a pending invitation.
        .push(", phone = NULL, timezone = NULL, password_hash = '!erased', disabled = 1, erased_at = ")
        .bind(actor.at.timestamp_millis())
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let done = Erased {
        user_id: id,
        pseudonym: who.pseudonym.clone(),
        rows_rewritten: rewritten,
        rows_deleted: deleted,
        grants_revoked,
    };
    // The audit row says that it happened, never who the person was.
    audit::record(
        &mut tx,
        actor,
        user.customer_id,
        "user",
        id,
        "erase",
        None::<&()>,
        Some(&done),
    )
    .await?;
    tx.commit().await?;
    Ok(done)
}

/// Their own phone and the callback numbers they gave on cases.
async fn phones_of(tx: &mut Tx<'_>, id: i64, own: Option<String>) -> Result<Vec<String>> {
    let mut phones: Vec<String> = own.into_iter().collect();
    let mut sql = Sql::new("SELECT callback_phone AS p FROM cases WHERE reporter_user_id = ");
    sql.bind(id)
        .push(" UNION SELECT callback_request_phone AS p FROM cases WHERE callback_requested_by = ")
        .bind(id);
    for r in sql.fetch_all(&mut **tx).await? {
        if let Some(p) = r.opt_text("p")? {
            phones.push(p);
        }
    }
    phones.retain(|p| !p.trim().is_empty());
    phones.sort();
    phones.dedup();
    Ok(phones)
}

/// Cases they reported or asked a callback on: reporter and phones go,
/// and their own words lose their identifiers.
async fn rewrite_cases(tx: &mut Tx<'_>, id: i64, who: &Identity) -> Result<u64> {
    let mut sql = Sql::new("UPDATE cases SET reporter_name = ");
    sql.bind(who.pseudonym.clone())
        .push(", callback_phone = NULL WHERE reporter_user_id = ")
        .bind(id);
    let mut n = sql.execute(&mut **tx).await?.rows_affected();
    let mut sql =
        Sql::new("UPDATE cases SET callback_request_phone = NULL WHERE callback_requested_by = ");
    sql.bind(id);
    n += sql.execute(&mut **tx).await?.rows_affected();
    // What they wrote in their own words.
    let mut sql = Sql::new(
        "SELECT id, symptoms, hazards, access_instructions FROM cases WHERE reporter_user_id = ",
    );
    sql.bind(id);
    for r in sql.fetch_all(&mut **tx).await? {
        let (symptoms, hazards) = (r.text("symptoms")?, r.text("hazards")?);
        let access = r.opt_text("access_instructions")?;
        let mut up = Sql::new("UPDATE cases SET symptoms = ");
        up.bind(who.text(&symptoms))
            .push(", hazards = ")
            .bind(who.json_text(&hazards))
            .push(", access_instructions = ")
            .bind(access.map(|a| who.text(&a)))
            .push(" WHERE id = ")
            .bind(r.int("id")?);
        up.execute(&mut **tx).await?;
    }
    Ok(n)
}

/// Timeline entries they wrote, and every entry of the cases they reported.
async fn rewrite_timelines(tx: &mut Tx<'_>, id: i64, who: &Identity) -> Result<u64> {
    let mut sql = Sql::new("SELECT id, message, detail FROM case_events WHERE actor_user_id = ");
    sql.bind(id)
        .push(" OR case_id IN (SELECT id FROM cases WHERE reporter_user_id = ")
        .bind(id)
        .push(" OR callback_requested_by = ")
        .bind(id)
        .push(" OR escalation_requested_by = ")
        .bind(id)
        .push(")");
    let rows = sql.fetch_all(&mut **tx).await?;
    let mut n = 0;
    for r in rows {
        let (message, detail) = (r.text("message")?, r.opt_text("detail")?);
        let new_message = who.text(&message);
        let new_detail = detail.as_deref().map(|d| who.json_text(d));
        if new_message != message || new_detail != detail {
            let mut up = Sql::new("UPDATE case_events SET message = ");
            up.bind(new_message)
                .push(", detail = ")
                .bind(new_detail)
                .push(" WHERE id = ")
                .bind(r.int("id")?);
            n += up.execute(&mut **tx).await?.rows_affected();
        }
    }
    Ok(n)
}

/// Audit rows whose before/after documents mention them, and webhook
/// messages (built from audit rows) that mention them.
async fn rewrite_audit(tx: &mut Tx<'_>, who: &Identity) -> Result<u64> {
    let mut n = rewrite_json_rows(tx, who, "audit_log", &["before_json", "after_json"]).await?;
    n += rewrite_json_rows(tx, who, "webhook_deliveries", &["body"]).await?;
    Ok(n)
}

/// Rewrites the JSON text `columns` of every row of `table` whose text
/// contains one of the person's identifiers.
async fn rewrite_json_rows(
    tx: &mut Tx<'_>,
    who: &Identity,
    table: &str,
    columns: &[&str],
) -> Result<u64> {
    let mut sql = Sql::new(&format!(
        "SELECT id, {} FROM {table} WHERE 1=0",
        columns.join(", ")
    ));
    for needle in who.needles() {
        let p = like_pattern(needle);
        for c in columns {
            sql.push(&format!(" OR LOWER({c}) LIKE "))
                .bind_like(p.clone());
        }
    }
    let rows = sql.fetch_all(&mut **tx).await?;
    let mut n = 0;
    for r in rows {
        let mut up = Sql::new(&format!("UPDATE {table} SET "));
        let mut changed = false;
        for (i, c) in columns.iter().enumerate() {
            let old = r.opt_text(c)?;
            let new = old.as_deref().map(|t| who.json_text(t));
            changed |= new != old;
            if i > 0 {
                up.push(", ");
            }
            up.push(&format!("{c} = ")).bind(new);
        }
        if changed {
            up.push(" WHERE id = ").bind(r.int("id")?);
            n += up.execute(&mut **tx).await?.rows_affected();
        }
    }
    Ok(n)
}

/// Other people's notifications about the cases they reported.
async fn rewrite_others_notifications(tx: &mut Tx<'_>, id: i64, who: &Identity) -> Result<u64> {
    let mut n = 0;
    for table in ["outbox", "inbox"] {
        let mut sql = Sql::new(&format!(
            "SELECT id, subject, body FROM {table} WHERE user_id <> "
        ));
        sql.bind(id)
            .push(" AND case_id IN (SELECT id FROM cases WHERE reporter_user_id = ")
            .bind(id)
            .push(")");
        for r in sql.fetch_all(&mut **tx).await? {
            let (subject, body) = (r.text("subject")?, r.text("body")?);
            let (s2, b2) = (who.text(&subject), who.text(&body));
            if s2 != subject || b2 != body {
                let mut up = Sql::new(&format!("UPDATE {table} SET subject = "));
                up.bind(s2)
                    .push(", body = ")
                    .bind(b2)
                    .push(" WHERE id = ")
                    .bind(r.int("id")?);
                n += up.execute(&mut **tx).await?.rows_affected();
            }
        }
    }
    Ok(n)
}
