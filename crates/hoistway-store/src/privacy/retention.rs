//! How long each kind of record is kept, and the deletion of what is older
//! (run daily by a leased job in `hoistway-jobs`). Raw telemetry has its own
//! period, the connected-equipment setting, and its own job.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::{from_millis, RowExt};
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Duration, Utc};
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};

/// One kind of record and how long it is kept.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RetentionPolicy {
    /// `closed_cases`, `audit`, `notifications`, `sign_ins` or
    /// `idempotency_keys`.
    pub kind: String,
    pub days: i64,
    /// What is deleted once it is older than `days`.
    pub applies_to: String,
    /// The shortest period allowed.
    pub min_days: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A new period for one kind.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionInput {
    pub days: i64,
}

/// The kinds, what each covers and the shortest period that keeps the
/// system working (case history for warranty and KPIs, audit for a year's
/// review, a replayed request within its idempotency window).
const KINDS: [(&str, &str, i64); 5] = [
    (
        "closed_cases",
        "Cases closed or cancelled longer ago, with their timelines, holds and escalations",
        365,
    ),
    ("audit", "Audit trail rows", 365),
    (
        "notifications",
        "Notifications sent or listed in the portal",
        30,
    ),
    ("sign_ins", "Ended or expired sign-in sessions", 1),
    (
        "idempotency_keys",
        "Remembered answers to repeated API requests",
        1,
    ),
];

/// The longest period accepted (a hundred years).
const MAX_DAYS: i64 = 36_500;

fn describe(kind: &str) -> Option<(&'static str, i64)> {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, what, min)| (*what, *min))
}

/// Every policy, in a fixed order.
pub async fn policies(db: &Db) -> Result<Vec<RetentionPolicy>> {
    let mut tx = db.begin().await?;
    policies_in(&mut tx).await
}

/// Sets one kind's period (the provider's decision), audited.
pub async fn set(
    db: &Db,
    actor: Actor,
    kind: &str,
    input: RetentionInput,
) -> Result<RetentionPolicy> {
    let (_, min) = describe(kind).ok_or(StoreError::NotFound("retention kind"))?;
    if input.days < min || input.days > MAX_DAYS {
        return Err(Invalid::new(
            "days",
            format!("must be between {min} and {MAX_DAYS} for {kind}"),
        )
        .into());
    }
    let before = policies(db).await?.into_iter().find(|p| p.kind == kind);
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("UPDATE retention_policies SET days = ");
    sql.bind(input.days)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE kind = ")
        .bind(kind.to_string());
    sql.execute(&mut *tx).await?;
    let after = policies_in(&mut tx)
        .await?
        .into_iter()
        .find(|p| p.kind == kind);
    audit::record(
        &mut tx,
        actor,
        None,
        "retention_policy",
        0,
        kind,
        before.as_ref(),
        after.as_ref(),
    )
    .await?;
    tx.commit().await?;
    after.ok_or(StoreError::NotFound("retention kind"))
}

async fn policies_in(tx: &mut Tx<'_>) -> Result<Vec<RetentionPolicy>> {
    let rows = Sql::new("SELECT kind, days, updated_at FROM retention_policies")
        .fetch_all(&mut **tx)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let kind = r.text("kind")?;
        if let Some((what, min)) = describe(&kind) {
            let updated = r.int("updated_at")?;
            out.push(RetentionPolicy {
                kind,
                days: r.int("days")?,
                applies_to: what.to_string(),
                min_days: min,
                updated_at: (updated > 0).then(|| from_millis(updated)),
            });
        }
    }
    out.sort_by_key(|p| KINDS.iter().position(|(k, _, _)| *k == p.kind));
    Ok(out)
}

/// What one retention run deleted, per kind.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RetentionRun {
    pub closed_cases: u64,
    pub audit_rows: u64,
    pub notifications: u64,
    pub sign_ins: u64,
    pub idempotency_keys: u64,
}

/// Deletes every record older than its kind's period, as of `now`, in one
/// transaction; the run is audited (as the system) when it deleted anything.
pub async fn enforce(db: &Db, now: DateTime<Utc>) -> Result<RetentionRun> {
    let mut tx = db.begin().await?;
    let days: Vec<(String, i64)> = policies_in(&mut tx)
        .await?
        .into_iter()
        .map(|p| (p.kind, p.days))
        .collect();
    let cutoff = |kind: &str| {
        let d = days
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(MAX_DAYS, |(_, d)| *d);
        (now - Duration::days(d)).timestamp_millis()
    };
    let mut run = RetentionRun::default();

    // Closed, or cancelled (which has no closing time) and untouched since.
    let ended = |sql: &mut Sql, c: i64| {
        sql.push("(closed_at < ")
            .bind(c)
            .push(" OR (status = 'cancelled' AND updated_at < ")
            .bind(c)
            .push("))");
    };
    let c = cutoff("closed_cases");
    for table in [
        "case_events",
        "case_holds",
        "case_escalations",
        "outbox",
        "inbox",
    ] {
        let mut sql = Sql::new(&format!(
            "DELETE FROM {table} WHERE case_id IN (SELECT id FROM cases WHERE "
        ));
        ended(&mut sql, c);
        sql.push(")");
        sql.execute(&mut *tx).await?;
    }
    let mut sql = Sql::new("DELETE FROM cases WHERE ");
    ended(&mut sql, c);
    run.closed_cases = sql.execute(&mut *tx).await?.rows_affected();

    let mut sql = Sql::new("DELETE FROM audit_log WHERE at < ");
    sql.bind(cutoff("audit"));
    run.audit_rows = sql.execute(&mut *tx).await?.rows_affected();

    let n = cutoff("notifications");
    for table in ["outbox", "inbox"] {
        let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE created_at < "));
        sql.bind(n);
        run.notifications += sql.execute(&mut *tx).await?.rows_affected();
    }

    let s = cutoff("sign_ins");
    let mut sql = Sql::new("DELETE FROM sessions WHERE expires_at < ");
    sql.bind(s).push(" OR revoked_at < ").bind(s);
    run.sign_ins = sql.execute(&mut *tx).await?.rows_affected();
    let mut sql = Sql::new("DELETE FROM signin_challenges WHERE expires_at < ");
    sql.bind(s);
    sql.execute(&mut *tx).await?;

    let mut sql = Sql::new("DELETE FROM idempotency_keys WHERE created_at < ");
    sql.bind(cutoff("idempotency_keys"));
    run.idempotency_keys = sql.execute(&mut *tx).await?.rows_affected();

    if run != RetentionRun::default() {
        let system = Actor {
            user_id: None,
            at: now,
        };
        audit::record(
            &mut tx,
            system,
            None,
            "retention",
            0,
            "enforce",
            None::<&()>,
            Some(&run),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(run)
}
