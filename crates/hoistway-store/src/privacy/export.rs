//! A person's data as one JSON document (the rights of access and
//! portability): profile, grants, preferences, the cases they reported,
//! their choices, sign-ins, devices and notifications.

use crate::error::Result;
use crate::notifications::preferences_of;
use crate::push::origin_of;
use crate::row::{from_millis, RowExt};
use crate::sql::Sql;
use crate::users::{self, User};
use crate::Db;
use chrono::{DateTime, Utc};
use hoistway_domain::Scope;
use serde::Serialize;

/// Everything Hoistway keeps about one person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonalData {
    pub generated_at: DateTime<Utc>,
    pub profile: User,
    /// When they objected to analytics (none: no objection).
    pub analytics_objection_at: Option<DateTime<Utc>>,
    /// When they agreed to satisfaction surveys (none: not agreed).
    pub survey_consent_at: Option<DateTime<Utc>>,
    /// Which events reach them on which channels.
    #[schema(value_type = Object)]
    pub notification_preferences: serde_json::Value,
    /// Remote-call access to buildings' floors.
    pub access_grants: Vec<GrantRecord>,
    /// Cases they reported, or asked a callback or escalation on.
    pub cases: Vec<CaseRecord>,
    /// Sign-ins (portal and API sessions).
    pub sign_ins: Vec<SignInRecord>,
    /// Browsers that receive push notifications (origin of the push
    /// service only: the endpoint itself is a secret).
    pub push_devices: Vec<PushDevice>,
    pub second_factor_enabled: bool,
    /// Their in-portal notifications, newest first.
    pub notifications: Vec<NotificationRecord>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrantRecord {
    pub id: i64,
    pub building_id: i64,
    pub building: String,
    pub all_areas: bool,
    pub granted_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseRecord {
    pub number: String,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub symptoms: String,
    pub reporter_name: Option<String>,
    pub callback_phone: Option<String>,
    pub callback_request_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignInRecord {
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PushDevice {
    pub push_service: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationRecord {
    pub at: DateTime<Utc>,
    pub subject: String,
    pub read_at: Option<DateTime<Utc>>,
}

/// The most notifications an export lists (the rest are older and go by
/// the retention period anyway).
const NOTIFICATIONS_LISTED: i64 = 1000;

/// The document for user `id` in the caller's scope.
pub async fn export(db: &Db, scope: &Scope, id: i64, now: DateTime<Utc>) -> Result<PersonalData> {
    let mut tx = db.begin().await?;
    let profile = users::fetch(&mut tx, scope, id).await?;
    let mut sql =
        Sql::new("SELECT analytics_objection_at, survey_consent_at FROM users WHERE id = ");
    sql.bind(id);
    let choice_row = sql.fetch_one(&mut *tx).await?;
    let objection = choice_row.opt_int("analytics_objection_at")?;
    let survey_consent = choice_row.opt_int("survey_consent_at")?;
    let prefs = preferences_of(&mut *tx, id, profile.role).await?;

    let mut sql = Sql::new(
        "SELECT g.id, g.building_id, b.name, g.all_areas, g.created_at, g.revoked_at FROM access_grants g JOIN buildings b ON b.id = g.building_id WHERE g.user_id = ",
    );
    sql.bind(id).push(" ORDER BY g.id");
    let mut access_grants = Vec::new();
    for r in sql.fetch_all(&mut *tx).await? {
        access_grants.push(GrantRecord {
            id: r.int("id")?,
            building_id: r.int("building_id")?,
            building: r.text("name")?,
            all_areas: r.int("all_areas")? != 0,
            granted_at: r.instant("created_at")?,
            revoked_at: r.opt_int("revoked_at")?.map(from_millis),
        });
    }

    let mut sql = Sql::new(
        "SELECT number, created_at, status, symptoms, reporter_name, callback_phone, callback_request_phone FROM cases WHERE reporter_user_id = ",
    );
    sql.bind(id)
        .push(" OR callback_requested_by = ")
        .bind(id)
        .push(" OR escalation_requested_by = ")
        .bind(id)
        .push(" ORDER BY id");
    let mut cases = Vec::new();
    for r in sql.fetch_all(&mut *tx).await? {
        cases.push(CaseRecord {
            number: r.text("number")?,
            created_at: r.instant("created_at")?,
            status: r.text("status")?,
            symptoms: r.text("symptoms")?,
            reporter_name: r.opt_text("reporter_name")?,
            callback_phone: r.opt_text("callback_phone")?,
            callback_request_phone: r.opt_text("callback_request_phone")?,
        });
    }

    let mut sql =
        Sql::new("SELECT created_at, expires_at, revoked_at FROM sessions WHERE user_id = ");
    sql.bind(id).push(" ORDER BY id");
    let mut sign_ins = Vec::new();
    for r in sql.fetch_all(&mut *tx).await? {
        sign_ins.push(SignInRecord {
            at: r.instant("created_at")?,
            expires_at: r.instant("expires_at")?,
            ended_at: r.opt_int("revoked_at")?.map(from_millis),
        });
    }

    let mut sql = Sql::new("SELECT endpoint, created_at FROM push_subscriptions WHERE user_id = ");
    sql.bind(id).push(" ORDER BY id");
    let mut push_devices = Vec::new();
    for r in sql.fetch_all(&mut *tx).await? {
        push_devices.push(PushDevice {
            push_service: origin_of(&r.text("endpoint")?),
            since: r.instant("created_at")?,
        });
    }

    let mut sql = Sql::new("SELECT enabled_at FROM user_totp WHERE user_id = ");
    sql.bind(id);
    let second_factor_enabled = match sql.fetch_optional(&mut *tx).await? {
        Some(r) => r.opt_int("enabled_at")?.is_some(),
        None => false,
    };

    let mut sql = Sql::new("SELECT created_at, subject, read_at FROM inbox WHERE user_id = ");
    sql.bind(id)
        .push(" ORDER BY id DESC LIMIT ")
        .bind(NOTIFICATIONS_LISTED);
    let mut notifications = Vec::new();
    for r in sql.fetch_all(&mut *tx).await? {
        notifications.push(NotificationRecord {
            at: r.instant("created_at")?,
            subject: r.text("subject")?,
            read_at: r.opt_int("read_at")?.map(from_millis),
        });
    }

    Ok(PersonalData {
        generated_at: now,
        profile,
        analytics_objection_at: objection.map(from_millis),
        survey_consent_at: survey_consent.map(from_millis),
        notification_preferences: serde_json::to_value(&prefs).unwrap_or_default(),
        access_grants,
        cases,
        sign_ins,
        push_devices,
        second_factor_enabled,
        notifications,
    })
}
