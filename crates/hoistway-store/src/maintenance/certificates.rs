//! Inspection certificates: the authority's document (kept as an
//! attachment), who issued it and until when it is valid. Expiry drives the
//! "expiring soon" list and, through `issued_on`, the next inspection.

use super::{scheduler, stored_date, visits};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{units, Db, Tx};
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_domain::text::{optional_text, ordered_dates, parse_date, required_text};
use hoistway_domain::{Invalid, Scope};
use hoistway_maintenance::VisitKind;
use serde::{Deserialize, Serialize};

/// Largest attachment accepted, decoded (the HTTP body limit applies too).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: i64,
    pub unit_id: i64,
    pub customer_id: i64,
    pub visit_id: Option<i64>,
    pub authority: String,
    pub certificate_number: Option<String>,
    pub issued_on: String,
    pub expires_on: String,
    /// Days from today to expiry (negative once expired).
    pub days_to_expiry: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: usize,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateInput {
    pub unit_id: i64,
    /// The inspection visit it results from, if any.
    #[serde(default)]
    pub visit_id: Option<i64>,
    pub authority: String,
    #[serde(default)]
    pub certificate_number: Option<String>,
    pub issued_on: String,
    pub expires_on: String,
    pub file_name: String,
    /// e.g. application/pdf.
    pub content_type: String,
    /// The document, base64.
    pub content_base64: String,
}

/// Query parameters of the certificate list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CertificateFilter {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub customer_id: Option<i64>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Only certificates expiring within this many days (expired ones included).
    pub expiring_within_days: Option<i64>,
}

fn from_row(r: &sqlx::any::AnyRow, today: NaiveDate) -> Result<Certificate> {
    let expires_on = r.text("expires_on")?;
    let size = r.int("size_chars")? as usize / 4 * 3;
    Ok(Certificate {
        id: r.int("id")?,
        unit_id: r.int("unit_id")?,
        customer_id: r.int("customer_id")?,
        visit_id: r.opt_int("visit_id")?,
        authority: r.text("authority")?,
        certificate_number: r.opt_text("certificate_number")?,
        issued_on: r.text("issued_on")?,
        days_to_expiry: (stored_date(&expires_on)? - today).num_days(),
        expires_on,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size_bytes: size,
        created_at: r.instant("created_at")?,
    })
}

const SELECT: &str = "SELECT c.id, c.unit_id, c.customer_id, c.visit_id, c.authority, c.certificate_number, c.issued_on, c.expires_on, c.file_name, c.content_type, c.created_at, LENGTH(c.content_base64) AS size_chars FROM inspection_certificates c JOIN units u ON u.id = c.unit_id WHERE 1=1";

async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64, today: NaiveDate) -> Result<Certificate> {
    let mut sql = Sql::new(SELECT);
    sql.push(" AND c.id = ").bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let r = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("certificate"))?;
    from_row(&r, today)
}

pub async fn get(db: &Db, scope: &Scope, id: i64, today: NaiveDate) -> Result<Certificate> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id, today).await
}

/// The attachment: file name, content type and bytes.
pub async fn content(db: &Db, scope: &Scope, id: i64) -> Result<(String, String, Vec<u8>)> {
    let mut sql = Sql::new("SELECT c.file_name, c.content_type, c.content_base64 FROM inspection_certificates c JOIN units u ON u.id = c.unit_id WHERE c.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    let r = sql
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound("certificate"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(r.text("content_base64")?)
        .map_err(|e| sqlx::Error::Decode(e.into()))?;
    Ok((r.text("file_name")?, r.text("content_type")?, bytes))
}

pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &CertificateFilter,
    today: NaiveDate,
) -> Result<Page<Certificate>> {
    let mut sql = Sql::new(SELECT);
    restrict(&mut sql, scope, "u", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND c.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND u.building_id = ").bind(b);
    }
    if let Some(u) = f.unit_id {
        sql.push(" AND c.unit_id = ").bind(u);
    }
    if let Some(n) = f.expiring_within_days {
        if !(0..=3660).contains(&n) {
            return Err(Invalid::new("expiring_within_days", "must be 0 to 3660").into());
        }
        let last = today + chrono::Duration::days(n);
        sql.push(" AND c.expires_on <= ").bind(last.to_string());
        // A certificate replaced by a newer one for the same unit is not "expiring".
        sql.push(" AND NOT EXISTS (SELECT 1 FROM inspection_certificates n WHERE n.unit_id = c.unit_id AND n.expires_on > c.expires_on)");
    }
    let page = ListFilter {
        cursor: f.cursor.clone(),
        limit: f.limit,
        ..ListFilter::default()
    };
    let limit = finish(&mut sql, "c", &page)?;
    let items = sql
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| from_row(r, today))
        .collect::<Result<Vec<_>>>()?;
    Ok(paginate(items, limit, |c| c.id))
}

/// Attaches a certificate to a unit (and its inspection visit). The unit's
/// next inspection is rescheduled from the new issue date.
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    input: CertificateInput,
) -> Result<Certificate> {
    let issued = parse_date("issued_on", &input.issued_on)?;
    let expires = parse_date("expires_on", &input.expires_on)?;
    ordered_dates("issued_on", issued, "expires_on", Some(expires))?;
    if issued > actor.at.date_naive() {
        return Err(Invalid::new("issued_on", "cannot be in the future").into());
    }
    let authority = required_text("authority", &input.authority, 200)?;
    let number = optional_text(
        "certificate_number",
        input.certificate_number.as_deref(),
        100,
    )?;
    let file_name = required_text("file_name", &input.file_name, 200)?;
    let content_type = required_text("content_type", &input.content_type, 100)?;
    if !content_type.contains('/') {
        return Err(
            Invalid::new("content_type", "must be a media type like application/pdf").into(),
        );
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.content_base64.trim())
        .map_err(|_| Invalid::new("content_base64", "is not base64"))?;
    if bytes.is_empty() || bytes.len() > MAX_BYTES {
        return Err(Invalid::new("content_base64", "the document must be 1 byte to 5 MiB").into());
    }
    let mut tx = db.begin().await?;
    let unit = units::fetch(&mut *tx, scope, input.unit_id).await?;
    if let Some(v) = input.visit_id {
        let visit = visits::fetch(&mut tx, scope, v)
            .await
            .map_err(|_| Invalid::new("visit_id", format!("visit {v} not found")))?;
        if visit.unit_id != unit.id || visit.kind != VisitKind::Inspection {
            return Err(Invalid::new(
                "visit_id",
                format!("visit {v} is not an inspection of unit {}", unit.id),
            )
            .into());
        }
    }
    let mut ins = Sql::new("INSERT INTO inspection_certificates (unit_id, customer_id, visit_id, authority, certificate_number, issued_on, expires_on, file_name, content_type, content_base64, created_at) VALUES (");
    ins.bind(unit.id)
        .push(", ")
        .bind(unit.customer_id)
        .push(", ")
        .bind(input.visit_id)
        .push(", ")
        .bind(authority);
    ins.push(", ")
        .bind(number)
        .push(", ")
        .bind(issued.to_string())
        .push(", ")
        .bind(expires.to_string());
    ins.push(", ")
        .bind(file_name)
        .push(", ")
        .bind(content_type)
        .push(", ")
        .bind(base64::engine::general_purpose::STANDARD.encode(&bytes));
    ins.push(", ")
        .bind(actor.at.timestamp_millis())
        .push(") RETURNING id");
    let id = ins.fetch_one(&mut *tx).await?.int("id")?;
    let created = fetch(&mut tx, &Scope::All, id, actor.at.date_naive()).await?;
    audit::record(
        &mut tx,
        actor,
        Some(unit.customer_id),
        "inspection_certificate",
        id,
        "create",
        None::<&()>,
        Some(&created),
    )
    .await?;
    scheduler::schedule_units(&mut tx, actor, &Default::default(), Some(&[unit.id])).await?;
    tx.commit().await?;
    Ok(created)
}

/// Days before expiry a certificate's renewal is announced.
pub const RENEWAL_NOTICE_DAYS: i64 = 60;

/// Queues the notices of certificates that need renewing: once when a
/// unit's current certificate comes within [`RENEWAL_NOTICE_DAYS`] of
/// expiry, once more when it has expired (the outbox key makes repeats
/// no-ops, so a daily run is safe). A certificate replaced by a newer one
/// is not announced. Returns the outbox rows written.
pub async fn notify_expiring(db: &Db, actor: Actor, today: NaiveDate) -> Result<u64> {
    let mut due = Vec::new();
    let mut cursor = None;
    loop {
        let f = CertificateFilter {
            cursor,
            limit: Some(500),
            expiring_within_days: Some(RENEWAL_NOTICE_DAYS),
            ..Default::default()
        };
        let page = list(db, &Scope::All, &f, today).await?;
        due.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut written = 0;
    for c in due {
        let unit = units::get(db, &Scope::All, c.unit_id).await?;
        let name = match &unit.name {
            Some(n) => format!("{n} ({})", unit.equipment_number),
            None => unit.equipment_number.clone(),
        };
        let (stage, subject, body) = if c.days_to_expiry < 0 {
            (
                "expired",
                format!("Inspection certificate of {name} has expired"),
                format!(
                    "The inspection certificate of {name} by {} expired on {}. Book the inspection; \
                     the unit may not be used without a valid certificate where the authority requires one.",
                    c.authority, c.expires_on
                ),
            )
        } else {
            (
                "expiring",
                format!(
                    "Inspection certificate of {name} expires on {}",
                    c.expires_on
                ),
                format!(
                    "The inspection certificate of {name} by {} is valid until {}. Book the \
                     renewal inspection in time.",
                    c.authority, c.expires_on
                ),
            )
        };
        let mut tx = db.begin().await?;
        written += crate::notifications::enqueue(
            &mut tx,
            actor.at,
            crate::notifications::Notice {
                event: hoistway_desk::Event::CertificateExpiring,
                key: format!("certificate:{}:{stage}", c.id),
                case_id: None,
                invoice_id: None,
                customer_id: Some(c.customer_id),
                subject,
                body,
                audience: crate::notifications::Audience::Roles {
                    roles: &[
                        hoistway_domain::Role::CustomerAdmin,
                        hoistway_domain::Role::PropertyManager,
                        hoistway_domain::Role::ProviderAdmin,
                    ],
                    customer_id: c.customer_id,
                    building_id: unit.building_id,
                },
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(written)
}
