//! Opening a case: validation, triage, the case number, the first SLA state.
//!
//! An entrapment (or any emergency) is never held up by paperwork: a unit or
//! a building is all it needs. Other cases need a unit and symptoms, and a PO
//! number when the contract requires one.

use super::model::{parse_channel, Case, Repeatable};
use super::sla::{self, Rules};
use super::timeline::{self, Entry};
use super::{scalar, Tx};
use crate::audit::{self, Actor};
use crate::error::Result;
use crate::notifications::{self, Audience, Notice};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, StoreError};
use chrono::Datelike;
use hoistway_desk::{triage, CaseNumber, Event, Hazard, Intake, Priority};
use hoistway_domain::fleet::Cents;
use hoistway_domain::text::{optional_text, parse_phone};
use hoistway_domain::{Invalid, Scope};
use serde::Deserialize;

/// "Passengers trapped" as a yes/no or as a head count.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Trapped {
    Flag(bool),
    Count(i64),
}

/// A new case as reported.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    pub unit_id: Option<i64>,
    /// Enough on its own for an emergency when the unit is not known.
    pub building_id: Option<i64>,
    /// phone, portal, mobile or api (connected is the system's own).
    pub channel: Option<String>,
    pub symptoms: Option<String>,
    /// Codes the unit's display shows: each up to 40 letters, digits and
    /// `- _ . / : #`, at most 50.
    #[serde(default)]
    pub error_codes: Vec<String>,
    /// Where in the building: floor, zone or landing (free text, at most
    /// 200 characters).
    pub location_in_building: Option<String>,
    /// Does the fault repeat: `yes`, `no` or `unknown` (`null`: not said).
    #[schema(value_type = Option<Repeatable>)]
    pub repeatable: Option<String>,
    /// `true`/`false`, or how many people are trapped.
    #[schema(value_type = Option<Object>)]
    pub passengers_trapped: Option<Trapped>,
    /// How many are trapped, when `passengers_trapped` is `true`.
    pub trapped_count: Option<i64>,
    #[serde(default)]
    pub medical_condition: bool,
    pub car_near_landing: Option<bool>,
    #[serde(default)]
    pub unit_removed_from_service: bool,
    #[serde(default)]
    pub unit_out_of_service: bool,
    /// Free-text hazards ("smoke", "water in pit", …).
    #[serde(default)]
    pub hazards: Vec<String>,
    pub access_instructions: Option<String>,
    pub po_number: Option<String>,
    pub spending_limit: Option<f64>,
    pub reporter_name: Option<String>,
    pub callback_phone: Option<String>,
}

/// How a case was opened: by whom, through which channel, and (for
/// pre-emptive cases) which finding it stands for.
pub struct Opening {
    pub channel: &'static str,
    pub finding_key: Option<String>,
}

struct Place {
    customer_id: i64,
    building_id: i64,
    unit_id: Option<i64>,
    hospital: bool,
    only_lift: bool,
    accessible_route: bool,
    high_traffic: bool,
}

fn trapped_count(input: &CaseInput) -> Result<i64, Invalid> {
    let n = match input.passengers_trapped {
        None | Some(Trapped::Flag(false)) => 0,
        Some(Trapped::Flag(true)) => input.trapped_count.unwrap_or(1),
        Some(Trapped::Count(n)) => n,
    };
    if !(0..=100).contains(&n) {
        return Err(Invalid::new("trapped_count", "must be 0 to 100"));
    }
    if input.trapped_count.is_some_and(|c| c < 1) && n > 0 {
        return Err(Invalid::new(
            "trapped_count",
            "must be at least 1 when passengers are trapped",
        ));
    }
    Ok(n)
}

async fn place(tx: &mut Tx<'_>, scope: &Scope, input: &CaseInput) -> Result<Place> {
    let (building_id, unit_id, accessible_route, high_traffic) = match input.unit_id {
        Some(unit_id) => {
            let mut sql = Sql::new(
                "SELECT u.building_id, u.accessible_route, u.high_traffic FROM units u WHERE u.id = ",
            );
            sql.bind(unit_id);
            restrict(&mut sql, scope, "u", Shape::InBuilding);
            let r = sql
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| Invalid::new("unit_id", format!("unit {unit_id} not found")))?;
            let unit_building = r.int("building_id")?;
            if input.building_id.is_some_and(|b| b != unit_building) {
                return Err(Invalid::new("building_id", "is not the building of this unit").into());
            }
            (
                r.int("building_id")?,
                Some(unit_id),
                r.int("accessible_route")? != 0,
                r.int("high_traffic")? != 0,
            )
        }
        None => match input.building_id {
            Some(b) => (b, None, false, false),
            None => {
                return Err(
                    Invalid::new("unit_id", "a unit (or at least a building) is required").into(),
                )
            }
        },
    };
    let mut sql = Sql::new("SELECT b.customer_id, b.hospital FROM buildings b WHERE b.id = ");
    sql.bind(building_id);
    restrict(&mut sql, scope, "b", Shape::Building);
    let b = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Invalid::new("building_id", format!("building {building_id} not found")))?;
    let mut lifts =
        Sql::new("SELECT COUNT(*) AS n FROM units WHERE kind = 'elevator' AND building_id = ");
    lifts.bind(building_id);
    let elevators = scalar(tx, lifts, "n").await?.unwrap_or(0);
    Ok(Place {
        customer_id: b.int("customer_id")?,
        building_id,
        unit_id,
        hospital: b.int("hospital")? != 0,
        only_lift: unit_id.is_some() && elevators == 1,
        accessible_route,
        high_traffic,
    })
}

/// The contract in force for the unit (or, without a unit, for any unit of
/// the building) on `day`: id, tier, PO required.
async fn contract(tx: &mut Tx<'_>, p: &Place, day: &str) -> Result<Option<(i64, String, bool)>> {
    let mut sql = Sql::new(
        "SELECT c.id, c.tier, c.po_required FROM contracts c JOIN contract_units cu ON cu.contract_id = c.id JOIN units u ON u.id = cu.unit_id WHERE c.start_date <= ",
    );
    sql.bind(day.to_string())
        .push(" AND (c.end_date IS NULL OR c.end_date >= ")
        .bind(day.to_string())
        .push(")");
    match p.unit_id {
        Some(u) => sql.push(" AND u.id = ").bind(u),
        None => sql.push(" AND u.building_id = ").bind(p.building_id),
    };
    sql.push(" ORDER BY c.id DESC LIMIT 1");
    Ok(match sql.fetch_optional(&mut **tx).await? {
        Some(r) => Some((r.int("id")?, r.text("tier")?, r.int("po_required")? != 0)),
        None => None,
    })
}

/// Takes the next number of the year. It is the transaction's first write,
/// so on SQLite the transaction holds the write lock from here on, and on
/// PostgreSQL the row lock orders concurrent openings.
async fn next_number(tx: &mut Tx<'_>, year: i32) -> Result<String> {
    let mut seed = Sql::new("INSERT INTO case_sequences (year, last) VALUES (");
    seed.bind(i64::from(year))
        .push(", 0) ON CONFLICT (year) DO NOTHING");
    seed.execute(&mut **tx).await?;
    let mut bump = Sql::new("UPDATE case_sequences SET last = last + 1 WHERE year = ");
    bump.bind(i64::from(year)).push(" RETURNING last");
    let n = bump.fetch_one(&mut **tx).await?.int("last")?;
    let number = CaseNumber::new(year as u32, n as u32)
        .map_err(|e| StoreError::Conflict(format!("no case number left for {year}: {e}")))?;
    Ok(number.to_string())
}

/// Opens a case. Returns it with its number, priority and SLA state.
pub async fn create(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    input: CaseInput,
    opening: Opening,
) -> Result<Case> {
    let mut tx = db.begin().await?;
    let case = open_in(&mut tx, scope, actor, rules, input, opening).await?;
    tx.commit().await?;
    Ok(case)
}

/// Opens a case inside the caller's transaction (a visit's failed safety
/// check, a connected finding), so the case exists exactly when the change
/// that caused it does.
pub async fn open_in(
    tx: &mut Tx<'_>,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    input: CaseInput,
    opening: Opening,
) -> Result<Case> {
    let number = next_number(tx, actor.at.year()).await?;
    let case_id = insert(tx, scope, actor, input, &number, opening).await?;
    let case = sla::refresh(tx, rules, case_id, actor.at).await?;
    audit::record(
        tx,
        actor,
        Some(case.customer_id),
        "case",
        case.id,
        "create",
        None::<&()>,
        Some(&case),
    )
    .await?;
    notify_created(tx, &case, actor).await?;
    Ok(case)
}

async fn notify_created(tx: &mut Tx<'_>, case: &Case, actor: Actor) -> Result<()> {
    let event = if case.channel == "connected" {
        Event::PredictiveAlert
    } else {
        Event::CaseCreated
    };
    let place = super::place(tx, case).await?;
    notifications::enqueue(
        tx,
        actor.at,
        Notice {
            event,
            key: format!("{}:created", case.number),
            case_id: Some(case.id),
            invoice_id: None,
            customer_id: Some(case.customer_id),
            subject: format!(
                "{} {} opened for {}",
                super::request_words(&case.priority),
                case.number,
                place
            ),
            body: format!("{}\n{}", case.symptoms, case.triage_rationale),
            audience: Audience::Case {
                customer_id: case.customer_id,
                building_id: case.building_id,
                technician_id: None,
                reporter_user_id: case.reporter_user_id,
            },
        },
    )
    .await?;
    Ok(())
}

async fn insert(
    tx: &mut Tx<'_>,
    scope: &Scope,
    actor: Actor,
    input: CaseInput,
    number: &str,
    opening: Opening,
) -> Result<i64> {
    let trapped = trapped_count(&input)?;
    let hazards = input
        .hazards
        .iter()
        .map(|h| {
            Hazard::parse(h).map_err(|_| Invalid::new("hazards", "a hazard must not be empty"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let error_codes = error_codes(&input.error_codes)?;
    let location_in_building = optional_text(
        "location_in_building",
        input.location_in_building.as_deref(),
        200,
    )?;
    let repeatable = input
        .repeatable
        .as_deref()
        .map(|r| Repeatable::parse("repeatable", r))
        .transpose()?;
    let channel = match input.channel.as_deref() {
        Some(c) => parse_channel(c)?,
        None => opening.channel,
    };
    if channel == "connected" && opening.channel != "connected" {
        return Err(Invalid::new(
            "channel",
            "connected cases are opened by the equipment itself",
        )
        .into());
    }
    let symptoms = optional_text("symptoms", input.symptoms.as_deref(), 4000)?;
    let callback_phone = input
        .callback_phone
        .as_deref()
        .map(|p| parse_phone("callback_phone", p))
        .transpose()?;
    let limit = input
        .spending_limit
        .map(|v| Cents::from_decimal("spending_limit", v))
        .transpose()?;
    let po_number = optional_text("po_number", input.po_number.as_deref(), 60)?;
    let place = place(tx, scope, &input).await?;
    let intake = Intake {
        passengers_trapped: trapped as u32,
        medical_condition: input.medical_condition,
        hazards: hazards.clone(),
        unit_removed_from_service: input.unit_removed_from_service,
        unit_out_of_service: input.unit_out_of_service,
        only_lift_in_building: place.only_lift,
        building_is_hospital: place.hospital,
        accessible_route: place.accessible_route,
        high_traffic: place.high_traffic,
        car_near_landing: input.car_near_landing,
    };
    let t = triage(&intake);
    let day = actor.at.date_naive().to_string();
    let contract = contract(tx, &place, &day).await?;
    if t.priority != Priority::Emergency {
        if place.unit_id.is_none() {
            return Err(Invalid::new("unit_id", "is required unless it is an emergency").into());
        }
        if symptoms.is_none() {
            return Err(Invalid::new(
                "symptoms",
                "describe what is wrong (required unless it is an emergency)",
            )
            .into());
        }
        // The equipment cannot quote a purchase order; the desk adds it.
        if contract.as_ref().is_some_and(|c| c.2) && po_number.is_none() && channel != "connected" {
            return Err(Invalid::new(
                "po_number",
                "this contract requires a purchase order number",
            )
            .into());
        }
    }
    let symptoms = symptoms.unwrap_or_else(|| {
        if trapped > 0 {
            format!("{trapped} passenger(s) trapped")
        } else {
            "Emergency reported".into()
        }
    });
    let rule = serde_json::to_value(t.rule)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let hazards_json = serde_json::to_string(
        &hazards
            .iter()
            .map(|h| h.as_str().to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".into());
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new(
        "INSERT INTO cases (number, customer_id, building_id, unit_id, contract_id, tier, channel, symptoms, error_codes, location_in_building, repeatable, passengers_trapped, medical_condition, car_near_landing, unit_removed_from_service, unit_out_of_service, hazards, access_instructions, po_number, spending_limit_cents, reporter_name, reporter_user_id, callback_phone, priority, triage_rule, triage_rationale, status, finding_key, created_at, updated_at) VALUES (",
    );
    sql.bind(number.to_string())
        .push(", ")
        .bind(place.customer_id);
    sql.push(", ")
        .bind(place.building_id)
        .push(", ")
        .bind(place.unit_id);
    sql.push(", ").bind(contract.as_ref().map(|c| c.0));
    sql.push(", ").bind(
        contract
            .as_ref()
            .map_or_else(|| "basic".to_string(), |c| c.1.clone()),
    );
    sql.push(", ")
        .bind(channel.to_string())
        .push(", ")
        .bind(symptoms);
    sql.push(", ")
        .bind(serde_json::to_string(&error_codes).unwrap_or_else(|_| "[]".into()));
    sql.push(", ")
        .bind(location_in_building)
        .push(", ")
        .bind(repeatable.map(|r| r.as_str().to_string()));
    sql.push(", ")
        .bind(trapped)
        .push(", ")
        .bind(i64::from(input.medical_condition));
    sql.push(", ").bind(input.car_near_landing.map(i64::from));
    sql.push(", ")
        .bind(i64::from(input.unit_removed_from_service));
    sql.push(", ").bind(i64::from(input.unit_out_of_service));
    sql.push(", ").bind(hazards_json);
    sql.push(", ").bind(optional_text(
        "access_instructions",
        input.access_instructions.as_deref(),
        2000,
    )?);
    sql.push(", ")
        .bind(po_number)
        .push(", ")
        .bind(limit.map(|c| c.0));
    sql.push(", ").bind(optional_text(
        "reporter_name",
        input.reporter_name.as_deref(),
        200,
    )?);
    sql.push(", ")
        .bind(actor.user_id)
        .push(", ")
        .bind(callback_phone);
    sql.push(", ")
        .bind(t.priority.as_str().to_string())
        .push(", ")
        .bind(rule.clone());
    sql.push(", ")
        .bind(t.rationale.clone())
        .push(", ")
        .bind("new".to_string());
    sql.push(", ")
        .bind(opening.finding_key)
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(now);
    sql.push(") RETURNING id");
    let id = sql
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| {
            StoreError::unique_as_conflict(e, "an open case already exists for this finding")
        })?
        .int("id")?;
    timeline::add(
        tx,
        id,
        actor,
        Entry::new("created", format!("Case opened via {channel}")),
    )
    .await?;
    timeline::add(
        tx,
        id,
        actor,
        Entry::new(
            "triaged",
            format!("Triaged {}: {}", t.priority, t.rationale),
        )
        .detail(serde_json::json!({"priority": t.priority.as_str(), "rule": rule})),
    )
    .await?;
    Ok(id)
}

/// The error codes as reported: each trimmed, blanks left out; a code is
/// 1 to 40 letters, digits and `- _ . / : #` (what lift displays show), and
/// a case carries at most 50. The refusal names the code.
pub fn error_codes(raw: &[String]) -> Result<Vec<String>, Invalid> {
    let codes: Vec<String> = raw
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.len() > 50 {
        return Err(Invalid::new("error_codes", "at most 50 error codes"));
    }
    for c in &codes {
        let ok = c.chars().count() <= 40
            && c.chars()
                .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '/' | ':' | '#'));
        if !ok {
            return Err(Invalid::new(
                "error_codes",
                format!("{c:?} is not an error code (up to 40 letters, digits and - _ . / : #)"),
            ));
        }
    }
    Ok(codes)
}

/// Splits the free text of a form's error-code field (commas, semicolons
/// or spaces between codes) into codes for [`error_codes`] to check.
pub fn split_error_codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// What triage would decide for `input` now, without opening a case: the
/// same place lookup (hospital, only lift, accessible route, high traffic)
/// and the same rules as [`create`]. The care-center intake form shows it
/// while the checklist is filled in; the case itself is decided on submit.
pub async fn preview(db: &Db, scope: &Scope, input: &CaseInput) -> Result<hoistway_desk::Triage> {
    let trapped = trapped_count(input)?;
    let hazards = input
        .hazards
        .iter()
        .filter_map(|h| Hazard::parse(h).ok())
        .collect::<Vec<_>>();
    let mut tx = db.begin().await?;
    let place = place(&mut tx, scope, input).await?;
    let intake = Intake {
        passengers_trapped: trapped as u32,
        medical_condition: input.medical_condition,
        hazards,
        unit_removed_from_service: input.unit_removed_from_service,
        unit_out_of_service: input.unit_out_of_service,
        only_lift_in_building: place.only_lift,
        building_is_hospital: place.hospital,
        accessible_route: place.accessible_route,
        high_traffic: place.high_traffic,
        car_near_landing: input.car_near_landing,
    };
    Ok(triage(&intake))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_checked_one_by_one() {
        let ok = error_codes(&[
            "E-204".into(),
            " DOOR_12 ".into(),
            "".into(),
            "F3.1/a".into(),
        ])
        .unwrap();
        assert_eq!(ok, vec!["E-204", "DOOR_12", "F3.1/a"]);
        let bad = error_codes(&["E1".into(), "E 2".into()]).unwrap_err();
        assert_eq!(bad.field, "error_codes");
        assert!(bad.to_string().contains("\"E 2\""), "{bad}");
        assert!(error_codes(&["x".repeat(41)]).is_err());
        assert!(error_codes(&vec!["E1".to_string(); 51]).is_err());
        assert!(error_codes(&["<script>".into()]).is_err());
    }

    #[test]
    fn form_text_splits_on_commas_semicolons_and_spaces() {
        assert_eq!(
            split_error_codes("E-204, DOOR-12;E9  E10\n"),
            vec!["E-204", "DOOR-12", "E9", "E10"]
        );
        assert!(split_error_codes(" , ").is_empty());
    }
}
