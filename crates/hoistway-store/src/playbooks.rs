//! A building's on-site playbook (issue #20): the local emergency number
//! (from the [`crate::service_contacts`] directory, by the building's
//! country), its units, who to call when things go wrong, how a technician
//! gets in, and when the playbook was last reviewed with the staff. The
//! care guide asks for a review every 6–12 months; a building chooses its
//! interval (default 12) and the daily job announces a due review once
//! ([`notify_review_due`]).
//!
//! A building without a stored row has an empty playbook, never reviewed,
//! due one interval after the building was created.

use crate::audit::{self, Actor};
use crate::error::Result;
use crate::page::ListFilter;
use crate::row::RowExt;
use crate::service_contacts::{self, ServiceContact};
use crate::sql::Sql;
use crate::{buildings, units, Db, Tx};
use chrono::{DateTime, Months, NaiveDate, Utc};
use hoistway_domain::text::{optional_text, parse_phone, required_text, Email};
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Executor};

/// Review interval when a building chose none, months.
pub const DEFAULT_INTERVAL_MONTHS: i64 = 12;
/// The care guide's range: review every 6 to 12 months.
pub const INTERVAL_RANGE: std::ops::RangeInclusive<i64> = 6..=12;
/// Most escalation contacts a playbook lists.
pub const MAX_CONTACTS: usize = 10;

/// Someone to call when a case needs more than the care center.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationContact {
    pub name: String,
    /// e.g. "Facility manager", "Security desk".
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// One unit as the playbook lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaybookUnit {
    pub id: i64,
    pub equipment_number: String,
    pub name: Option<String>,
    pub kind: String,
    pub location: Option<String>,
    /// The unit's own emergency line, when the register has one.
    pub emergency_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Playbook {
    pub building_id: i64,
    pub customer_id: i64,
    pub building_name: String,
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The directory's contacts for the building's country; `null` when the
    /// directory has none.
    pub service_contact: Option<ServiceContact>,
    pub units: Vec<PlaybookUnit>,
    /// How service staff get in: keys, codes, security, parking, hours.
    pub access_instructions: String,
    pub escalation_contacts: Vec<EscalationContact>,
    /// 6 to 12.
    pub review_interval_months: i64,
    /// YYYY-MM-DD; `null` until first reviewed.
    pub last_reviewed_on: Option<String>,
    /// YYYY-MM-DD.
    pub next_review_on: String,
    /// The review date has come.
    pub review_due: bool,
    /// `null` while nothing was written.
    pub updated_at: Option<DateTime<Utc>>,
}

/// What a customer admin or property manager sets. A field left out keeps
/// its value.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaybookInput {
    #[serde(default)]
    pub access_instructions: Option<String>,
    #[serde(default)]
    pub escalation_contacts: Option<Vec<EscalationContact>>,
    /// 6 to 12 months.
    #[serde(default)]
    pub review_interval_months: Option<i64>,
}

impl EscalationContact {
    fn validated(self) -> Result<Self, Invalid> {
        let field = "escalation_contacts";
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(parse_phone(field, p)?),
        };
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(
                Email::parse(e)
                    .map_err(|i| Invalid::new(field, i.message))?
                    .into_inner(),
            ),
        };
        Ok(Self {
            name: required_text(field, &self.name, 100)
                .map_err(|i| Invalid::new(field, format!("a contact's name {}", i.message)))?,
            role: optional_text(field, self.role.as_deref(), 100)?,
            phone,
            email,
        })
    }
}

/// Checks an interval against the care guide's 6 to 12 months.
pub fn check_interval(months: i64) -> Result<i64, Invalid> {
    if INTERVAL_RANGE.contains(&months) {
        Ok(months)
    } else {
        Err(Invalid::new(
            "review_interval_months",
            "must be 6 to 12 months",
        ))
    }
}

fn add_months(d: NaiveDate, months: i64) -> NaiveDate {
    d.checked_add_months(Months::new(months.clamp(0, 120) as u32))
        .unwrap_or(NaiveDate::MAX)
}

/// The stored part of a playbook.
struct Stored {
    access: String,
    contacts: Vec<EscalationContact>,
    interval: i64,
    last: Option<String>,
    next: String,
    updated_at: Option<DateTime<Utc>>,
}

async fn stored<'e, E: Executor<'e, Database = Any>>(
    ex: E,
    building_id: i64,
    created: DateTime<Utc>,
) -> Result<(Stored, bool)> {
    let mut sql = Sql::new("SELECT * FROM building_playbooks WHERE building_id = ");
    sql.bind(building_id);
    Ok(match sql.fetch_optional(ex).await? {
        Some(r) => (
            Stored {
                access: r.text("access_instructions")?,
                contacts: serde_json::from_str(&r.text("escalation_contacts")?).unwrap_or_default(),
                interval: r.int("review_interval_months")?,
                last: r.opt_text("last_reviewed_on")?,
                next: r.text("next_review_on")?,
                updated_at: Some(r.instant("updated_at")?),
            },
            true,
        ),
        None => (
            Stored {
                access: String::new(),
                contacts: Vec::new(),
                interval: DEFAULT_INTERVAL_MONTHS,
                last: None,
                next: add_months(created.date_naive(), DEFAULT_INTERVAL_MONTHS).to_string(),
                updated_at: None,
            },
            false,
        ),
    })
}

async fn assemble(
    db: &Db,
    scope: &Scope,
    building: buildings::Building,
    st: Stored,
    today: NaiveDate,
) -> Result<Playbook> {
    let unit_list = units::list(
        db,
        scope,
        &ListFilter {
            building_id: Some(building.id),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let contact = service_contacts::find(db, &building.country).await?;
    Ok(Playbook {
        building_id: building.id,
        customer_id: building.customer_id,
        building_name: building.name,
        address: building.address,
        country: building.country,
        service_contact: contact,
        units: unit_list
            .into_iter()
            .map(|u| PlaybookUnit {
                id: u.id,
                equipment_number: u.equipment_number,
                name: u.name,
                kind: u.kind.as_str().to_string(),
                location: u.location,
                emergency_phone: u.emergency_phone,
            })
            .collect(),
        access_instructions: st.access,
        escalation_contacts: st.contacts,
        review_interval_months: st.interval,
        last_reviewed_on: st.last,
        review_due: st.next.as_str() <= today.to_string().as_str(),
        next_review_on: st.next,
        updated_at: st.updated_at,
    })
}

/// The playbook of a building in the caller's scope (404 outside it).
pub async fn get(db: &Db, scope: &Scope, building_id: i64, today: NaiveDate) -> Result<Playbook> {
    let building = buildings::get(db, scope, building_id).await?;
    let (st, _) = stored(&db.pool, building_id, building.created_at).await?;
    assemble(db, scope, building, st, today).await
}

async fn write(
    tx: &mut Tx<'_>,
    building_id: i64,
    st: &Stored,
    exists: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let contacts = serde_json::to_string(&st.contacts).unwrap_or_else(|_| "[]".into());
    let sql = if exists {
        let mut s = Sql::new("UPDATE building_playbooks SET access_instructions = ");
        s.bind(st.access.clone())
            .push(", escalation_contacts = ")
            .bind(contacts);
        s.push(", review_interval_months = ").bind(st.interval);
        s.push(", last_reviewed_on = ").bind(st.last.clone());
        s.push(", next_review_on = ").bind(st.next.clone());
        s.push(", updated_at = ").bind(at.timestamp_millis());
        s.push(" WHERE building_id = ").bind(building_id);
        s
    } else {
        let mut s = Sql::new("INSERT INTO building_playbooks (building_id, access_instructions, escalation_contacts, review_interval_months, last_reviewed_on, next_review_on, updated_at) VALUES (");
        s.bind(building_id).push(", ").bind(st.access.clone());
        s.push(", ").bind(contacts).push(", ").bind(st.interval);
        s.push(", ")
            .bind(st.last.clone())
            .push(", ")
            .bind(st.next.clone());
        s.push(", ").bind(at.timestamp_millis()).push(")");
        s
    };
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// What the audit row keeps of a playbook.
#[derive(Serialize)]
struct Audited<'a> {
    access_instructions: &'a str,
    escalation_contacts: &'a [EscalationContact],
    review_interval_months: i64,
    last_reviewed_on: Option<&'a str>,
    next_review_on: &'a str,
}

impl<'a> From<&'a Stored> for Audited<'a> {
    fn from(s: &'a Stored) -> Self {
        Self {
            access_instructions: &s.access,
            escalation_contacts: &s.contacts,
            review_interval_months: s.interval,
            last_reviewed_on: s.last.as_deref(),
            next_review_on: &s.next,
        }
    }
}

/// Changes the access instructions, escalation contacts or review
/// interval. A new interval moves the next review to that long after the
/// last one (or after the building was created, if never reviewed).
pub async fn update(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    building_id: i64,
    input: PlaybookInput,
) -> Result<Playbook> {
    let access = match input.access_instructions.as_deref() {
        Some(a) => Some(optional_text("access_instructions", Some(a), 4000)?.unwrap_or_default()),
        None => None,
    };
    let contacts = match input.escalation_contacts {
        Some(list) if list.len() > MAX_CONTACTS => {
            return Err(Invalid::new(
                "escalation_contacts",
                format!("at most {MAX_CONTACTS} contacts"),
            )
            .into())
        }
        Some(list) => Some(
            list.into_iter()
                .map(EscalationContact::validated)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    let interval = input
        .review_interval_months
        .map(check_interval)
        .transpose()?;
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, building_id).await?;
    let (before, exists) = stored(&mut *tx, building_id, building.created_at).await?;
    let mut after = Stored {
        access: access.unwrap_or_else(|| before.access.clone()),
        contacts: contacts.unwrap_or_else(|| before.contacts.clone()),
        interval: interval.unwrap_or(before.interval),
        last: before.last.clone(),
        next: before.next.clone(),
        updated_at: Some(actor.at),
    };
    if after.interval != before.interval {
        let from = match &after.last {
            Some(d) => {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or(building.created_at.date_naive())
            }
            None => building.created_at.date_naive(),
        };
        after.next = add_months(from, after.interval).to_string();
    }
    write(&mut tx, building_id, &after, exists, actor.at).await?;
    audit::record(
        &mut tx,
        actor,
        Some(building.customer_id),
        "building_playbook",
        building_id,
        "update",
        exists.then(|| Audited::from(&before)).as_ref(),
        Some(&Audited::from(&after)),
    )
    .await?;
    tx.commit().await?;
    assemble(db, scope, building, after, actor.at.date_naive()).await
}

/// Records that the playbook was reviewed on `today` (in the building's
/// calendar, as the caller decides): the next review is one interval on.
pub async fn mark_reviewed(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    building_id: i64,
    today: NaiveDate,
) -> Result<Playbook> {
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, building_id).await?;
    let (before, exists) = stored(&mut *tx, building_id, building.created_at).await?;
    let after = Stored {
        access: before.access.clone(),
        contacts: before.contacts.clone(),
        interval: before.interval,
        last: Some(today.to_string()),
        next: add_months(today, before.interval).to_string(),
        updated_at: Some(actor.at),
    };
    write(&mut tx, building_id, &after, exists, actor.at).await?;
    audit::record(
        &mut tx,
        actor,
        Some(building.customer_id),
        "building_playbook",
        building_id,
        "review",
        exists.then(|| Audited::from(&before)).as_ref(),
        Some(&Audited::from(&after)),
    )
    .await?;
    tx.commit().await?;
    assemble(db, scope, building, after, today).await
}

/// Queues a notice to the customer's admins and property managers for
/// every building whose playbook review date has come. The outbox key
/// names the building and the due date, so a daily run announces each due
/// review once; reviewing moves the date and so arms the next notice.
/// Returns the outbox rows written.
pub async fn notify_review_due(db: &Db, actor: Actor, today: NaiveDate) -> Result<u64> {
    let sql = Sql::new("SELECT b.id, b.customer_id, b.name, b.created_at, p.next_review_on FROM buildings b LEFT JOIN building_playbooks p ON p.building_id = b.id ORDER BY b.id");
    let rows = sql.fetch_all(&db.pool).await?;
    let mut written = 0;
    for r in rows {
        let due = match r.opt_text("next_review_on")? {
            Some(d) => d,
            None => add_months(
                r.instant("created_at")?.date_naive(),
                DEFAULT_INTERVAL_MONTHS,
            )
            .to_string(),
        };
        if due.as_str() > today.to_string().as_str() {
            continue;
        }
        let (id, customer_id, name) = (r.int("id")?, r.int("customer_id")?, r.text("name")?);
        let mut tx = db.begin().await?;
        written += crate::notifications::enqueue(
            &mut tx,
            actor.at,
            crate::notifications::Notice {
                event: hoistway_desk::Event::PlaybookReviewDue,
                key: format!("playbook:{id}:review:{due}"),
                case_id: None,
                invoice_id: None,
                customer_id: Some(customer_id),
                subject: format!("Time to review the on-site playbook of {name}"),
                body: format!(
                    "The on-site playbook of {name} was due for review on {due}. Go through it \
                     with the building's staff: the emergency number, the units, who to call \
                     and how service gets in. Then mark it reviewed in the portal."
                ),
                audience: crate::notifications::Audience::Roles {
                    roles: &[
                        hoistway_domain::Role::CustomerAdmin,
                        hoistway_domain::Role::PropertyManager,
                    ],
                    customer_id,
                    building_id: id,
                },
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_follow_the_care_guide() {
        assert_eq!(check_interval(6).unwrap(), 6);
        assert_eq!(check_interval(12).unwrap(), 12);
        assert_eq!(
            check_interval(5).unwrap_err().field,
            "review_interval_months"
        );
        assert_eq!(
            check_interval(13).unwrap_err().field,
            "review_interval_months"
        );
        let d = NaiveDate::from_ymd_opt(2026, 8, 31).unwrap();
        assert_eq!(add_months(d, 6).to_string(), "2027-02-28");
    }

    #[test]
    fn contacts_are_checked() {
        let c = |name: &str, phone: Option<&str>, email: Option<&str>| EscalationContact {
            name: name.into(),
            role: None,
            phone: phone.map(Into::into),
            email: email.map(Into::into),
        };
        assert!(c("Duty manager", Some("+358 40 123 4567"), None)
            .validated()
            .is_ok());
        for bad in [
            c(" ", None, None),
            c("A", Some("ring me"), None),
            c("A", None, Some("nobody")),
        ] {
            assert_eq!(bad.validated().unwrap_err().field, "escalation_contacts");
        }
    }
}
