//! The demo's maintenance side: field technicians with territories and
//! skills (seeded before the contracts, so visits are assigned as the
//! contracts plan them), an inspection certificate per unit, some about to
//! expire (one expired when the demo has its history), and without the
//! history four weeks of starts for the connected lifts (with it, starts
//! come from the history's rollups, `demo_history`).

use crate::DemoLogin;
use base64::Engine;
use chrono::Duration;
use hoistway_domain::text::Email;
use hoistway_domain::{Role, Scope};
use hoistway_store::maintenance::certificates::{self, CertificateInput};
use hoistway_store::maintenance::technicians::{self, ProfileInput};
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::maintenance::{plans, usage};
use hoistway_store::users::NewUser;
use hoistway_store::{units, users, Actor, Db, ListFilter, StoreError};
use std::collections::HashMap;

/// (login, countries, skills) of the demo's field force. The first is the
/// demo's `technician@` login, covering the Nordics.
const TECHNICIANS: [(&str, &[&str], &[&str]); 4] = [
    (
        "technician",
        &["FI", "SE"],
        &["elevator", "escalator", "door"],
    ),
    ("technician.de", &["DE"], &["elevator", "escalator", "door"]),
    (
        "technician.us",
        &["US", "GB"],
        &["elevator", "escalator", "door"],
    ),
    ("technician.sg", &["SG"], &["elevator", "escalator", "door"]),
];

/// The demo's technicians: their logins, and who covers which country.
pub struct Technicians {
    pub logins: Vec<DemoLogin>,
    pub by_country: HashMap<String, i64>,
}

/// Creates the technicians with their profiles.
pub async fn seed_technicians(
    db: &Db,
    actor: Actor,
    hash: &str,
) -> Result<Technicians, StoreError> {
    let mut logins = Vec::new();
    let mut by_country = HashMap::new();
    for (login, countries, skills) in TECHNICIANS {
        let email = format!("{login}@hoistway.example");
        let user = users::create(
            db,
            &Scope::All,
            actor,
            NewUser {
                email: Email::parse(&email)?,
                name: format!("Demo {}", login.replace('.', " ")),
                role: Role::Technician,
                customer_id: None,
                phone: Some("+358 40 765 4321".into()),
                password_hash: hash.to_string(),
                portfolio_ids: vec![],
            },
        )
        .await?;
        technicians::set(
            db,
            actor,
            user.id,
            ProfileInput {
                countries: countries.iter().map(|c| c.to_string()).collect(),
                regions: vec![],
                skills: skills.iter().map(|s| s.to_string()).collect(),
                weekly_capacity_min: None,
            },
        )
        .await?;
        for c in countries {
            by_country.insert(c.to_string(), user.id);
        }
        logins.push(DemoLogin {
            email,
            role: Role::Technician,
            customer: None,
        });
    }
    Ok(Technicians { logins, by_country })
}

/// A certificate per unit issued over the past year, so some expire within
/// weeks. With `history`, the first unit's lapsed two weeks ago (its
/// inspection is overdue); without, the connected lifts get four weeks of
/// starts (busier lifts reach their use interval before their time one).
pub async fn seed_history(db: &Db, actor: Actor, history: bool) -> Result<(), StoreError> {
    let all = units::list(
        db,
        &Scope::All,
        &ListFilter {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let today = actor.at.date_naive();
    let inspection_every: HashMap<i64, u32> =
        plans::list(db, &Scope::All, &ListFilter::limited(500))
            .await?
            .items
            .into_iter()
            .filter_map(|p| Some((p.unit_id, p.inspection_months?)))
            .collect();
    for (i, u) in all.iter().enumerate() {
        if !history && u.connected && u.kind.as_str() == "elevator" {
            let per_day = 200 + (i as u64 * 137) % 1300;
            for back in 1..=28 {
                usage::record_daily_starts(db, u.id, today - Duration::days(back), per_day).await?;
            }
        }
        // With a history, the certificate is the record of the unit's last
        // replayed inspection (one was missed: that unit's has expired).
        let inspected = if history {
            last_inspection(db, u.id).await?
        } else {
            None
        };
        // Valid until the next inspection the unit's plan asks for.
        let months = match inspection_every.get(&u.id) {
            Some(&m) if history => i64::from(m),
            _ if u.equipment_number.ends_with('7') => 6,
            _ => 12,
        };
        // As the plan counts: calendar months from the issue date.
        let valid_days = |issued: chrono::NaiveDate| {
            issued
                .checked_add_months(chrono::Months::new(months as u32))
                .map_or(months * 30, |end| (end - issued).num_days())
        };
        let (issued, visit_id) = match inspected {
            Some((visit, on)) => (on, Some(visit)),
            // Still valid, some about to expire.
            None => (
                today - Duration::days(20 + (i as i64 * 29) % (months * 30 - 25)),
                None,
            ),
        };
        certify(db, actor, u, issued, valid_days(issued), visit_id).await?;
    }
    Ok(())
}

/// The unit's last completed inspection visit and its local date.
async fn last_inspection(
    db: &Db,
    unit_id: i64,
) -> Result<Option<(i64, chrono::NaiveDate)>, StoreError> {
    let filter = VisitFilter {
        unit_id: Some(unit_id),
        kind: Some("inspection".into()),
        status: Some("completed".into()),
        ..Default::default()
    };
    let done = visits::all(db, &Scope::All, &filter, 500).await?;
    Ok(done.last().and_then(|v| {
        let on = v.planned_date.parse().ok()?;
        Some((v.id, on))
    }))
}

/// With a history: each unit's certificate from before it, issued on the
/// unit's own date in the year before (so the fleet's inspections fall due
/// all through the year, as in a real fleet, not all at once). Written at
/// the history's start, before the contracts plan from it.
pub async fn seed_prior_certificates(db: &Db, past: Actor) -> Result<(), StoreError> {
    let all = units::list(db, &Scope::All, &ListFilter::limited(500))
        .await?
        .items;
    let start = past.at.date_naive();
    for (i, u) in all.iter().enumerate() {
        let issued = start - Duration::days(5 + (i as i64 * 29) % 330);
        certify(db, past, u, issued, 365, None).await?;
    }
    Ok(())
}

/// Files a unit's inspection certificate from the notified body.
async fn certify(
    db: &Db,
    actor: Actor,
    u: &units::Unit,
    issued: chrono::NaiveDate,
    valid_days: i64,
    visit_id: Option<i64>,
) -> Result<(), StoreError> {
    let pdf = base64::engine::general_purpose::STANDARD
        .encode(b"%PDF-1.4\n% demo inspection certificate\n");
    certificates::create(
        db,
        &Scope::All,
        actor,
        CertificateInput {
            unit_id: u.id,
            visit_id,
            authority: "Notified body (demo)".into(),
            certificate_number: Some(format!("INS-{}-{}", issued.format("%Y%m%d"), u.id)),
            issued_on: issued.to_string(),
            expires_on: (issued + Duration::days(valid_days)).to_string(),
            file_name: format!("certificate-{}-{}.pdf", u.id, issued.format("%Y")),
            content_type: "application/pdf".into(),
            content_base64: pdf,
        },
    )
    .await?;
    Ok(())
}
