//! The service-contact directory (issue #20): one row per country with the
//! numbers to call in an emergency and for non-urgent service, an e-mail,
//! a web page and opening hours. Not tenant data: every signed-in user may
//! read it; provider admins keep it (the API checks the role). Migration
//! 0018 seeds every country of the provider's country list; a field nobody
//! knows stays empty.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Utc};
use hoistway_domain::text::{optional_text, parse_phone, required_text, CountryCode, Email};
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// One country's contacts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceContact {
    /// ISO 3166-1 alpha-2 (Kosovo: XK).
    pub country: String,
    /// The country's name as the directory shows it.
    pub name: String,
    /// The number for entrapments and anything unsafe; `null` when not
    /// known (the car's emergency phone always reaches the care center).
    pub emergency_phone: Option<String>,
    pub emergency_hours: Option<String>,
    /// The number for non-urgent service (noise, doors, questions).
    pub service_phone: Option<String>,
    pub service_email: Option<String>,
    pub service_hours: Option<String>,
    /// Where the local contact details are published.
    pub web: Option<String>,
    pub notes: Option<String>,
    /// When it was last changed (the Unix epoch for the seeded rows).
    pub updated_at: DateTime<Utc>,
}

/// What a provider admin sends to set a country's contacts (the whole
/// row: a missing optional field clears it).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceContactInput {
    pub name: String,
    #[serde(default)]
    pub emergency_phone: Option<String>,
    #[serde(default)]
    pub emergency_hours: Option<String>,
    #[serde(default)]
    pub service_phone: Option<String>,
    #[serde(default)]
    pub service_email: Option<String>,
    #[serde(default)]
    pub service_hours: Option<String>,
    /// An `https://` or `http://` address.
    #[serde(default)]
    pub web: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A country code of the directory: ISO 3166-1 alpha-2, or XK (Kosovo,
/// which ISO has not assigned but the provider's country list names).
pub fn parse_country(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim().to_uppercase();
    if s == "XK" {
        return Ok(s);
    }
    CountryCode::parse(&s).map(CountryCode::into_inner)
}

fn optional_phone(field: &'static str, raw: Option<&str>) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => parse_phone(field, p).map(Some),
    }
}

impl ServiceContactInput {
    pub fn validated(self) -> Result<Self, Invalid> {
        let web = optional_text("web", self.web.as_deref(), 300)?;
        if let Some(w) = &web {
            let lower = w.to_ascii_lowercase();
            let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
                && !w.chars().any(|c| c.is_whitespace() || c == '"' || c == '<');
            if !ok {
                return Err(Invalid::new(
                    "web",
                    "must be a web address starting with https://",
                ));
            }
        }
        let email = match self.service_email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(
                Email::parse(e)
                    .map_err(|_| {
                        Invalid::new("service_email", format!("'{e}' is not an e-mail address"))
                    })?
                    .into_inner(),
            ),
        };
        Ok(Self {
            name: required_text("name", &self.name, 100)?,
            emergency_phone: optional_phone("emergency_phone", self.emergency_phone.as_deref())?,
            emergency_hours: optional_text(
                "emergency_hours",
                self.emergency_hours.as_deref(),
                100,
            )?,
            service_phone: optional_phone("service_phone", self.service_phone.as_deref())?,
            service_email: email,
            service_hours: optional_text("service_hours", self.service_hours.as_deref(), 100)?,
            web,
            notes: optional_text("notes", self.notes.as_deref(), 1000)?,
        })
    }
}

fn from_row(r: &AnyRow) -> Result<ServiceContact, sqlx::Error> {
    Ok(ServiceContact {
        country: r.text("country")?,
        name: r.text("name")?,
        emergency_phone: r.opt_text("emergency_phone")?,
        emergency_hours: r.opt_text("emergency_hours")?,
        service_phone: r.opt_text("service_phone")?,
        service_email: r.opt_text("service_email")?,
        service_hours: r.opt_text("service_hours")?,
        web: r.opt_text("web")?,
        notes: r.opt_text("notes")?,
        updated_at: r.instant("updated_at")?,
    })
}

/// Every country of the directory, by name.
pub async fn list(db: &Db) -> Result<Vec<ServiceContact>> {
    let sql = Sql::new("SELECT * FROM service_contacts ORDER BY name, country");
    let rows = sql.fetch_all(&db.pool).await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// One country's contacts, `None` when the directory has no row for it.
pub async fn find(db: &Db, country: &str) -> Result<Option<ServiceContact>> {
    let mut sql = Sql::new("SELECT * FROM service_contacts WHERE country = ");
    sql.bind(country.trim().to_uppercase());
    Ok(sql
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?)
}

/// One country's contacts; a code the directory lacks is `NotFound`.
pub async fn get(db: &Db, country: &str) -> Result<ServiceContact> {
    let code = parse_country(country)?;
    find(db, &code)
        .await?
        .ok_or(StoreError::NotFound("service contact"))
}

/// Sets a country's contacts, adding the country when the directory lacks
/// it; audited with the row before and after.
pub async fn put(
    db: &Db,
    actor: Actor,
    country: &str,
    input: ServiceContactInput,
) -> Result<ServiceContact> {
    let code = parse_country(country)?;
    let v = input.validated()?;
    let mut tx = db.begin().await?;
    let mut sel = Sql::new("SELECT * FROM service_contacts WHERE country = ");
    sel.bind(code.clone());
    let before = sel
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()?;
    let mut sql = if before.is_some() {
        let mut s = Sql::new("UPDATE service_contacts SET name = ");
        s.bind(v.name.clone())
            .push(", emergency_phone = ")
            .bind(v.emergency_phone.clone());
        s.push(", emergency_hours = ")
            .bind(v.emergency_hours.clone());
        s.push(", service_phone = ").bind(v.service_phone.clone());
        s.push(", service_email = ").bind(v.service_email.clone());
        s.push(", service_hours = ").bind(v.service_hours.clone());
        s.push(", web = ")
            .bind(v.web.clone())
            .push(", notes = ")
            .bind(v.notes.clone());
        s.push(", updated_at = ").bind(actor.at.timestamp_millis());
        s.push(" WHERE country = ").bind(code.clone());
        s
    } else {
        let mut s = Sql::new("INSERT INTO service_contacts (country, name, emergency_phone, emergency_hours, service_phone, service_email, service_hours, web, notes, updated_at) VALUES (");
        s.bind(code.clone()).push(", ").bind(v.name.clone());
        s.push(", ")
            .bind(v.emergency_phone.clone())
            .push(", ")
            .bind(v.emergency_hours.clone());
        s.push(", ")
            .bind(v.service_phone.clone())
            .push(", ")
            .bind(v.service_email.clone());
        s.push(", ")
            .bind(v.service_hours.clone())
            .push(", ")
            .bind(v.web.clone());
        s.push(", ")
            .bind(v.notes.clone())
            .push(", ")
            .bind(actor.at.timestamp_millis())
            .push(")");
        s
    };
    sql.push(" RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let mut sel = Sql::new("SELECT * FROM service_contacts WHERE id = ");
    sel.bind(id);
    let after = from_row(&sel.fetch_one(&mut *tx).await?)?;
    audit::record(
        &mut tx,
        actor,
        None,
        "service_contact",
        id,
        if before.is_some() { "update" } else { "create" },
        before.as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_iso_codes_or_kosovo() {
        assert_eq!(parse_country(" us ").unwrap(), "US");
        assert_eq!(parse_country("xk").unwrap(), "XK");
        assert_eq!(parse_country("ZZ").unwrap_err().field, "country");
    }

    #[test]
    fn input_names_the_bad_field() {
        let base = ServiceContactInput {
            name: "Finland".into(),
            ..Default::default()
        };
        let bad = |f: fn(&mut ServiceContactInput)| {
            let mut i = base.clone();
            f(&mut i);
            i.validated().unwrap_err().field
        };
        assert_eq!(bad(|i| i.name = " ".into()), "name");
        assert_eq!(
            bad(|i| i.emergency_phone = Some("call us".into())),
            "emergency_phone"
        );
        assert_eq!(
            bad(|i| i.service_phone = Some("12".into())),
            "service_phone"
        );
        assert_eq!(
            bad(|i| i.service_email = Some("nobody".into())),
            "service_email"
        );
        assert_eq!(bad(|i| i.web = Some("javascript:alert(1)".into())), "web");
        let ok = ServiceContactInput {
            emergency_phone: Some(" +358 20 475 1 ".into()),
            service_email: Some("Care@Example.com".into()),
            web: Some("https://example.com/contact".into()),
            ..base
        }
        .validated()
        .unwrap();
        assert_eq!(ok.emergency_phone.as_deref(), Some("+358 20 475 1"));
        assert_eq!(ok.service_email.as_deref(), Some("care@example.com"));
    }
}
