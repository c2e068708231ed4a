//! Privacy rights (issue #20, seeds 002 and 003): a person's data as one
//! JSON document ([`export`]), their objection to analytics
//! ([`set_objection`]), erasure into a stable pseudonym ([`erase`]), the
//! audit of every read of someone else's personal data ([`record_read`]),
//! and how long each kind of record is kept ([`retention`]).

mod erase;
mod export;
pub mod retention;
mod scrub;

pub use erase::{erase, pseudonym, Erased};
pub use export::{export, PersonalData};

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::row::{from_millis, RowExt};
use crate::sql::Sql;
use crate::{users, Db};
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;
use serde::Serialize;

/// A person's choices about how their data is used.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PrivacyChoices {
    pub user_id: i64,
    /// When they objected to the use of their data for analytics (none: no
    /// objection). Hoistway's analytics (telemetry, KPIs) use no personal
    /// data today; anything that would (satisfaction surveys) must ask
    /// this first.
    pub analytics_objection_at: Option<DateTime<Utc>>,
    /// When they agreed to satisfaction surveys after their requests close
    /// (none: never asked; an objection to analytics also stops them).
    pub survey_consent_at: Option<DateTime<Utc>>,
}

/// The user's current choices.
pub async fn choices(db: &Db, scope: &Scope, user_id: i64) -> Result<PrivacyChoices> {
    let mut tx = db.begin().await?;
    users::fetch(&mut tx, scope, user_id).await?;
    let mut sql =
        Sql::new("SELECT analytics_objection_at, survey_consent_at FROM users WHERE id = ");
    sql.bind(user_id);
    let r = sql.fetch_one(&mut *tx).await?;
    Ok(PrivacyChoices {
        user_id,
        analytics_objection_at: r.opt_int("analytics_objection_at")?.map(from_millis),
        survey_consent_at: r.opt_int("survey_consent_at")?.map(from_millis),
    })
}

/// Records (or withdraws) an objection to analytics, audited.
pub async fn set_objection(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    user_id: i64,
    objects: bool,
) -> Result<PrivacyChoices> {
    set_choice(
        db,
        scope,
        actor,
        user_id,
        Choice::AnalyticsObjection,
        objects,
    )
    .await
}

/// Records (or withdraws) consent to satisfaction surveys, audited.
pub async fn set_survey_consent(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    user_id: i64,
    consents: bool,
) -> Result<PrivacyChoices> {
    set_choice(db, scope, actor, user_id, Choice::SurveyConsent, consents).await
}

#[derive(Clone, Copy)]
enum Choice {
    AnalyticsObjection,
    SurveyConsent,
}

async fn set_choice(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    user_id: i64,
    choice: Choice,
    on: bool,
) -> Result<PrivacyChoices> {
    let before = choices(db, scope, user_id).await?;
    let (column, since, action) = match choice {
        Choice::AnalyticsObjection => (
            "analytics_objection_at",
            before.analytics_objection_at,
            "analytics_objection",
        ),
        Choice::SurveyConsent => (
            "survey_consent_at",
            before.survey_consent_at,
            "survey_consent",
        ),
    };
    let mut tx = db.begin().await?;
    let user = users::fetch(&mut tx, scope, user_id).await?;
    // A choice keeps the time it was first made.
    let at = match (on, since) {
        (true, Some(t)) => Some(t),
        (true, None) => Some(actor.at),
        (false, _) => None,
    };
    let mut sql = Sql::new(&format!("UPDATE users SET {column} = "));
    sql.bind(at.map(|t| t.timestamp_millis()))
        .push(" WHERE id = ")
        .bind(user_id);
    sql.execute(&mut *tx).await?;
    let mut after = before.clone();
    match choice {
        Choice::AnalyticsObjection => after.analytics_objection_at = at,
        Choice::SurveyConsent => after.survey_consent_at = at,
    }
    audit::record(
        &mut tx,
        actor,
        user.customer_id,
        "user",
        user_id,
        action,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Why someone read another person's data, as the audit row says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Administering the account (the user's page).
    UserAdministration,
    /// Handling a case whose reporter it is.
    CaseHandling,
    /// A data request made on the person's behalf (export).
    DataRequest,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::UserAdministration => "user administration",
            Purpose::CaseHandling => "case handling",
            Purpose::DataRequest => "data request",
        }
    }
}

#[derive(Serialize)]
struct ReadRecord<'a> {
    purpose: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_user_id: Option<i64>,
}

/// Audits a read of someone else's personal data: who (the actor), what
/// (`entity`/`entity_id`, and the person when known) and why.
pub async fn record_read(
    db: &Db,
    actor: Actor,
    customer_id: Option<i64>,
    entity: &str,
    entity_id: i64,
    subject_user_id: Option<i64>,
    purpose: Purpose,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let after = ReadRecord {
        purpose: purpose.as_str(),
        subject_user_id,
    };
    audit::record(
        &mut tx,
        actor,
        customer_id,
        entity,
        entity_id,
        "read_personal_data",
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
