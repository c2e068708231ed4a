//! Rows of the maintenance audit export: per unit, over 1 day to 24 months,
//! every planned visit (with its report, failed checklist items and
//! certificate) and every certificate, and the calls and repairs of the
//! service desk's cases ([`case_rows`]).

use crate::error::Result;
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, units, Db};
use chrono::NaiveDate;
use hoistway_domain::{Invalid, Scope};
use hoistway_maintenance::report::PartUsed;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest period one export covers.
pub const MAX_DAYS: i64 = 731;

/// Query parameters of the export.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportFilter {
    /// First day, YYYY-MM-DD.
    pub from: String,
    /// Last day, YYYY-MM-DD (at most 24 months after `from`).
    pub to: String,
    pub unit_id: Option<i64>,
    pub building_id: Option<i64>,
}

/// One line of the export (column order is the CSV's).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExportRow {
    /// visit, inspection, certificate, call or repair.
    pub record: String,
    pub unit_id: i64,
    pub equipment_number: String,
    pub building: String,
    pub address: String,
    pub date: String,
    pub visit_id: Option<i64>,
    pub status: String,
    pub reason: String,
    pub due_on: String,
    pub technician_id: Option<i64>,
    pub findings: String,
    /// `PART x QTY` separated by `; `.
    pub parts_used: String,
    pub time_on_site_min: Option<i64>,
    /// Codes of failed checklist items, `; `-separated.
    pub failed_items: String,
    pub certificate_number: String,
    pub authority: String,
    pub certificate_expires_on: String,
    /// Service case number (calls and repairs).
    pub case_number: String,
}

fn check_period(f: &ExportFilter) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let from = hoistway_domain::text::parse_date("from", &f.from)?;
    let to = hoistway_domain::text::parse_date("to", &f.to)?;
    hoistway_domain::text::ordered_dates("from", from, "to", Some(to))?;
    if (to - from).num_days() > MAX_DAYS {
        return Err(Invalid::new("to", "an export covers at most 24 months"));
    }
    Ok((from, to))
}

fn narrow(sql: &mut Sql, scope: &Scope, f: &ExportFilter) {
    restrict(sql, scope, "u", Shape::InBuilding);
    if let Some(u) = f.unit_id {
        sql.push(" AND u.id = ").bind(u);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND u.building_id = ").bind(b);
    }
}

/// The export's rows, ordered by unit and date.
pub async fn rows(db: &Db, scope: &Scope, f: &ExportFilter) -> Result<Vec<ExportRow>> {
    let (from, to) = check_period(f)?;
    // A unit or building outside the scope is "not found", not an empty file.
    if let Some(u) = f.unit_id {
        units::fetch(&db.pool, scope, u).await?;
    }
    if let Some(b) = f.building_id {
        buildings::fetch(&db.pool, scope, b).await?;
    }
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let mut failed: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut sql = Sql::new("SELECT i.visit_id, i.code FROM visit_checklist_items i JOIN visits v ON v.id = i.visit_id JOIN units u ON u.id = v.unit_id WHERE i.outcome = 'fail' AND v.planned_date >= ");
    sql.bind(from_s.clone())
        .push(" AND v.planned_date <= ")
        .bind(to_s.clone());
    narrow(&mut sql, scope, f);
    sql.push(" ORDER BY i.visit_id, i.position");
    for r in sql.fetch_all(&db.pool).await? {
        failed
            .entry(r.int("visit_id")?)
            .or_default()
            .push(r.text("code")?);
    }
    let mut out = Vec::new();
    let mut sql = Sql::new("SELECT v.*, u.equipment_number, b.name AS building, b.address, r.findings, r.parts_json, r.time_on_site_min, c.certificate_number, c.authority, c.expires_on FROM visits v JOIN units u ON u.id = v.unit_id JOIN buildings b ON b.id = u.building_id LEFT JOIN visit_reports r ON r.visit_id = v.id LEFT JOIN inspection_certificates c ON c.visit_id = v.id WHERE v.status <> 'cancelled' AND v.planned_date >= ");
    sql.bind(from_s.clone())
        .push(" AND v.planned_date <= ")
        .bind(to_s.clone());
    narrow(&mut sql, scope, f);
    for r in sql.fetch_all(&db.pool).await? {
        let id = r.int("id")?;
        let kind = r.text("kind")?;
        let parts: Vec<PartUsed> = r
            .opt_text("parts_json")?
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        out.push(ExportRow {
            record: if kind == "inspection" {
                "inspection"
            } else {
                "visit"
            }
            .into(),
            unit_id: r.int("unit_id")?,
            equipment_number: r.text("equipment_number")?,
            building: r.text("building")?,
            address: r.text("address")?,
            date: r
                .opt_text("completed_on")?
                .unwrap_or(r.text("planned_date")?),
            visit_id: Some(id),
            status: r.text("status")?,
            reason: r.text("reason")?,
            due_on: r.opt_text("due_on")?.unwrap_or_default(),
            technician_id: r.opt_int("technician_id")?,
            findings: r.opt_text("findings")?.unwrap_or_default(),
            parts_used: parts
                .iter()
                .map(|p| format!("{} x {}", p.part_number, p.quantity))
                .collect::<Vec<_>>()
                .join("; "),
            time_on_site_min: r.opt_int("time_on_site_min")?,
            failed_items: failed.remove(&id).unwrap_or_default().join("; "),
            certificate_number: r.opt_text("certificate_number")?.unwrap_or_default(),
            authority: r.opt_text("authority")?.unwrap_or_default(),
            certificate_expires_on: r.opt_text("expires_on")?.unwrap_or_default(),
            case_number: String::new(),
        });
    }
    let mut sql = Sql::new("SELECT c.*, u.equipment_number, b.name AS building, b.address FROM inspection_certificates c JOIN units u ON u.id = c.unit_id JOIN buildings b ON b.id = u.building_id WHERE c.visit_id IS NULL AND c.issued_on >= ");
    sql.bind(from_s).push(" AND c.issued_on <= ").bind(to_s);
    narrow(&mut sql, scope, f);
    for r in sql.fetch_all(&db.pool).await? {
        out.push(ExportRow {
            record: "certificate".into(),
            unit_id: r.int("unit_id")?,
            equipment_number: r.text("equipment_number")?,
            building: r.text("building")?,
            address: r.text("address")?,
            date: r.text("issued_on")?,
            status: "issued".into(),
            certificate_number: r.opt_text("certificate_number")?.unwrap_or_default(),
            authority: r.text("authority")?,
            certificate_expires_on: r.text("expires_on")?,
            ..ExportRow::default()
        });
    }
    out.extend(case_rows(db, scope, f, from, to).await?);
    out.sort_by(|a, b| (a.unit_id, &a.date, a.visit_id).cmp(&(b.unit_id, &b.date, b.visit_id)));
    Ok(out)
}

/// Calls and repairs of the period, as export rows: one `call` per case
/// opened in it (its channel as the reason, the symptoms as findings) and
/// one `repair` per case with a service report (the report's cause code as
/// the reason, its findings and parts), dated on the building's local day.
pub async fn case_rows(
    db: &Db,
    scope: &Scope,
    f: &ExportFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ExportRow>> {
    // A day's margin either side in UTC; the local day decides below.
    let lo = (from - chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis());
    let hi = (to + chrono::Duration::days(2))
        .and_hms_opt(0, 0, 0)
        .map_or(i64::MAX, |t| t.and_utc().timestamp_millis());
    let mut sql = Sql::new("SELECT c.number, c.unit_id, c.channel, c.status, c.symptoms, c.technician_id, c.report, c.created_at, c.resolved_at, u.equipment_number, b.name AS building, b.address, b.timezone FROM cases c JOIN units u ON u.id = c.unit_id JOIN buildings b ON b.id = u.building_id WHERE c.created_at >= ");
    sql.bind(lo).push(" AND c.created_at < ").bind(hi);
    narrow(&mut sql, scope, f);
    let mut out = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        let tz: chrono_tz::Tz = r.text("timezone")?.parse().unwrap_or(chrono_tz::UTC);
        let day = |ms: i64| crate::row::from_millis(ms).with_timezone(&tz).date_naive();
        let opened = day(r.int("created_at")?);
        if opened < from || opened > to {
            continue;
        }
        let base = ExportRow {
            unit_id: r.int("unit_id")?,
            equipment_number: r.text("equipment_number")?,
            building: r.text("building")?,
            address: r.text("address")?,
            status: r.text("status")?,
            technician_id: r.opt_int("technician_id")?,
            case_number: r.text("number")?,
            ..ExportRow::default()
        };
        out.push(ExportRow {
            record: "call".into(),
            date: opened.to_string(),
            reason: r.text("channel")?,
            findings: r.text("symptoms")?,
            ..base.clone()
        });
        let report: Option<serde_json::Value> = r
            .opt_text("report")?
            .and_then(|t| serde_json::from_str(&t).ok());
        if let Some(rep) = report {
            let parts = rep["parts_used"]
                .as_array()
                .map(|p| {
                    p.iter()
                        .map(|x| {
                            format!(
                                "{} x {}",
                                x["part_number"].as_str().unwrap_or_default(),
                                x["quantity"].as_u64().unwrap_or(1)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let fixed = r.opt_int("resolved_at")?.map_or(opened, day);
            out.push(ExportRow {
                record: "repair".into(),
                date: fixed.to_string(),
                reason: rep["cause_code"].as_str().unwrap_or_default().to_string(),
                findings: rep["findings"].as_str().unwrap_or_default().to_string(),
                parts_used: parts,
                ..base
            });
        }
    }
    Ok(out)
}
